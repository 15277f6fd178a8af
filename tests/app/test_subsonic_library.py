"""The library as Subsonic sees it: browsing, search, album lists, lyrics, plays and stars."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from lyrics.models import Track
from subsonic import ids
from subsonic.accounts import account_password_set
from tests.support.subsonic_library import PASSWORD, RICH_TRACK, rich_lines, token_params
from tests.support.subsonic_schemas import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def alice(settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    user = User.objects.create_user("alice")
    account_password_set(user, PASSWORD)
    return user


def song(title: str, artist: str, album: str, **fields) -> Track:
    track = Track(
        title=title, artist=artist, album=album, audio_path=f"/music/{title}.mp3", duration_ms=200_000
    )
    for name, value in fields.items():
        setattr(track, name, value)
    track.save()
    return track


@pytest.fixture
def library() -> dict[str, Track]:
    return {
        "starlight": song(
            "별빛 노래",
            "아이유",
            "Palette",
            year=2017,
            genre="K-pop",
            track_number=1,
            **RICH_TRACK,
            lines=rich_lines(),
        ),
        "palette": song("Palette", "아이유", "Palette", year=2017, genre="K-pop", track_number=2),
        "lilac": song("Lilac", "IU", "LILAC", year=2021, genre="K-pop", track_number=1),
        "dynamite": song("Dynamite", "BTS", "BE", year=2020, genre="Pop"),
        "untagged": song("Untitled", "", ""),
        "lyrics only": Track.objects.create(title="Lyrics only", artist="아이유", album="Palette"),
    }


def call(client, method: str, **params) -> dict:
    response = client.get(f"/rest/{method}.view", {**token_params(), "f": "json", **params})
    assert response.status_code == 200
    body = validate(method, response.json())
    assert body["status"] == "ok", body
    return body


def test_browse_artists_then_an_artist_then_an_album_then_a_song(client, library):
    indexes = call(client, "getArtists")["artists"]["index"]
    names = {artist["name"]: artist for index in indexes for artist in index["artist"]}
    assert set(names) == {"아이유", "IU", "BTS", ids.UNKNOWN_ARTIST}
    assert [index["name"] for index in indexes] == ["B", "I", "ㅇ", "#"]
    iu = names["아이유"]
    assert iu["id"] == ids.artist_id("아이유")
    assert iu["albumCount"] == 1

    artist = call(client, "getArtist", id=iu["id"])["artist"]
    assert [album["name"] for album in artist["album"]] == ["Palette"]
    album = call(client, "getAlbum", id=artist["album"][0]["id"])["album"]
    assert album["songCount"] == 2  # the lyric-only track is no song: it has no audio
    assert album["year"] == 2017
    assert [s["title"] for s in album["song"]] == ["별빛 노래", "Palette"]
    assert [s["track"] for s in album["song"]] == [1, 2]
    first = call(client, "getSong", id=album["song"][0]["id"])["song"]
    assert first["albumId"] == album["id"]
    assert first["artistId"] == iu["id"]
    assert first["contentType"] == "audio/mpeg"
    assert first["duration"] == 200
    assert first["path"] == "아이유/Palette/별빛 노래.mp3"


def test_ids_do_not_change_when_tracks_are_reimported(client, library):
    before = call(client, "getAlbumList2", type="alphabeticalByName", size=50)["albumList2"]["album"]
    Track.objects.all().delete()
    song("Dynamite", "BTS", "BE")
    after = call(client, "getAlbumList2", type="alphabeticalByName", size=50)["albumList2"]["album"]
    assert after[0]["id"] == next(a["id"] for a in before if a["name"] == "BE")


def test_directory_browsing_walks_the_same_tags(client, library):
    index = call(client, "getIndexes")["indexes"]
    artist = next(a for i in index["index"] for a in i["artist"] if a["name"] == "BTS")
    albums = call(client, "getMusicDirectory", id=artist["id"])["directory"]["child"]
    assert [(a["title"], a["isDir"]) for a in albums] == [("BE", True)]
    songs = call(client, "getMusicDirectory", id=albums[0]["id"])["directory"]["child"]
    assert [s["title"] for s in songs] == ["Dynamite"]


def test_search3_finds_korean_titles_and_names_and_pages(client, library):
    found = call(client, "search3", query="별빛")["searchResult3"]
    assert [s["title"] for s in found["song"]] == ["별빛 노래"]
    found = call(client, "search3", query="아이유")["searchResult3"]
    assert [a["name"] for a in found["artist"]] == ["아이유"]
    assert [a["name"] for a in found["album"]] == ["Palette"]
    assert [s["title"] for s in found["song"]] == ["별빛 노래", "Palette"]
    page = call(client, "search3", query="아이유", songCount=1, songOffset=1, artistCount=0, albumCount=0)
    assert [s["title"] for s in page["searchResult3"]["song"]] == ["Palette"]
    assert page["searchResult3"]["artist"] == []
    everything = call(client, "search3", query='""', songCount=100)["searchResult3"]
    assert len(everything["song"]) == 5


@pytest.mark.parametrize(
    ("list_type", "extra", "names"),
    [
        ("alphabeticalByName", {}, ["[Unknown Album]", "BE", "LILAC", "Palette"]),
        ("alphabeticalByArtist", {}, ["[Unknown Album]", "BE", "LILAC", "Palette"]),
        ("byYear", {"fromYear": 2018, "toYear": 2021}, ["BE", "LILAC"]),
        ("byYear", {"fromYear": 2021, "toYear": 2018}, ["LILAC", "BE"]),
        ("byGenre", {"genre": "K-pop"}, ["LILAC", "Palette"]),
        ("frequent", {}, []),
        ("recent", {}, []),
        ("starred", {}, []),
    ],
)
def test_album_lists(client, library, list_type, extra, names):
    albums = call(client, "getAlbumList2", type=list_type, **extra)["albumList2"]["album"]
    assert [a["name"] for a in albums] == names


def test_newest_and_random_lists_are_bounded_by_size_and_offset(client, library):
    newest = call(client, "getAlbumList2", type="newest", size=2)["albumList2"]["album"]
    assert len(newest) == 2
    rest = call(client, "getAlbumList2", type="newest", size=10, offset=2)["albumList2"]["album"]
    assert {a["id"] for a in newest}.isdisjoint(a["id"] for a in rest)
    assert len(newest) + len(rest) == 4
    assert len(call(client, "getAlbumList2", type="random", size=3)["albumList2"]["album"]) == 3
    assert len(call(client, "getRandomSongs", size=2)["randomSongs"]["song"]) == 2
    assert call(client, "getAlbumList", type="newest")["albumList"]["album"][0]["isDir"] is True


def test_scrobbles_count_plays_and_make_frequent_and_recent(client, library):
    lilac = library["lilac"].pk
    call(client, "scrobble", id=lilac)
    call(client, "scrobble", id=lilac, submission="true")
    call(client, "scrobble", id=library["dynamite"].pk)
    assert call(client, "getSong", id=lilac)["song"]["playCount"] == 2
    frequent = call(client, "getAlbumList2", type="frequent")["albumList2"]["album"]
    assert [(a["name"], a["playCount"]) for a in frequent] == [("LILAC", 2), ("BE", 1)]
    recent = call(client, "getAlbumList2", type="recent")["albumList2"]["album"]
    assert {a["name"] for a in recent} == {"LILAC", "BE"}
    call(client, "scrobble", id=lilac, submission="false")
    playing = call(client, "getNowPlaying")["nowPlaying"]["entry"]
    assert [(e["title"], e["username"], e["playerName"]) for e in playing] == [
        ("Lilac", "alice", "byeol-tests")
    ]
    assert call(client, "getSong", id=lilac)["song"]["playCount"] == 2


def test_stars_per_user(client, library, alice):
    album_id = ids.album_id("BTS", "BE")
    call(client, "star", id=library["lilac"].pk, albumId=album_id, artistId=ids.artist_id("IU"))
    starred = call(client, "getStarred2")["starred2"]
    assert [s["title"] for s in starred["song"]] == ["Lilac"]
    assert [a["name"] for a in starred["album"]] == ["BE"]
    assert [a["name"] for a in starred["artist"]] == ["IU"]
    assert "starred" in call(client, "getSong", id=library["lilac"].pk)["song"]
    assert [a["name"] for a in call(client, "getAlbumList2", type="starred")["albumList2"]["album"]] == ["BE"]
    call(client, "unstar", id=library["lilac"].pk)
    assert call(client, "getStarred2")["starred2"]["song"] == []
    other = User.objects.create_user("bora")
    account_password_set(other, "bora-password-1")
    response = client.get("/rest/getStarred2", {**token_params("bora", "bora-password-1"), "f": "json"})
    assert validate("getStarred2", response.json())["starred2"]["album"] == []


def test_genres_and_songs_by_genre(client, library):
    genres = call(client, "getGenres")["genres"]["genre"]
    assert genres == [
        {"value": "K-pop", "songCount": 3, "albumCount": 2},
        {"value": "Pop", "songCount": 1, "albumCount": 1},
    ]
    songs = call(client, "getSongsByGenre", genre="Pop")["songsByGenre"]["song"]
    assert [s["title"] for s in songs] == ["Dynamite"]


def test_lyrics_v1_by_song_id(client, library):
    lyrics = call(client, "getLyricsBySongId", id=library["starlight"].pk)["lyricsList"]["structuredLyrics"]
    assert lyrics == [
        {
            "displayArtist": "아이유",
            "displayTitle": "별빛 노래",
            "lang": "ko",
            "offset": 0,
            "synced": True,
            "line": [{"start": 1000, "value": "눈을 뜬 순간"}, {"start": 3000, "value": "모든 게 달라졌어"}],
        }
    ]
    assert call(client, "getLyricsBySongId", id=library["lilac"].pk)["lyricsList"]["structuredLyrics"] == []


def test_lyrics_v2_has_kinds_agents_and_byte_exact_cues(client, library):
    lyrics = call(client, "getLyricsBySongId", id=library["starlight"].pk, enhanced="true")["lyricsList"]
    main, translation, pronunciation = lyrics["structuredLyrics"]
    assert (main["kind"], translation["kind"], pronunciation["kind"]) == (
        "main",
        "translation",
        "pronunciation",
    )
    assert translation["lang"] == "en"
    assert pronunciation["lang"] == "ko-Latn"
    assert [a["role"] for a in main["agents"]] == ["main", "voice", "bg"]
    assert [a.get("name") for a in main["agents"]] == ["Byeol", "Dal", None]
    assert [(c["index"], c["agentId"]) for c in main["cueLine"]] == [(0, "v1"), (1, "v2"), (1, "bg")]
    for cue_line in main["cueLine"]:
        encoded = cue_line["value"].encode()
        for cue in cue_line["cue"]:
            assert encoded[cue["byteStart"] : cue["byteEnd"] + 1].decode() == cue["value"]
            assert cue["start"] <= cue["end"]
    assert "cueLine" not in translation


def test_get_lyrics_by_artist_and_title(client, library):
    Track.objects.filter(pk=library["starlight"].pk).update(lyrics_text="x")
    lyrics = call(client, "getLyrics", artist="아이유", title="별빛 노래")["lyrics"]
    assert lyrics == {"artist": "아이유", "title": "별빛 노래", "value": "눈을 뜬 순간\n모든 게 달라졌어"}
    assert call(client, "getLyrics", artist="nobody", title="nothing")["lyrics"] == {"value": ""}


def test_the_empty_lists_clients_ask_for_at_start(client, library):
    assert call(client, "getPlaylists")["playlists"] == {"playlist": []}
    assert call(client, "getInternetRadioStations")["internetRadioStations"] == {"internetRadioStation": []}
    assert call(client, "getMusicFolders")["musicFolders"] == {"musicFolder": [{"id": 1, "name": "Byeol"}]}
    assert call(client, "getLicense")["license"]["valid"] is True
    assert call(client, "getScanStatus")["scanStatus"] == {"scanning": False, "count": 5}
    assert call(client, "getUser", username="alice")["user"]["streamRole"] is True


def test_live_stations_are_internet_radio(client, library):
    from stations.models import Station

    Station.objects.create(slug="radio", name="Byeol Radio")
    stations = call(client, "getInternetRadioStations")["internetRadioStations"]["internetRadioStation"]
    assert stations == [
        {
            "id": "st-radio",
            "name": "Byeol Radio",
            "streamUrl": "http://testserver/stations/radio/",
            "homePageUrl": "http://testserver/stations/radio/",
        }
    ]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("getArtists", {}),
        ("getIndexes", {}),
        ("getAlbumList2", {"type": "newest", "size": 100}),
        ("getAlbumList2", {"type": "frequent", "size": 100}),
        ("search3", {"query": "Song", "songCount": 100}),
        ("getAlbum", {}),
        ("getRandomSongs", {"size": 100}),
        ("getStarred2", {}),
        ("getLyricsBySongId", {"enhanced": "true"}),
    ],
)
def test_list_methods_take_a_few_queries_whatever_the_library_size(
    client, method, params, django_assert_max_num_queries
):
    for n in range(60):
        song(f"Song {n}", f"Artist {n % 6}", f"Album {n % 12}", year=2000 + n % 5)
    if method in ("getAlbum", "getLyricsBySongId"):
        target = Track.objects.get(title="Song 7")
        params = {
            **params,
            "id": ids.album_id(target.artist, target.album) if method == "getAlbum" else target.pk,
        }
    call(client, method, **params)  # warm: the user and the session
    # Two for authentication (user, account), at most five for the method itself:
    # albums, songs, the user's stars, plays by song and by album.
    with django_assert_max_num_queries(7):
        call(client, method, **params)
