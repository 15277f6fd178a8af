"""``search3``: artists, albums and songs whose names hold every word of the query, paged."""

from __future__ import annotations

from django.db.models import Q

from lyrics.models import MAX_QUERY_CHARS
from subsonic import catalog, entries, ids, indexes
from subsonic.registry import Call, Payload, method
from subsonic.views.browsing import MAX_OFFSET, MAX_PAGE, _folder_matches

MAX_WORDS = 10


def query_words(query: str) -> list[str]:
    """The query's words; an empty query or ``""`` (as clients send to list everything) has none."""
    text = query.strip().strip('"').strip()
    return text.split()[:MAX_WORDS]


def _matches(name: str, words: list[str]) -> bool:
    folded = ids.normalise_name(name)
    return all(ids.normalise_name(word) in folded for word in words)


def _paging(call: Call, kind: str) -> slice:
    count = call.params.integer(f"{kind}Count", default=20, maximum=MAX_PAGE)
    offset = call.params.integer(f"{kind}Offset", default=0, maximum=MAX_OFFSET)
    assert count is not None
    assert offset is not None
    return slice(offset, offset + count)


@method("search3")
def search3(call: Call) -> Payload:
    words = query_words(call.params.required("query", max_chars=MAX_QUERY_CHARS))
    artist_page, album_page, song_page = (
        _paging(call, "artist"),
        _paging(call, "album"),
        _paging(call, "song"),
    )
    if not _folder_matches(call):
        return {"searchResult3": {"artist": [], "album": [], "song": []}}

    albums = catalog.albums() if artist_page.stop or album_page.stop else []
    found_artists = [a for a in catalog.artists(albums) if _matches(a.name, words)]
    found_artists.sort(key=lambda a: indexes.sort_key(a.name))
    found_albums = [a for a in albums if _matches(a.name, words) or _matches(f"{a.artist} {a.name}", words)]
    found_albums.sort(key=lambda a: (catalog.sort_key(a.name), catalog.sort_key(a.artist)))

    tracks = catalog.songs()
    for word in words:
        tracks = tracks.filter(
            Q(title__icontains=word) | Q(artist__icontains=word) | Q(album__icontains=word)
        )
    songs = list(tracks.order_by("artist", "album", "disc_number", "track_number", "title", "id")[song_page])
    return {
        "searchResult3": {
            "artist": [entries.artist(artist, call.state) for artist in found_artists[artist_page]],
            "album": [entries.album(album, call.state) for album in found_albums[album_page]],
            "song": entries.songs(songs, call.state),
        }
    }
