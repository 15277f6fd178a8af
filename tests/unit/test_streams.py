"""Pacing, driven by a fake clock: no real sleeps."""

import pytest

from lyrics.streams import (
    END,
    StreamStats,
    end_token,
    line_token,
    lines_version,
    paced,
    parse_token,
    plan_after,
    plan_from_position,
)


class FakeClock:
    """Time moves only when a stream sleeps; each wake-up is late by ``lag_s``."""

    def __init__(self, lag_s: float = 0.0) -> None:
        self.t = 1000.0
        self.lag_s = lag_s

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0) + self.lag_s


def song(count: int, step_ms: int = 500, start_ms: int = 0) -> list[dict]:
    return [{"index": i, "time_ms": start_ms + i * step_ms, "text": f"line {i}"} for i in range(count)]


async def run(plan, clock, heartbeat_s=15.0):
    """[(seconds since start, what was sent)] for a whole stream."""
    start = clock.now()
    out = []
    async for chunk in paced(
        plan,
        encode_line=lambda line: line["text"],
        encode_heartbeat=lambda: "♥",
        heartbeat_s=heartbeat_s,
        clock=clock,
    ):
        out.append((round(clock.now() - start, 6), chunk))
    return out


async def test_each_line_is_sent_at_its_timestamp():
    sent = await run(plan_from_position(song(4), at_ms=0), FakeClock())
    assert sent == [(0, "line 0"), (0.5, "line 1"), (1.0, "line 2"), (1.5, "line 3")]


async def test_late_wakeups_do_not_drift_over_a_ten_minute_song():
    lines = song(1200)  # one line every 0.5 s: ten minutes
    sent = await run(plan_from_position(lines, at_ms=0), FakeClock(lag_s=0.004))
    last_time, last_text = sent[-1]
    assert last_text == "line 1199"
    # Each wake-up is 4 ms late; on an absolute schedule the error stays one lag, not 1,199 of them.
    assert last_time == pytest.approx(599.5, abs=0.005)
    assert max(abs(t - i * 0.5) for i, (t, _) in enumerate(sent)) <= 0.0041


async def test_the_line_active_at_the_start_position_comes_first_at_once():
    sent = await run(plan_from_position(song(5), at_ms=1200), FakeClock())
    assert sent == [(0, "line 2"), (0.3, "line 3"), (0.8, "line 4")]


async def test_a_start_before_the_first_line_waits_for_it():
    sent = await run(plan_from_position(song(2, start_ms=3000), at_ms=1000), FakeClock())
    assert sent == [(2.0, "line 0"), (2.5, "line 1")]


async def test_rate_two_halves_every_gap():
    sent = await run(plan_from_position(song(3), at_ms=0, rate=2.0), FakeClock())
    assert [t for t, _ in sent] == [0, 0.25, 0.5]


async def test_instant_pace_sends_everything_at_once():
    sent = await run(plan_from_position(song(3), at_ms=0, paced=False), FakeClock())
    assert sent == [(0, "line 0"), (0, "line 1"), (0, "line 2")]


async def test_long_gaps_carry_heartbeats():
    lines = [{"index": 0, "time_ms": 0, "text": "a"}, {"index": 1, "time_ms": 40_000, "text": "b"}]
    sent = await run(plan_from_position(lines, at_ms=0), FakeClock(), heartbeat_s=15)
    assert sent == [(0, "a"), (15, "♥"), (30, "♥"), (40, "b")]


async def test_resume_after_a_line_sends_only_the_lines_after_it_on_their_gaps():
    sent = await run(plan_after(song(5), index=2), FakeClock())
    assert sent == [(0.5, "line 3"), (1.0, "line 4")]


async def test_stats_count_lines_sent():
    stats = StreamStats()
    async for _ in paced(
        plan_from_position(song(3), at_ms=0, paced=False),
        encode_line=str,
        encode_heartbeat=str,
        heartbeat_s=1,
        clock=FakeClock(),
        stats=stats,
    ):
        pass
    assert stats.lines_sent == 3


def test_tokens_name_a_line_of_these_lyrics_only():
    lines = song(3)
    version = lines_version(lines)
    assert parse_token(line_token(version, 1), version=version, count=3) == 1
    assert parse_token(end_token(version), version=version, count=3) == END
    assert parse_token(line_token(version, 9), version=version, count=3) is None
    other = lines_version(song(4))
    assert parse_token(line_token(other, 1), version=version, count=3) is None
    assert parse_token("garbage", version=version, count=3) is None
    assert parse_token(None, version=version, count=3) is None
