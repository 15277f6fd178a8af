"""The API's methods by name: each view module registers its own with :func:`method`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponseBase

from subsonic.params import Params
from subsonic.state import UserState

Payload = dict[str, object]


@dataclass
class Call:
    """One API call: the request, its bounded parameters, who made it."""

    request: HttpRequest
    params: Params
    user: AbstractBaseUser | None

    @cached_property
    def state(self) -> UserState:
        assert self.user is not None
        return UserState(self.user)

    @property
    def player(self) -> str:
        return (self.params.raw("c") or "")[:100] or "unknown"


@dataclass(frozen=True)
class Method:
    name: str
    # Answers a payload (run in a thread), or, for binary methods, a response (async).
    handler: Callable[[Call], Payload] | Callable[[Call], Awaitable[HttpResponseBase]]
    needs_auth: bool = True
    binary: bool = False


METHODS: dict[str, Method] = {}


def method(*names: str, needs_auth: bool = True, binary: bool = False) -> Callable:
    """Register the decorated handler under ``names`` (looked up case-insensitively)."""

    def register(handler: Callable) -> Callable:
        for name in names:
            METHODS[name.lower()] = Method(name, handler, needs_auth=needs_auth, binary=binary)
        return handler

    return register
