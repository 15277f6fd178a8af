"""JSON Schemas of Subsonic answers, written for these tests from the OpenSubsonic spec's text.

The spec publishes OpenAPI schemas only in its git repository (``openapi/``);
no PyPI or npm package ships them, and they are not copied here. These follow
the spec's response pages field by field for what Byeol answers: required
fields, types, enums, and the songLyrics v2 shapes (cueLine, cue, agent).
"""

from __future__ import annotations

from typing import Any

import jsonschema

STRING, INTEGER, BOOLEAN, NUMBER = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "boolean"},
    {"type": "number"},
)


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


ITEM_GENRE = _object(["name"], name=STRING)
ARTIST_ID3 = _object(
    ["id", "name"],
    id=STRING,
    name=STRING,
    coverArt=STRING,
    artistImageUrl=STRING,
    albumCount=INTEGER,
    starred=STRING,
    musicBrainzId=STRING,
    sortName=STRING,
    roles=_array(STRING),
)
CHILD = _object(
    ["id", "isDir", "title"],
    id=STRING,
    parent=STRING,
    isDir=BOOLEAN,
    title=STRING,
    album=STRING,
    artist=STRING,
    track=INTEGER,
    year=INTEGER,
    genre=STRING,
    coverArt=STRING,
    size=INTEGER,
    contentType=STRING,
    suffix=STRING,
    duration=INTEGER,
    bitRate=INTEGER,
    path=STRING,
    isVideo=BOOLEAN,
    userRating=INTEGER,
    playCount=INTEGER,
    discNumber=INTEGER,
    created=STRING,
    starred=STRING,
    albumId=STRING,
    artistId=STRING,
    type={"enum": ["music", "podcast", "audiobook", "video"]},
    mediaType={"enum": ["song", "album", "artist"]},
    played=STRING,
    sortName=STRING,
    genres=_array(ITEM_GENRE),
    artists=_array(ARTIST_ID3),
    displayArtist=STRING,
    albumArtists=_array(ARTIST_ID3),
    displayAlbumArtist=STRING,
)
ALBUM_ID3 = _object(
    ["id", "name", "songCount", "duration", "created"],
    id=STRING,
    name=STRING,
    artist=STRING,
    artistId=STRING,
    coverArt=STRING,
    songCount=INTEGER,
    duration=INTEGER,
    playCount=INTEGER,
    created=STRING,
    starred=STRING,
    year=INTEGER,
    genre=STRING,
    played=STRING,
    genres=_array(ITEM_GENRE),
    artists=_array(ARTIST_ID3),
    displayArtist=STRING,
    sortName=STRING,
    isCompilation=BOOLEAN,
)
CUE = _object(
    ["start", "byteStart", "byteEnd", "value"],
    start=INTEGER,
    end=INTEGER,
    byteStart={"type": "integer", "minimum": 0},
    byteEnd={"type": "integer", "minimum": 0},
    value=STRING,
)
CUE_LINE = _object(
    ["index", "value", "cue"],
    index=INTEGER,
    start=INTEGER,
    end=INTEGER,
    value=STRING,
    agentId=STRING,
    cue=_array(CUE),
)
AGENT = _object(["id", "role"], id=STRING, role={"enum": ["main", "voice", "bg", "group"]}, name=STRING)
LINE = _object(["value"], value=STRING, start=NUMBER)
STRUCTURED_LYRICS = _object(
    ["lang", "synced", "line"],
    lang=STRING,
    synced=BOOLEAN,
    line=_array(LINE),
    displayArtist=STRING,
    displayTitle=STRING,
    offset=NUMBER,
    kind={"enum": ["main", "translation", "pronunciation"]},
    agents={**_array(AGENT), "minItems": 1},
    cueLine=_array(CUE_LINE),
)
ERROR = _object(["code"], code=INTEGER, message=STRING, helpUrl=STRING)
ENVELOPE = {
    **_object(
        ["status", "version", "type", "serverVersion", "openSubsonic"],
        status={"enum": ["ok", "failed"]},
        version=STRING,
        type=STRING,
        serverVersion=STRING,
        openSubsonic=BOOLEAN,
        error=ERROR,
    ),
    "if": {"properties": {"status": {"const": "failed"}}},
    "then": {"required": ["error"]},
}
ARTISTS_INDEX = _object(["name"], name=STRING, artist=_array(ARTIST_ID3))
INDEX_ARTIST = _object(["id", "name"], id=STRING, name=STRING, starred=STRING)
NOW_PLAYING_ENTRY = {
    "allOf": [
        CHILD,
        _object(
            ["username", "minutesAgo", "playerId"], username=STRING, minutesAgo=INTEGER, playerId=INTEGER
        ),
    ]
}

ROLES = [
    "scrobblingEnabled",
    "adminRole",
    "settingsRole",
    "downloadRole",
    "uploadRole",
    "playlistRole",
    "coverArtRole",
    "commentRole",
    "podcastRole",
    "streamRole",
    "jukeboxRole",
    "shareRole",
    "videoConversionRole",
]

# The field each method answers with, and its schema (methods answering nothing: None).
PAYLOADS: dict[str, tuple[str, dict[str, Any]] | None] = {
    "ping": None,
    "stream": None,
    "download": None,
    "getCoverArt": None,
    "scrobble": None,
    "star": None,
    "unstar": None,
    "getLicense": ("license", _object(["valid"], valid=BOOLEAN, email=STRING, licenseExpires=STRING)),
    "getOpenSubsonicExtensions": (
        "openSubsonicExtensions",
        _array(_object(["name", "versions"], name=STRING, versions=_array(INTEGER))),
    ),
    "getMusicFolders": (
        "musicFolders",
        _object([], musicFolder=_array(_object(["id"], id=INTEGER, name=STRING))),
    ),
    "getIndexes": (
        "indexes",
        _object(
            ["ignoredArticles", "lastModified"],
            ignoredArticles=STRING,
            lastModified=INTEGER,
            index=_array(_object(["name"], name=STRING, artist=_array(INDEX_ARTIST))),
            child=_array(CHILD),
        ),
    ),
    "getArtists": (
        "artists",
        _object(["ignoredArticles"], ignoredArticles=STRING, index=_array(ARTISTS_INDEX)),
    ),
    "getArtist": ("artist", {"allOf": [ARTIST_ID3, _object(["album"], album=_array(ALBUM_ID3))]}),
    "getAlbum": ("album", {"allOf": [ALBUM_ID3, _object(["song"], song=_array(CHILD))]}),
    "getAlbumList2": ("albumList2", _object([], album=_array(ALBUM_ID3))),
    "getSong": ("song", CHILD),
    "getRandomSongs": ("randomSongs", _object([], song=_array(CHILD))),
    "getSongsByGenre": ("songsByGenre", _object([], song=_array(CHILD))),
    "search3": (
        "searchResult3",
        _object([], artist=_array(ARTIST_ID3), album=_array(ALBUM_ID3), song=_array(CHILD)),
    ),
    "getGenres": (
        "genres",
        _object(
            [],
            genre=_array(
                _object(
                    ["value", "songCount", "albumCount"], value=STRING, songCount=INTEGER, albumCount=INTEGER
                )
            ),
        ),
    ),
    "getLyrics": ("lyrics", _object(["value"], value=STRING, artist=STRING, title=STRING)),
    "getLyricsBySongId": ("lyricsList", _object([], structuredLyrics=_array(STRUCTURED_LYRICS))),
    "getStarred2": (
        "starred2",
        _object([], artist=_array(ARTIST_ID3), album=_array(ALBUM_ID3), song=_array(CHILD)),
    ),
    "getNowPlaying": ("nowPlaying", _object([], entry=_array(NOW_PLAYING_ENTRY))),
    "getPlaylists": (
        "playlists",
        _object([], playlist=_array(_object(["id", "name", "songCount", "duration", "created", "changed"]))),
    ),
    "getInternetRadioStations": (
        "internetRadioStations",
        _object(
            [],
            internetRadioStation=_array(
                _object(
                    ["id", "name", "streamUrl"], id=STRING, name=STRING, streamUrl=STRING, homePageUrl=STRING
                )
            ),
        ),
    ),
    "getMusicDirectory": (
        "directory",
        _object(["id", "name"], id=STRING, parent=STRING, name=STRING, starred=STRING, child=_array(CHILD)),
    ),
    "getAlbumList": ("albumList", _object([], album=_array(CHILD))),
    "getUser": (
        "user",
        _object(
            ["username", *ROLES],
            username=STRING,
            email=STRING,
            folder=_array(INTEGER),
            **dict.fromkeys(ROLES, BOOLEAN),
        ),
    ),
    "getScanStatus": ("scanStatus", _object(["scanning"], scanning=BOOLEAN, count=INTEGER)),
}


def method_name(path: str) -> str:
    """``/rest/getAlbum.view`` → ``getAlbum``."""
    return path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".view")


def validate(method: str, body: dict[str, Any]) -> dict[str, Any]:
    """Check a whole JSON answer (``{"subsonic-response": …}``) for ``method``; return the response."""
    assert set(body) == {"subsonic-response"}, body.keys()
    response = body["subsonic-response"]
    jsonschema.validate(response, ENVELOPE)
    if response["status"] == "ok" and (expected := PAYLOADS[method]) is not None:
        key, schema = expected
        assert key in response, f"{method}: no {key!r} in {sorted(response)}"
        jsonschema.validate(response[key], schema)
    return response
