"""What one user has done to the library (stars, plays), loaded once per request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property

from django.contrib.auth.models import User
from django.db.models import Max, Sum

from subsonic import ids
from subsonic.models import Play, Star


class UserState:
    def __init__(self, user: User) -> None:
        self.user = user
        self._plays: dict[int, tuple[int, datetime]] = {}

    @cached_property
    def stars(self) -> dict[tuple[str, str], datetime]:
        """(kind, item id) → when starred (a user stars tens of items, not thousands)."""
        rows = Star.objects.filter(user=self.user).values_list("kind", "item_id", "created_at")
        return {(kind, item): when for kind, item, when in rows}

    def starred(self, kind: str, item_id: str) -> datetime | None:
        return self.stars.get((kind, item_id))

    def load_plays(self, track_ids: Iterable[int]) -> None:
        """Fetch play counts for ``track_ids`` in one query (before building their entries)."""
        wanted = [pk for pk in set(track_ids) if pk not in self._plays]
        if not wanted:
            return
        rows = Play.objects.filter(user=self.user, track_id__in=wanted)
        self._plays.update({row.track_id: (row.count, row.last_played_at) for row in rows})

    def plays(self, track_id: int) -> tuple[int, datetime | None]:
        return self._plays.get(track_id, (0, None))

    @cached_property
    def album_plays(self) -> dict[str, tuple[int, datetime]]:
        """Album id → (plays, last played), summed over its songs, in one query."""
        rows = (
            Play.objects.filter(user=self.user)
            .values("track__artist", "track__album")
            .annotate(total=Sum("count"), last=Max("last_played_at"))
        )
        found: dict[str, tuple[int, datetime]] = {}
        for row in rows:
            key = ids.album_id(row["track__artist"], row["track__album"])
            count, last = found.get(key, (0, row["last"]))
            found[key] = (count + row["total"], max(last, row["last"]))
        return found
