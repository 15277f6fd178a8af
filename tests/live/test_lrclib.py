"""The LRCLIB-compatible API, used by a real LRCLIB client from PyPI (lrcup)."""

import pytest


@pytest.fixture(scope="module")
def lrclib(demo_server):
    from lrcup import LRCLib

    return LRCLib(api_url=f"{demo_server.url}/api/")


@pytest.mark.live
def test_an_lrclib_client_fetches_synced_lyrics_from_byeol(lrclib):
    found = lrclib.get(track="별빛 노래 (starlight song)", artist="BYEOL DEMO", album="", duration=47)
    assert found is not None
    assert found.syncedLyrics.startswith("[00:01.00]밤하늘에 작은 별 하나\n[00:01.00]A small star")
    assert "우리 노래는 계속돼" in found.plainLyrics
    assert found.instrumental is False


@pytest.mark.live
def test_duration_must_agree_within_two_seconds(lrclib):
    assert lrclib.get(track="별빛 노래 (Starlight Song)", artist="Byeol Demo", album="", duration=60) is None


@pytest.mark.live
def test_lrclib_client_gets_by_id_and_searches(lrclib, demo_server):
    song = demo_server.track_id("별빛")
    assert lrclib.get_by_id(song).trackName == "별빛 노래 (Starlight Song)"
    assert lrclib.get_by_id(999999) is None
    results = lrclib.search(query="starlight")
    assert [r.id for r in results] == [song]
    assert [r.trackName for r in lrclib.search(track="Morning")] == ["Morning Window"]


@pytest.mark.live
def test_errors_have_lrclib_shape(demo_server):
    import httpx

    missing = httpx.get(f"{demo_server.url}/api/get?track_name=x")
    assert missing.status_code == 400
    assert missing.json()["statusCode"] == 400
    unknown = httpx.get(f"{demo_server.url}/api/get?track_name=nothing&artist_name=nobody")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "statusCode": 404,
        "name": "TrackNotFound",
        "message": "Failed to find specified track",
    }
