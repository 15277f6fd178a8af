"""Audio over HTTP: media types, byte ranges, validators, chunked reads (RFC 9110).

Pure but for :class:`FileChunks`, which reads an open file off the event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

# Our own table: Python's mimetypes lacks several of these on slim systems.
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/opus",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".wav": "audio/wav",
    ".weba": "audio/webm",
    ".webm": "audio/webm",
}
# Measured with benchmarks/audio_bench.py (100 MB file, read-ahead of one chunk):
# 256 KiB gave 27% of nginx's throughput, 512 KiB 32%, 1 MiB 45%; a slow reader
# holds one chunk in Twisted's buffer and one waiting for it (FileChunks' ``ready``).
CHUNK_BYTES = 1024 * 1024
# Reads go to two threads of their own rather than asyncio's default pool: glibc
# gives each thread that allocates its own malloc arena and keeps what is freed
# there: with 20 slow readers, the arenas of six pool threads grew by 9-12 MB
# each. A page-cache read of 1 MiB takes well under a millisecond, so two
# threads keep up.
FILE_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="byeol-audio-read")


class RangeNotSatisfiable(ValueError):
    """A syntactically valid Range that selects no byte of the file."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


@dataclass(frozen=True)
class FileInfo:
    size: int
    mtime: datetime
    etag: str

    @classmethod
    def of(cls, stat: os.stat_result) -> FileInfo:
        mtime = datetime.fromtimestamp(int(stat.st_mtime), tz=UTC)
        return cls(stat.st_size, mtime, f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"')

    @property
    def last_modified(self) -> str:
        return format_datetime(self.mtime, usegmt=True)


def media_type(path: str | Path) -> str:
    return MEDIA_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


# No file has 10**18 bytes: a longer number means "past the end", read without int().
MAX_POSITION_DIGITS = 18
_FAR = 10**MAX_POSITION_DIGITS


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _position(text: str) -> int:
    """A byte position, bounded before it is parsed (anything longer is one past any file)."""
    digits = text.lstrip("0") or "0"
    return _FAR if len(digits) > MAX_POSITION_DIGITS else int(digits)


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range ``header`` asks for, or None to send the whole file.

    Malformed headers, other units and several ranges are ignored (None): a
    server may always answer a Range with the full representation.
    Raises :class:`RangeNotSatisfiable` for a valid range outside the file.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or (first and not _digits(first)) or (last and not _digits(last)) or not (first or last):
        return None
    if not first:  # suffix range: the last N bytes
        suffix = _position(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return ByteRange(max(size - suffix, 0), size - 1)
    start = _position(first)
    end = _position(last) if last else size - 1
    if last and end < start:
        return None  # invalid syntax (RFC 9110 14.1.1): ignored
    if start >= size:
        raise RangeNotSatisfiable(header)
    return ByteRange(start, min(end, size - 1))


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _etags(value: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in value.split(",")]


def not_modified(info: FileInfo, *, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """True when the client's copy is current (answer 304)."""
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or info.etag in tags  # weak comparison, as RFC 9110 13.1.2 says
    since = _http_date(if_modified_since)
    return since is not None and info.mtime <= since


def range_applies(info: FileInfo, if_range: str | None) -> bool:
    """Whether a Range may be honoured under ``If-Range`` (strong ETag or exact date)."""
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return if_range == info.etag
    date = _http_date(if_range)
    return date is not None and date == info.mtime


class FileChunks:
    """The bytes of ``byte_range`` of an open file, in bounded chunks read in a worker thread.

    Owns ``fd`` and closes it however the iteration ends, also when it never
    starts (:meth:`aclose` or :meth:`close`). The next chunk is read while
    the current one is being sent (at most two chunks in memory), so disk and
    socket work overlap. With ``ready`` (it returns once the client has taken
    what was sent), that read waits for it: a slow reader then holds one
    chunk in the server's buffer and one waiting, not a third read ahead.
    """

    def __init__(
        self,
        fd: int,
        byte_range: ByteRange,
        *,
        chunk_bytes: int = CHUNK_BYTES,
        ready: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.fd: int | None = fd
        self.offset = byte_range.start
        self.end = byte_range.end + 1
        self.chunk_bytes = chunk_bytes
        self.ready = ready
        # The next chunk, and the thread's read behind it once started: the
        # descriptor is closed only when no read is using it any more.
        self.pending: asyncio.Future[bytes] | None = None
        self.reading: Future[bytes] | None = None

    def _read_next(self, *, first: bool = False) -> asyncio.Future[bytes] | None:
        if self.fd is None or self.offset >= self.end:
            return None
        size = min(self.chunk_bytes, self.end - self.offset)
        if self.ready is None or first:  # nothing sent yet: nothing to wait for
            return self._pread(size)
        return asyncio.ensure_future(self._read_when_ready(self.ready, size))

    def _pread(self, size: int) -> asyncio.Future[bytes]:
        assert self.fd is not None
        self.reading = FILE_THREADS.submit(os.pread, self.fd, size, self.offset)
        return asyncio.wrap_future(self.reading)

    async def _read_when_ready(self, ready: Callable[[], Awaitable[object]], size: int) -> bytes:
        await ready()
        return await self._pread(size) if self.fd is not None else b""

    def __aiter__(self) -> FileChunks:
        return self

    async def __anext__(self) -> bytes:
        if self.pending is None:
            self.pending = self._read_next(first=True)
        if self.pending is None:
            await self.aclose()
            raise StopAsyncIteration
        chunk = await self.pending
        self.pending = self.reading = None
        if not chunk:  # the file shrank under us: end rather than hang
            await self.aclose()
            raise StopAsyncIteration
        self.offset += len(chunk)
        self.pending = self._read_next()
        return chunk

    async def aclose(self) -> None:
        if self.reading is not None:
            # A read still in flight must finish before its descriptor is closed.
            await asyncio.gather(asyncio.wrap_future(self.reading), return_exceptions=True)
        self.close()

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if self.pending is not None and not self.pending.done():
            self.pending.cancel()  # waiting for the client or the read: neither is wanted now
        self.pending = None
        if fd is None:
            return
        if self.reading is not None and not self.reading.done():
            self.reading.add_done_callback(lambda _: os.close(fd))
        else:
            os.close(fd)
