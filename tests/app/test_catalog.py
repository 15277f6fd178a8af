"""The catalog JSON API and the library page, through Django's test client."""

import pytest

from lyrics.models import Track
from lyrics.services import track_lyrics_set

pytestmark = pytest.mark.django_db


def make(
    title: str, artist: str = "Byeol", lyrics: str = "[00:01.00]별빛\n[00:02.00]노래", **fields
) -> Track:
    track = Track(title=title, artist=artist, **fields)
    track_lyrics_set(track=track, text=lyrics, source="test", save=False)
    track.save()
    return track


def test_the_track_list_has_the_contract_fields(client):
    track = make("별빛 노래", audio_path="/music/a.mp3", duration_ms=48_000)
    body = client.get("/api/tracks").json()
    assert body == {
        "tracks": [
            {
                "id": track.pk,
                "title": "별빛 노래",
                "artist": "Byeol",
                "album": "",
                "duration_ms": 48_000,
                "synced": True,
                "has_audio": True,
                "urls": {
                    "page": f"/tracks/{track.pk}/",
                    "audio": f"/tracks/{track.pk}/audio",
                    "events": f"/tracks/{track.pk}/lyrics/events",
                    "text": f"/tracks/{track.pk}/lyrics/text",
                },
            }
        ],
        "page": 1,
        "pages": 1,
        "count": 1,
    }


def test_search_covers_title_artist_album_and_korean_lyrics(client):
    make("Morning", lyrics="coffee and light")
    make("Night", artist="Moon", album="Stars", lyrics="[00:01.00]우리 노래는 계속돼")
    titles = lambda q: [t["title"] for t in client.get("/api/tracks", {"q": q}).json()["tracks"]]  # noqa: E731
    assert titles("coffee") == ["Morning"]
    assert titles("moon") == ["Night"]
    assert titles("Stars") == ["Night"]
    assert titles("노래는") == ["Night"]
    assert titles("nothing-matches") == []


def test_a_page_of_the_list_takes_two_queries_whatever_its_length(client, django_assert_max_num_queries):
    for i in range(30):
        make(f"Song {i}")
    with django_assert_max_num_queries(2):  # the page and the count
        assert len(client.get("/api/tracks").json()["tracks"]) == 30


def test_track_detail_has_lines_offset_and_language(client):
    track = make("별빛", lyrics="[offset:+200]\n[00:01.00]<00:01.00>별 <00:01.50>빛", language="ko")
    body = client.get(f"/api/tracks/{track.pk}").json()
    assert body["lines"] == [
        {
            "index": 0,
            "time_ms": 800,
            "end_ms": None,
            "text": "별 빛",
            "words": [
                {"time_ms": 800, "end_ms": 1300, "text": "별 "},
                {"time_ms": 1300, "end_ms": None, "text": "빛"},
            ],
            "agent": None,
            "background": None,
            "translation": None,
            "pronunciation": "byeol bit",
        }
    ]
    assert body["offset_ms"] == 200
    assert body["language"] == "ko"
    assert body["agents"] == []
    assert body["translation_language"] is None
    assert body["pronunciation_script"] == "ko-Latn"


def test_unknown_track_is_a_json_404(client):
    response = client.get("/api/tracks/424242")
    assert response.status_code == 404
    assert response.json()["error"]


def test_library_page_lists_and_searches_tracks(client):
    make("별빛 노래", duration_ms=48_000)
    make("Plain one", lyrics="just words")
    page = client.get("/").content.decode()
    assert "별빛 노래" in page
    assert "0:48" in page
    assert "synced" in page
    assert "Plain one" not in client.get("/", {"q": "별빛"}).content.decode()


def test_player_page_renders_lines_as_buttons(client):
    track = make("별빛 노래", audio_path="/music/a.mp3")
    page = client.get(f"/tracks/{track.pk}/").content.decode()
    assert '<button type="button" class="line" data-index="0" data-time="1000">' in page
    assert '<span class="sung-text">별빛</span>' in page
    assert f'src="/tracks/{track.pk}/audio"' in page
    assert client.get("/tracks/424242/").status_code == 404


def test_player_page_renders_words_translation_and_pronunciation(client):
    lyrics = (
        "[00:01.00]<00:01.00>밤하늘에 <00:02.00>별\n[00:01.00]Stars at night\n"
        "[00:04.00]<00:04.00>작은 <00:05.00>별"
    )
    track = make("별", lyrics=lyrics, audio_path="/music/a.mp3")
    page = client.get(f"/tracks/{track.pk}/").content.decode()
    assert page.count('class="word"') == 4
    assert '<span class="word" data-time="2000">별</span>' in page
    assert '<span class="translation" lang="en">Stars at night</span>' in page
    assert '<span class="pronunciation" lang="ko-Latn">bamhaneure byeol</span>' in page
    assert f'href="/tracks/{track.pk}/lyrics.vtt"' in page
