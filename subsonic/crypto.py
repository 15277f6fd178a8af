"""Subsonic passwords at rest: encrypted, since token auth needs the server to know them (pure).

Token authentication (t = md5(password + salt)) cannot work from a one-way
hash, so the password is kept encrypted with Fernet (AES-128-CBC + HMAC-SHA256)
under a key derived by HKDF-SHA256 from Django's ``SECRET_KEY``. Keys from
``SECRET_KEY_FALLBACKS`` still decrypt (MultiFernet), so a rotated secret keeps
passwords working until ``subsonic_user --reencrypt`` rewrites them under the
new key. A password encrypted under a key that is gone no longer decrypts: that
user's password and token logins fail (code 40) until the password is set again;
API keys, stored as hashes, are unaffected.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"byeol subsonic password v1"


class PasswordUnreadable(Exception):
    """The stored password was encrypted under a key this server no longer has."""


def derive_key(secret: str) -> bytes:
    """The Fernet key for ``secret`` (a urlsafe-base64 32-byte key)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


@lru_cache(maxsize=4)
def _fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(derive_key(secret)) for secret in secrets])


def encrypt_password(password: str, *, secrets: Sequence[str]) -> str:
    """``password`` encrypted under the first of ``secrets`` (the current SECRET_KEY)."""
    return _fernet(tuple(secrets)).encrypt(password.encode()).decode("ascii")


def decrypt_password(ciphertext: str, *, secrets: Sequence[str]) -> str:
    try:
        return _fernet(tuple(secrets)).decrypt(ciphertext.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise PasswordUnreadable("encrypted under a key this server no longer has") from exc


def reencrypt(ciphertext: str, *, secrets: Sequence[str]) -> str:
    """The same password encrypted under the current key (for rotation)."""
    try:
        return _fernet(tuple(secrets)).rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise PasswordUnreadable("encrypted under a key this server no longer has") from exc
