"""What a client sent to authenticate, and whether it matches (pure).

Three ways, as the spec allows: ``u`` + ``t`` + ``s`` (t = md5(password + salt)),
``u`` + ``p`` (plain or ``enc:`` + hex), and ``apiKey`` alone. Malformed
credentials (odd characters, wrong lengths) are wrong credentials, code 40
(44 for an API key); mixing mechanisms is 43; a missing part is 10.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from subsonic import errors
from subsonic.errors import SubsonicError
from subsonic.params import Params

MAX_USERNAME_CHARS = 150  # Django's username length
MAX_PASSWORD_CHARS = 1024
MAX_SALT_CHARS = 256
MAX_API_KEY_CHARS = 2048  # the apiKeyAuthentication extension's bound
_TOKEN = re.compile(r"[0-9a-fA-F]{32}")
_SALT = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: hex, base64, base64url…
_API_KEY = re.compile(r"[\x21-\x7e]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
API_KEY_PREFIX = "byeol_"


@dataclass(frozen=True)
class PasswordAuth:
    username: str
    password: str


@dataclass(frozen=True)
class TokenAuth:
    username: str
    token: str
    salt: str


@dataclass(frozen=True)
class KeyAuth:
    key: str


Credentials = PasswordAuth | TokenAuth | KeyAuth


def _wrong(why: str = "Wrong username or password") -> SubsonicError:
    return SubsonicError(errors.WRONG_CREDENTIALS, why)


def _decode_password(value: str) -> str:
    if not value.startswith("enc:"):
        if len(value) > MAX_PASSWORD_CHARS or "\x00" in value:
            raise _wrong()
        return value
    hex_text = value[4:]
    if len(hex_text) > 4 * MAX_PASSWORD_CHARS:
        raise _wrong()
    try:
        return binascii.unhexlify(hex_text).decode("utf-8")
    except (binascii.Error, ValueError):
        raise _wrong() from None


def read_credentials(params: Params) -> Credentials:
    """The credentials in ``params``, or the Subsonic error the spec asks for."""
    username, password = params.raw("u"), params.raw("p")
    token, salt, api_key = params.raw("t"), params.raw("s"), params.raw("apiKey")
    if api_key is not None:
        if username is not None or password is not None or token is not None or salt is not None:
            raise SubsonicError(
                errors.CONFLICTING_AUTH, "Multiple conflicting authentication mechanisms provided"
            )
        if not 0 < len(api_key) <= MAX_API_KEY_CHARS or not _API_KEY.fullmatch(api_key):
            raise SubsonicError(errors.INVALID_API_KEY, "Invalid API key")
        return KeyAuth(api_key)
    if username is None:
        raise errors.missing("u")
    if not 0 < len(username) <= MAX_USERNAME_CHARS or _CONTROL.search(username):
        raise _wrong()
    if password is not None and (token is not None or salt is not None):
        raise SubsonicError(
            errors.CONFLICTING_AUTH, "Multiple conflicting authentication mechanisms provided"
        )
    if password is not None:
        return PasswordAuth(username, _decode_password(password))
    if token is None and salt is None:
        raise errors.missing("p or t and s")
    if token is None:
        raise errors.missing("t")
    if salt is None:
        raise errors.missing("s")
    if not _TOKEN.fullmatch(token) or not 0 < len(salt) <= MAX_SALT_CHARS or not _SALT.fullmatch(salt):
        raise _wrong()
    return TokenAuth(username, token.lower(), salt)


def token_for(password: str, salt: str) -> str:
    """md5(password + salt) in lower-case hex, as clients compute it (UTF-8)."""
    return hashlib.md5((password + salt).encode(), usedforsecurity=False).hexdigest()


def password_matches(stored: str, credentials: PasswordAuth | TokenAuth) -> bool:
    """Whether the credentials prove knowledge of ``stored``, in constant time."""
    if isinstance(credentials, TokenAuth):
        return hmac.compare_digest(token_for(stored, credentials.salt), credentials.token)
    return hmac.compare_digest(stored.encode(), credentials.password.encode())


def new_api_key() -> str:
    """A fresh key: 256 random bits, URL-safe (shown once, only its hash is kept)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    # The key is 256 random bits: a fast hash is enough, nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()
