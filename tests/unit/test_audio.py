"""Audio logic without a server: ranges, validators, media types, offload headers, chunked reads."""

import asyncio
import os

import pytest

from lyrics.audio import (
    ByteRange,
    FileChunks,
    FileInfo,
    RangeNotSatisfiable,
    media_type,
    not_modified,
    parse_range,
    range_applies,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=10-", ByteRange(10, 99)),
        ("bytes=-1", ByteRange(99, 99)),
        ("BYTES = 5-9", ByteRange(5, 9)),
        ("bytes=90-200", ByteRange(90, 99)),
        ("bytes=9-5", None),
        ("bytes=", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
        ("bytes=1-2,4-5", None),
        ("pages=1-2", None),
        ("bytes=１-２", None),
        (None, None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=-0"])
def test_ranges_outside_the_file_are_not_satisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)


def test_an_empty_file_satisfies_no_range():
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=-5", 0)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.mp3", "audio/mpeg"),
        ("a.OGG", "audio/ogg"),
        ("a.flac", "audio/flac"),
        ("a.m4a", "audio/mp4"),
        ("a.opus", "audio/opus"),
        ("a.wav", "audio/wav"),
        ("a.xyz", "application/octet-stream"),
    ],
)
def test_media_types_come_from_our_own_table(name, kind):
    assert media_type(name) == kind


def test_validators(tmp_path):
    path = tmp_path / "a.mp3"
    path.write_bytes(b"abc")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    info = FileInfo.of(path.stat())
    assert info.etag.startswith('"3-')
    assert info.last_modified == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert not_modified(info, if_none_match=info.etag, if_modified_since=None)
    assert not_modified(info, if_none_match=f"W/{info.etag}", if_modified_since=None)
    assert not not_modified(info, if_none_match='"x"', if_modified_since=info.last_modified)
    assert not_modified(info, if_none_match=None, if_modified_since=info.last_modified)
    assert range_applies(info, info.etag)
    assert not range_applies(info, f"W/{info.etag}")
    assert range_applies(info, info.last_modified)
    assert not range_applies(info, "Wed, 15 Nov 2023 22:13:20 GMT")


def _closed(fd):
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def _chunks_of(path, data, ready=None):
    path.write_bytes(data)
    return FileChunks(os.open(path, os.O_RDONLY), ByteRange(0, len(data) - 1), chunk_bytes=4, ready=ready)


def test_chunks_cover_the_range_and_close_their_file(tmp_path):
    async def read_all():
        chunks = _chunks_of(tmp_path / "a.mp3", b"0123456789")
        fd = chunks.fd
        got = [chunk async for chunk in chunks]
        return got, _closed(fd)

    got, closed = asyncio.run(read_all())
    assert got == [b"0123", b"4567", b"89"]
    assert closed


def test_a_slow_client_holds_no_chunk_read_ahead(tmp_path):
    """With ``ready`` (the write gate), the next chunk is read only once the client took the last one."""

    async def scenario():
        client_ready = asyncio.Event()
        client_ready.set()
        chunks = _chunks_of(tmp_path / "a.mp3", b"0123456789", ready=client_ready.wait)
        first = await chunks.__anext__()
        client_ready.clear()  # sending ``first`` filled the socket: the gate closes
        await asyncio.sleep(0.05)
        ahead_while_slow = chunks.reading
        client_ready.set()
        second = await chunks.__anext__()
        return first, ahead_while_slow, second

    first, ahead_while_slow, second = asyncio.run(scenario())
    assert first == b"0123"
    assert ahead_while_slow is None, "a chunk was read ahead for a client that has not taken the last one"
    assert second == b"4567"


def test_a_client_that_leaves_while_slow_closes_the_file_at_once(tmp_path):
    async def scenario():
        gate = asyncio.Event()
        gate.set()
        chunks = _chunks_of(tmp_path / "a.mp3", b"0123456789", ready=gate.wait)
        fd = chunks.fd
        await chunks.__anext__()
        gate.clear()  # and the client never reads again
        await asyncio.sleep(0.05)
        await asyncio.wait_for(chunks.aclose(), 1)
        return _closed(fd)

    assert asyncio.run(scenario()), "the file stayed open"
