"""Reading request parameters, each bounded before it is parsed (pure).

A value longer than its limit, a number out of range or in the wrong shape is
a Subsonic error naming the parameter, never an exception that becomes a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from subsonic.errors import invalid, missing

# The longest text any parameter may carry (a search query, a name). Longer is refused, not cut.
MAX_TEXT_CHARS = 256
# Repeated parameters (scrobble's id, star's id/albumId/artistId).
MAX_REPEATS = 100
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class Params:
    """The request's parameters (query string and form body), read with limits."""

    def __init__(self, values: Mapping[str, Sequence[str]]) -> None:
        self._values = values

    def raw(self, name: str) -> str | None:
        found = self._values.get(name)
        return found[-1] if found else None

    def has(self, name: str) -> bool:
        return bool(self._values.get(name))

    def text(self, name: str, *, max_chars: int = MAX_TEXT_CHARS, required: bool = False) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                raise missing(name)
            return None
        if len(value) > max_chars:
            raise invalid(name, f"longer than {max_chars} characters")
        if "\x00" in value:
            raise invalid(name, "contains a NUL character")
        return value

    def required(self, name: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
        value = self.text(name, max_chars=max_chars, required=True)
        assert value is not None
        return value

    def all(self, name: str, *, max_chars: int = MAX_TEXT_CHARS, max_count: int = MAX_REPEATS) -> list[str]:
        values = list(self._values.get(name) or ())
        if len(values) > max_count:
            raise invalid(name, f"more than {max_count} values")
        for value in values:
            if len(value) > max_chars or "\x00" in value:
                raise invalid(name, f"a value longer than {max_chars} characters")
        return values

    def integer(
        self, name: str, *, default: int | None = None, minimum: int = 0, maximum: int, required: bool = False
    ) -> int | None:
        value = self.text(name, max_chars=14, required=required)
        if value is None or (value == "" and not required):
            return default
        value = value.strip()
        if not _INTEGER.fullmatch(value):
            raise invalid(name, "not an integer")
        number = int(value)
        if not minimum <= number <= maximum:
            raise invalid(name, f"must be between {minimum} and {maximum}")
        return number

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self.text(name, max_chars=8)
        if value is None:
            return default
        value = value.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise invalid(name, "not true or false")
