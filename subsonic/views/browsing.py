"""Browsing by tags: indexes, artists, albums, songs, genres, album lists, random songs."""

from __future__ import annotations

import random
from collections import defaultdict

from django.db.models import Count

from lyrics.models import Track
from subsonic import catalog, entries, errors, ids, indexes
from subsonic.catalog import Album, Artist
from subsonic.models import Star
from subsonic.registry import Call, Payload, method
from subsonic.views.system import MUSIC_FOLDER

MAX_PAGE = 500
MAX_OFFSET = 1_000_000
ALBUM_LIST_TYPES = (
    "random",
    "newest",
    "highest",
    "frequent",
    "recent",
    "alphabeticalByName",
    "alphabeticalByArtist",
    "starred",
    "byYear",
    "byGenre",
)


def _folder_matches(call: Call) -> bool:
    folder = call.params.integer("musicFolderId", maximum=2**31)
    return folder is None or folder == MUSIC_FOLDER["id"]


def _indexed(artists: list[Artist], call: Call, *, directory_style: bool) -> list[dict[str, object]]:
    groups: dict[str, list[Artist]] = defaultdict(list)
    for artist in sorted(artists, key=lambda a: indexes.sort_key(a.name)):
        groups[indexes.index_letter(artist.name)].append(artist)
    found: list[dict[str, object]] = []
    for letter in sorted(groups, key=lambda name: (name == "#", name)):
        if directory_style:
            listed = [
                entries.compact(
                    {
                        "id": artist.id,
                        "name": artist.name,
                        "starred": entries.timestamp(call.state.starred(Star.ARTIST, artist.id)),
                    }
                )
                for artist in groups[letter]
            ]
        else:
            listed = [entries.artist(artist, call.state) for artist in groups[letter]]
        found.append({"name": letter, "artist": listed})
    return found


@method("getArtists")
def get_artists(call: Call) -> Payload:
    artists = catalog.artists(catalog.albums()) if _folder_matches(call) else []
    return {
        "artists": {
            "ignoredArticles": indexes.IGNORED_ARTICLES,
            "index": _indexed(artists, call, directory_style=False),
        }
    }


@method("getIndexes")
def get_indexes(call: Call) -> Payload:
    albums = catalog.albums() if _folder_matches(call) else []
    artists = catalog.artists(albums)
    # When the newest album arrived (no scan of the big track rows for updated_at).
    changed = max((album.created for album in albums), default=None)
    return {
        "indexes": {
            "lastModified": int(changed.timestamp() * 1000) if changed else 0,
            "ignoredArticles": indexes.IGNORED_ARTICLES,
            "index": _indexed(artists, call, directory_style=True),
        }
    }


def _artist(call: Call) -> Artist:
    artist_id = call.params.required("id", max_chars=64)
    artist = catalog.find_artist(artist_id) if ids.is_artist_id(artist_id) else None
    if artist is None:
        raise errors.not_found("Artist")
    return artist


def _album(call: Call) -> Album:
    album_id = call.params.required("id", max_chars=64)
    album = catalog.find_album(album_id) if ids.is_album_id(album_id) else None
    if album is None:
        raise errors.not_found("Album")
    return album


def _by_year_then_name(album: Album) -> tuple[int, str]:
    return (album.year or 0, catalog.sort_key(album.name))


@method("getArtist")
def get_artist(call: Call) -> Payload:
    artist = _artist(call)
    albums = [entries.album(album, call.state) for album in sorted(artist.albums, key=_by_year_then_name)]
    return {"artist": {**entries.artist(artist, call.state), "album": albums}}


@method("getAlbum")
def get_album(call: Call) -> Payload:
    album = _album(call)
    songs = entries.songs(list(catalog.album_songs(album)), call.state)
    return {"album": {**entries.album(album, call.state), "song": songs}}


def _track(call: Call, name: str = "id") -> Track:
    pk = ids.parse_song_id(call.params.required(name, max_chars=64))
    track = catalog.songs().filter(pk=pk).first() if pk is not None else None
    if track is None:
        raise errors.not_found("Song")
    return track


@method("getSong")
def get_song(call: Call) -> Payload:
    return {"song": entries.songs([_track(call)], call.state)[0]}


def _as_directory(album: Album, call: Call) -> dict[str, object]:
    """An album as a folder (getMusicDirectory, getAlbumList)."""
    data = entries.album(album, call.state)
    return entries.compact(
        {
            "id": album.id,
            "parent": album.artist_id,
            "isDir": True,
            "title": album.name,
            "album": album.name,
            "artist": album.artist,
            "year": album.year,
            "genre": album.genre or None,
            "coverArt": album.id,
            "playCount": data.get("playCount"),
            "created": data.get("created"),
            "starred": data.get("starred"),
        }
    )


@method("getMusicDirectory")
def get_music_directory(call: Call) -> Payload:
    """Folder browsing over the same tags: artists hold albums, albums hold songs."""
    directory_id = call.params.required("id", max_chars=64)
    if ids.is_artist_id(directory_id) and (artist := catalog.find_artist(directory_id)) is not None:
        children = [_as_directory(album, call) for album in sorted(artist.albums, key=_by_year_then_name)]
        return {"directory": {"id": artist.id, "name": artist.name, "child": children}}
    if ids.is_album_id(directory_id) and (album := catalog.find_album(directory_id)) is not None:
        songs = entries.songs(list(catalog.album_songs(album)), call.state)
        return {"directory": {"id": album.id, "parent": album.artist_id, "name": album.name, "child": songs}}
    raise errors.not_found("Directory")


@method("getGenres")
def get_genres(call: Call) -> Payload:
    rows = (
        catalog.songs()
        .exclude(genre="")
        .order_by()
        .values("genre")
        .annotate(songs=Count("id"), albums=Count("album", distinct=True))
    )
    genres = [{"value": row["genre"], "songCount": row["songs"], "albumCount": row["albums"]} for row in rows]
    genres.sort(key=lambda genre: catalog.sort_key(str(genre["value"])))
    return {"genres": {"genre": genres}}


def _page(call: Call, *, count_name: str = "size", offset_name: str = "offset", default: int = 10) -> slice:
    count = call.params.integer(count_name, default=default, maximum=MAX_PAGE)
    offset = call.params.integer(offset_name, default=0, maximum=MAX_OFFSET)
    assert count is not None
    assert offset is not None
    return slice(offset, offset + count)


def _year_range(call: Call, *, required: bool) -> tuple[int, int] | None:
    start = call.params.integer("fromYear", minimum=0, maximum=9999, required=required)
    end = call.params.integer("toYear", minimum=0, maximum=9999, required=required)
    if start is None and end is None:
        return None
    return (start if start is not None else 0, end if end is not None else 9999)


def sorted_albums(call: Call, list_type: str, albums: list[Album]) -> list[Album]:
    """The albums of one ``getAlbumList2`` type, in that type's order."""
    state = call.state
    if list_type == "random":
        return random.sample(albums, len(albums))
    if list_type == "newest":
        return sorted(albums, key=lambda a: (a.created, a.id), reverse=True)
    if list_type == "alphabeticalByName":
        return sorted(albums, key=lambda a: (catalog.sort_key(a.name), catalog.sort_key(a.artist)))
    if list_type == "alphabeticalByArtist":
        return sorted(albums, key=lambda a: (indexes.sort_key(a.artist), _by_year_then_name(a)))
    if list_type in ("frequent", "highest"):
        # No ratings in Byeol: the highest rated are the most played.
        played = [a for a in albums if a.id in state.album_plays]
        return sorted(played, key=lambda a: (state.album_plays[a.id][0], a.id), reverse=True)
    if list_type == "recent":
        played = [a for a in albums if a.id in state.album_plays]
        return sorted(played, key=lambda a: state.album_plays[a.id][1], reverse=True)
    if list_type == "starred":
        starred = [a for a in albums if state.starred(Star.ALBUM, a.id)]
        return sorted(starred, key=lambda a: state.starred(Star.ALBUM, a.id), reverse=True)  # type: ignore[arg-type,return-value]
    if list_type == "byYear":
        span = _year_range(call, required=True)
        assert span is not None
        low, high = min(span), max(span)
        chosen = [a for a in albums if a.year is not None and low <= a.year <= high]
        return sorted(chosen, key=_by_year_then_name, reverse=span[0] > span[1])
    genre = call.params.required("genre", max_chars=200)
    return sorted((a for a in albums if a.genre == genre), key=lambda a: catalog.sort_key(a.name))


def _album_list(call: Call) -> list[Album]:
    list_type = call.params.required("type", max_chars=32)
    if list_type not in ALBUM_LIST_TYPES:
        raise errors.invalid("type", "one of " + ", ".join(ALBUM_LIST_TYPES))
    page = _page(call)
    albums = catalog.albums() if _folder_matches(call) else []
    return sorted_albums(call, list_type, albums)[page]


@method("getAlbumList2")
def get_album_list2(call: Call) -> Payload:
    return {"albumList2": {"album": [entries.album(album, call.state) for album in _album_list(call)]}}


@method("getAlbumList")
def get_album_list(call: Call) -> Payload:
    return {"albumList": {"album": [_as_directory(album, call) for album in _album_list(call)]}}


@method("getRandomSongs")
def get_random_songs(call: Call) -> Payload:
    size = call.params.integer("size", default=10, maximum=MAX_PAGE)
    genre = call.params.text("genre", max_chars=200)
    span = _year_range(call, required=False)
    tracks = catalog.songs()
    if genre:
        tracks = tracks.filter(genre=genre)
    if span is not None:
        tracks = tracks.filter(year__gte=min(span), year__lte=max(span))
    if not _folder_matches(call):
        tracks = tracks.none()
    chosen = list(tracks.order_by("?")[:size])
    return {"randomSongs": {"song": entries.songs(chosen, call.state)}}


@method("getSongsByGenre")
def get_songs_by_genre(call: Call) -> Payload:
    genre = call.params.required("genre", max_chars=200)
    page = _page(call, count_name="count")
    tracks = (
        catalog.songs().filter(genre=genre).order_by("artist", "album", "disc_number", "track_number", "id")
    )
    return {"songsByGenre": {"song": entries.songs(list(tracks[page]), call.state)}}
