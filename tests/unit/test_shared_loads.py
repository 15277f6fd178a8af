"""project.shared_loads: one load for a burst of requests, kept for a moment, failures forgotten."""

import asyncio

import pytest

from project.shared_loads import SharedLoad


class Counting:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []
        self.fail = fail

    async def __call__(self, key: int) -> str:
        self.calls.append(key)
        await asyncio.sleep(0.01)
        if self.fail:
            raise LookupError(key)
        return f"row {key}"


def test_a_burst_for_one_key_shares_one_load():
    load = Counting()
    shared = SharedLoad(load, ttl_s=60)

    async def burst():
        return await asyncio.gather(*(shared(7) for _ in range(50)), shared(8))

    answers = asyncio.run(burst())
    assert answers == ["row 7"] * 50 + ["row 8"]
    assert load.calls == [7, 8]


def test_an_answer_older_than_the_ttl_is_loaded_again():
    load = Counting()
    shared = SharedLoad(load, ttl_s=0)

    async def twice():
        await shared(1)
        await shared(1)

    asyncio.run(twice())
    assert load.calls == [1, 1]


def test_a_failed_load_is_not_kept():
    load = Counting(fail=True)
    shared = SharedLoad(load, ttl_s=60)

    async def twice():
        for _ in range(2):
            with pytest.raises(LookupError):
                await shared(3)

    asyncio.run(twice())
    assert load.calls == [3, 3]


def test_clear_forgets_every_answer():
    load = Counting()
    shared = SharedLoad(load, ttl_s=60)

    async def around_clear():
        await shared(1)
        shared.clear()
        await shared(1)

    asyncio.run(around_clear())
    assert load.calls == [1, 1]
