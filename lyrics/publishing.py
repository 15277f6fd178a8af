"""LRCLIB's publishing rules: its proof-of-work challenge and what a publish stores. Pure, no Django.

A client asks for a challenge (a random ``prefix`` and a ``target``), finds a
``nonce`` such that sha256(prefix + nonce), read as 32 bytes, is at most the
target's 32 bytes, and sends ``X-Publish-Token: <prefix>:<nonce>`` with its
lyrics. This is LRCLIB's own scheme (``server/src/utils.rs`` there), so its
clients (lrcup, LRCGET) publish to Byeol unchanged.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass

# LRCLIB's base difficulty: about one nonce in 2**24 answers (a second or so of a client's CPU).
LRCLIB_TARGET = "000000FF00000000000000000000000000000000000000000000000000000000"
PREFIX_CHARS = 32
# Far more digits than any solver needs: a longer nonce is not hashed.
MAX_NONCE_CHARS = 64
INSTRUMENTAL = "[au: instrumental]"
# LRCLIB's test: synced lyrics carrying this tag mark the track instrumental.
_INSTRUMENTAL_TAG = re.compile(r"\[au:\s*instrumental\]")
_ALPHANUMERIC = string.ascii_letters + string.digits
_HEX_64 = re.compile(r"[0-9A-Fa-f]{64}")


@dataclass(frozen=True)
class Challenge:
    prefix: str
    target: str


def check_target(target: str) -> str:
    """``target`` if it is 64 hex digits (LRCLIB writes them upper-case), else ``ValueError``."""
    if not _HEX_64.fullmatch(target):
        raise ValueError(f"a challenge target is 64 hex digits, not {target[:80]!r}")
    return target.upper()


def make_challenge(target: str) -> Challenge:
    """A fresh challenge: 32 random letters and digits, and ``target``."""
    prefix = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(PREFIX_CHARS))
    return Challenge(prefix, check_target(target))


def parse_token(token: str) -> tuple[str, str] | None:
    """(prefix, nonce) of an ``X-Publish-Token``, or None when it is not ``<prefix>:<nonce>``."""
    parts = token.split(":")
    if len(parts) != 2:
        return None
    prefix, nonce = parts
    if len(prefix) != PREFIX_CHARS or not prefix.isascii() or not prefix.isalnum():
        return None
    if not nonce or len(nonce) > MAX_NONCE_CHARS or not nonce.isascii():
        return None
    return prefix, nonce


def verify_answer(prefix: str, nonce: str, target: str) -> bool:
    """Whether sha256(prefix + nonce) is at most ``target``, both compared as bytes (as LRCLIB does)."""
    try:
        target_bytes = bytes.fromhex(target)
    except ValueError:
        return False
    digest = hashlib.sha256(f"{prefix}{nonce}".encode()).digest()
    return len(target_bytes) == len(digest) and digest <= target_bytes


def solve(prefix: str, target: str, *, limit: int = 10_000_000) -> str:
    """The first nonce (decimal) that answers the challenge: for tests and tools, not the server."""
    for nonce in range(limit):
        if verify_answer(prefix, str(nonce), target):
            return str(nonce)
    raise ValueError(f"no nonce below {limit} meets the target")


def published_text(plain: str | None, synced: str | None) -> str:
    """The lyrics a publish stores, as LRCLIB decides them.

    Synced lyrics win over plain ones (the plain text is what they read
    without stamps); synced lyrics tagged ``[au: instrumental]``, or no lyrics
    at all, mark the track instrumental, stored as that tag alone.
    """
    plain, synced = plain or "", synced or ""
    if _INSTRUMENTAL_TAG.search(synced) or not (plain.strip() or synced.strip()):
        return INSTRUMENTAL
    return synced if synced.strip() else plain
