"""Files a request may reach: only inside configured roots, checked on the opened file.

A name is first refused on its face (absolute, ``..``, NUL, too long); then
the file is opened and what was actually opened is checked: a regular file
whose real path (read back from ``/proc/self/fd``) lies inside a root. A
symlink swapped in between a check and an open cannot escape, because the
check is made on the open descriptor. Blocking: call from a worker thread.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

MAX_NAME_CHARS = 1024


class NotInRoot(LookupError):
    """A name that does not denote a readable regular file inside a root."""


class TooLarge(ValueError):
    """A file larger than the reader's cap."""


def check_relative_name(name: str) -> None:
    """Refuse a client-given relative name that could only mean leaving the root."""
    if (
        not name
        or len(name) > MAX_NAME_CHARS
        or "\0" in name
        or "\\" in name
        or name.startswith("/")
        or name.endswith("/")
        or any(part in {"..", "."} for part in name.split("/"))
    ):
        raise NotInRoot(name)


def real_roots(roots: Iterable[Path | str]) -> list[Path]:
    return [Path(os.path.realpath(root)) for root in roots]


def opened_path(fd: int) -> Path:
    """The real path of what ``fd`` refers to, as the kernel sees it now."""
    return Path(os.readlink(f"/proc/self/fd/{fd}"))


def inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path != root and path.is_relative_to(root) for root in roots)


def open_confined(path: Path | str, roots: Iterable[Path]) -> tuple[int, os.stat_result, Path]:
    """Open ``path`` for reading if it is a regular file inside one of the real ``roots``.

    Returns the descriptor (the caller closes it), its stat and its real path;
    raises :class:`NotInRoot` otherwise. ``O_NONBLOCK`` keeps a FIFO from
    blocking the open.
    """
    if "\0" in str(path) or len(str(path)) > 4096:
        raise NotInRoot(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise NotInRoot(str(path)) from exc
    try:
        info = os.fstat(fd)
        real = opened_path(fd)
        if not stat.S_ISREG(info.st_mode) or not inside(real, roots):
            raise NotInRoot(str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info, real


def read_capped(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from ``fd``, or :class:`TooLarge` when there are more."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise TooLarge(f"larger than {limit // (1024 * 1024)} MB")
    return b"".join(chunks)


def read_confined(path: Path | str, roots: Iterable[Path], *, limit: int) -> bytes:
    """The bytes of a file inside ``roots``, capped at ``limit`` (:class:`NotInRoot`, :class:`TooLarge`)."""
    fd, _info, _real = open_confined(path, roots)
    try:
        return read_capped(fd, limit)
    finally:
        os.close(fd)
