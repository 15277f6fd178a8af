"""The Subsonic error codes, and the exception every layer raises to answer with one."""

from __future__ import annotations

GENERIC = 0
MISSING_PARAMETER = 10
CLIENT_TOO_OLD = 20
SERVER_TOO_OLD = 30
WRONG_CREDENTIALS = 40
TOKEN_AUTH_NOT_SUPPORTED = 41
AUTH_MECHANISM_NOT_SUPPORTED = 42
CONFLICTING_AUTH = 43
INVALID_API_KEY = 44
NOT_AUTHORISED = 50
NOT_FOUND = 70


class SubsonicError(Exception):
    """Answered as ``status="failed"`` with ``error: {code, message}`` (HTTP 200, as the spec says)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def missing(name: str) -> SubsonicError:
    return SubsonicError(MISSING_PARAMETER, f"Required parameter is missing: {name}")


def invalid(name: str, why: str) -> SubsonicError:
    return SubsonicError(GENERIC, f"Invalid parameter {name}: {why}")


def not_found(what: str) -> SubsonicError:
    return SubsonicError(NOT_FOUND, f"{what} not found")
