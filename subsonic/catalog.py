"""Artists and albums as Subsonic sees them: derived from the tracks' tags, in one query.

Only tracks with audio are songs here (a player cannot play a lyric-only
track). Albums are (artist, album) tag pairs; names that normalise alike
(``ids.normalise_name``) are one album or artist, whatever their spelling in
each file.

The album list is kept per process: grouping reads every track row, and on
SQLite the tag columns sit past the large lyric columns (82 ms for 10,000
tracks with lyrics, measured). It is rebuilt when a Track is saved or deleted
in this process, when the tracks' count or highest id changes, and at the
latest after ``SUBSONIC_LIBRARY_CACHE_S`` (tags an import in another process
changed in place).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from lyrics.models import Track
from subsonic import ids


@dataclass
class Album:
    id: str
    name: str
    artist: str
    artist_id: str
    song_count: int
    duration_ms: int
    created: datetime
    year: int | None
    genre: str
    first_track_id: int
    # The (artist, album) tag spellings that make this album.
    tags: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Artist:
    id: str
    name: str
    albums: list[Album] = field(default_factory=list)

    @property
    def first_track_id(self) -> int:
        return min(album.first_track_id for album in self.albums)


def songs() -> QuerySet[Track]:
    """Every track a player can play, without the heavy lyric columns."""
    return Track.objects.with_audio().defer("lyrics_text", "lines")


_lock = threading.Lock()
_cached: tuple[float, dict[str, int | None], list[Album]] | None = None


def forget_albums(**kwargs: object) -> None:
    """Drop the kept album list (connected to Track's post_save and post_delete)."""
    global _cached
    with _lock:
        _cached = None


def albums() -> list[Album]:
    """Every album of every song (shared: do not change the list or its albums)."""
    global _cached
    stamp = Track.objects.aggregate(count=Count("id"), last=Max("id"))
    now = time.monotonic()
    with _lock:
        cached = _cached
    if cached is not None and cached[1] == stamp and now < cached[0]:
        return cached[2]
    found = group_albums(Track.objects.with_audio())
    with _lock:
        _cached = (now + settings.SUBSONIC_LIBRARY_CACHE_S, stamp, found)
    return found


def group_albums(tracks: QuerySet[Track]) -> list[Album]:
    """The albums of ``tracks``, in one GROUP BY query."""
    rows = (
        tracks.order_by()
        .values("artist", "album")
        .annotate(
            song_count=Count("id"),
            duration=Sum("duration_ms"),
            created=Min("created_at"),
            year=Max("year"),
            genre=Max("genre"),
            first=Min("id"),
        )
    )
    found: dict[str, Album] = {}
    for row in rows:
        key = ids.album_id(row["artist"], row["album"])
        album = found.get(key)
        if album is None:
            album = found[key] = Album(
                id=key,
                name=ids.display_album(row["album"]),
                artist=ids.display_artist(row["artist"]),
                artist_id=ids.artist_id(row["artist"]),
                song_count=0,
                duration_ms=0,
                created=row["created"],
                year=row["year"],
                genre=row["genre"] or "",
                first_track_id=row["first"],
            )
        album.tags.add((row["artist"], row["album"]))
        album.song_count += row["song_count"]
        album.duration_ms += row["duration"] or 0
        album.created = min(album.created, row["created"])
        album.first_track_id = min(album.first_track_id, row["first"])
        album.year = max(filter(None, (album.year, row["year"])), default=None)
        album.genre = album.genre or row["genre"] or ""
    return list(found.values())


def artists(all_albums: list[Album]) -> list[Artist]:
    found: dict[str, Artist] = {}
    for album in all_albums:
        artist = found.setdefault(album.artist_id, Artist(album.artist_id, album.artist))
        artist.albums.append(album)
    return list(found.values())


def find_album(album_id: str) -> Album | None:
    return next((album for album in albums() if album.id == album_id), None)


def find_artist(artist_id: str) -> Artist | None:
    return next((artist for artist in artists(albums()) if artist.id == artist_id), None)


def _tag_filter(pairs: set[tuple[str, str]]) -> Q:
    condition = Q(pk__in=[])
    for artist, album in pairs:
        condition |= Q(artist=artist, album=album)
    return condition


def album_songs(album: Album) -> QuerySet[Track]:
    """The album's songs in disc and track order."""
    return songs().filter(_tag_filter(album.tags)).order_by("disc_number", "track_number", "title", "id")


def sort_key(name: str) -> str:
    return ids.normalise_name(name)
