"""The API's methods by name: each view module registers its own with :func:`method`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, TypeVar, overload

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase

from subsonic.params import Params
from subsonic.state import UserState

Payload = dict[str, object]


@dataclass
class Call:
    """One API call: the request, its bounded parameters, who made it."""

    request: HttpRequest
    params: Params
    user: User | None

    @cached_property
    def state(self) -> UserState:
        assert self.user is not None
        return UserState(self.user)

    @property
    def player(self) -> str:
        return (self.params.raw("c") or "")[:100] or "unknown"


PayloadHandler = Callable[[Call], Payload]
BinaryHandler = Callable[[Call], Awaitable[HttpResponseBase]]
_P = TypeVar("_P", bound=PayloadHandler)
_B = TypeVar("_B", bound=BinaryHandler)


@dataclass(frozen=True)
class PayloadMethod:
    name: str
    handler: PayloadHandler  # answers a payload (run in a thread)
    needs_auth: bool = True
    binary: Literal[False] = False


@dataclass(frozen=True)
class BinaryMethod:
    name: str
    handler: BinaryHandler  # answers a response (async)
    needs_auth: bool = True
    binary: Literal[True] = True


Method = PayloadMethod | BinaryMethod  # ``method.binary`` tells them apart

METHODS: dict[str, Method] = {}


@overload
def method(*names: str, needs_auth: bool = ..., binary: Literal[False] = ...) -> Callable[[_P], _P]: ...
@overload
def method(*names: str, needs_auth: bool = ..., binary: Literal[True]) -> Callable[[_B], _B]: ...
def method(*names: str, needs_auth: bool = True, binary: bool = False) -> Callable[[Any], Any]:
    """Register the decorated handler under ``names`` (looked up case-insensitively)."""

    def register(handler: Any) -> Any:
        for name in names:
            if binary:
                METHODS[name.lower()] = BinaryMethod(name, handler, needs_auth=needs_auth)
            else:
                METHODS[name.lower()] = PayloadMethod(name, handler, needs_auth=needs_auth)
        return handler

    return register
