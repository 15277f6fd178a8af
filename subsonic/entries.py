"""Songs, albums and artists in the spec's JSON shapes (Child, AlbumID3, ArtistID3)."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from lyrics.audio import media_type
from lyrics.models import Track
from subsonic import ids
from subsonic.catalog import Album, Artist
from subsonic.models import Star
from subsonic.state import UserState


def timestamp(when: datetime | None) -> str | None:
    """ISO 8601 in UTC, as the spec's dates are."""
    return when.isoformat(timespec="seconds").replace("+00:00", "Z") if when else None


def compact(data: dict[str, object]) -> dict[str, object]:
    """Without the absent (None) fields: clients read a missing field as unset."""
    return {key: value for key, value in data.items() if value is not None}


def _reference(artist_id: str, name: str) -> dict[str, str]:
    return {"id": artist_id, "name": name}


def song(track: Track, state: UserState) -> dict[str, object]:
    """A track as a ``Child`` (call ``state.load_plays`` first for a list of them)."""
    artist = ids.display_artist(track.artist)
    album = ids.display_album(track.album)
    artist_id = ids.artist_id(track.artist)
    suffix = PurePath(track.audio_path).suffix.lstrip(".").lower()
    count, last = state.plays(track.pk)
    duration_s = round(track.duration_ms / 1000) if track.duration_ms else 0
    return compact(
        {
            "id": ids.song_id(track.pk),
            "parent": ids.album_id(track.artist, track.album),
            "isDir": False,
            "title": track.title,
            "album": album,
            "artist": artist,
            "track": track.track_number,
            "discNumber": track.disc_number,
            "year": track.year,
            "genre": track.genre or None,
            "coverArt": ids.song_id(track.pk),
            "contentType": media_type(track.audio_path),
            "suffix": suffix,
            "duration": duration_s,
            # A path that shows the library's shape without the server's folders.
            "path": f"{artist}/{album}/{PurePath(track.audio_path).name}",
            "isVideo": False,
            "playCount": count,
            "played": timestamp(last),
            "created": timestamp(track.created_at),
            "starred": timestamp(state.starred(Star.SONG, ids.song_id(track.pk))),
            "albumId": ids.album_id(track.artist, track.album),
            "artistId": artist_id,
            "type": "music",
            "mediaType": "song",
            "displayArtist": artist,
            "artists": [_reference(artist_id, artist)],
            "displayAlbumArtist": artist,
            "albumArtists": [_reference(artist_id, artist)],
            "genres": [{"name": track.genre}] if track.genre else [],
            "sortName": track.title,
        }
    )


def songs(tracks: list[Track], state: UserState) -> list[dict[str, object]]:
    state.load_plays(track.pk for track in tracks)
    return [song(track, state) for track in tracks]


def album(entry: Album, state: UserState) -> dict[str, object]:
    """An album as an ``AlbumID3``."""
    count, last = state.album_plays.get(entry.id, (0, None))
    return compact(
        {
            "id": entry.id,
            "name": entry.name,
            "artist": entry.artist,
            "artistId": entry.artist_id,
            "coverArt": entry.id,
            "songCount": entry.song_count,
            "duration": round(entry.duration_ms / 1000),
            "playCount": count,
            "played": timestamp(last),
            "created": timestamp(entry.created),
            "starred": timestamp(state.starred(Star.ALBUM, entry.id)),
            "year": entry.year,
            "genre": entry.genre or None,
            "artists": [_reference(entry.artist_id, entry.artist)],
            "displayArtist": entry.artist,
            "genres": [{"name": entry.genre}] if entry.genre else [],
            "sortName": entry.name,
            "isCompilation": False,
        }
    )


def artist(entry: Artist, state: UserState) -> dict[str, object]:
    """An artist as an ``ArtistID3``."""
    return compact(
        {
            "id": entry.id,
            "name": entry.name,
            "coverArt": entry.id,
            "albumCount": len(entry.albums),
            "starred": timestamp(state.starred(Star.ARTIST, entry.id)),
            "sortName": entry.name,
        }
    )
