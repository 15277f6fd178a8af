"""stream, download and getCoverArt on real files; the importer's new tags."""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from PIL import Image

from lyrics import audio_answers
from lyrics.models import Track
from subsonic.accounts import account_password_set
from subsonic.render import XML_NAMESPACE
from tests.support.subsonic_library import COVER_SIZE, PASSWORD, cover_jpeg, tagged_mp3, token_params
from tests.support.subsonic_schemas import validate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library(tmp_path: Path, settings) -> dict[str, Track]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AUDIO_ROOTS = [str(tmp_path)]
    cache.clear()
    # The audio answer caches a track's path for a second; ids repeat between tests.
    audio_answers.load_audio.clear()
    account_password_set(User.objects.create_user("alice"), PASSWORD)
    covered = tagged_mp3(
        tmp_path / "covered.mp3", title="별빛", artist="아이유", album="Palette", cover=cover_jpeg()
    )
    bare = tagged_mp3(tmp_path / "bare.mp3", title="Bare", artist="아이유", album="Palette", track=2)
    tracks = {
        "covered": Track.objects.create(
            title="별빛", artist="아이유", album="Palette", audio_path=str(covered)
        ),
        "bare": Track.objects.create(title="Bare", artist="아이유", album="Palette", audio_path=str(bare)),
    }
    for track in tracks.values():
        track.file_bytes = Path(track.audio_path).read_bytes()  # read here: the tests are async
    return tracks


async def body_of(response) -> bytes:
    if response.streaming:
        return b"".join([chunk async for chunk in response.streaming_content])
    return response.content


async def test_stream_serves_a_range_exactly_as_the_file(async_client, library):
    track = library["covered"]
    data = track.file_bytes
    response = await async_client.get(
        "/rest/stream.view", {**token_params(), "id": track.pk}, headers={"Range": "bytes=100-1099"}
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert response["Content-Type"] == "audio/mpeg"
    assert "ETag" in response
    assert await body_of(response) == data[100:1100]


async def test_download_and_a_form_post_stream_serve_the_whole_file(async_client, library):
    track = library["bare"]
    data = track.file_bytes
    whole = await async_client.get("/rest/download", {**token_params(), "id": track.pk, "format": "raw"})
    assert whole.status_code == 200
    assert await body_of(whole) == data
    form = "&".join(f"{k}={v}" for k, v in {**token_params(), "id": track.pk, "maxBitRate": 128}.items())
    posted = await async_client.post("/rest/stream", form, content_type="application/x-www-form-urlencoded")
    assert posted.status_code == 200
    assert await body_of(posted) == data


async def test_stream_needs_authentication_and_answers_errors_in_xml(async_client, library):
    response = await async_client.get(
        "/rest/stream", {**token_params(password="wrong"), "id": library["bare"].pk}
    )
    assert response["Content-Type"].startswith("text/xml")
    assert ET.fromstring(response.content).find(f"{{{XML_NAMESPACE}}}error").get("code") == "40"


async def test_a_file_outside_the_audio_roots_is_not_found(async_client, library, settings, tmp_path):
    settings.AUDIO_ROOTS = [str(tmp_path / "elsewhere")]
    audio_answers.load_audio.clear()
    response = await async_client.get(
        "/rest/stream", {**token_params(), "id": library["bare"].pk, "f": "json"}
    )
    assert validate("stream", response.json())["error"]["code"] == 70
    response = await async_client.get(
        "/rest/getCoverArt", {**token_params(), "id": library["covered"].pk, "f": "json"}
    )
    assert validate("getCoverArt", response.json())["error"]["code"] == 70


async def test_cover_art_is_the_embedded_picture_scaled_on_request(async_client, library):
    track = library["covered"]
    whole = await async_client.get("/rest/getCoverArt", {**token_params(), "id": track.pk})
    assert whole.status_code == 200
    assert whole["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(whole.content)).size == COVER_SIZE
    assert "max-age" in whole["Cache-Control"]
    scaled = await async_client.get("/rest/getCoverArt", {**token_params(), "id": track.pk, "size": 150})
    assert Image.open(io.BytesIO(scaled.content)).size == (150, 100)
    again = await async_client.get(
        "/rest/getCoverArt",
        {**token_params(), "id": track.pk, "size": 150},
        headers={"If-None-Match": scaled["ETag"]},
    )
    assert again.status_code == 304


async def test_albums_and_artists_show_their_first_songs_cover(async_client, library):
    from subsonic import ids

    for cover_id in (ids.album_id("아이유", "Palette"), ids.artist_id("아이유")):
        response = await async_client.get("/rest/getCoverArt", {**token_params(), "id": cover_id})
        assert response["Content-Type"] == "image/jpeg", cover_id


async def test_no_picture_is_70(async_client, library):
    response = await async_client.get(
        "/rest/getCoverArt", {**token_params(), "id": library["bare"].pk, "f": "json"}
    )
    assert validate("getCoverArt", response.json())["error"]["code"] == 70


def test_the_importer_reads_year_genre_track_and_disc(tmp_path, settings):
    folder = tmp_path / "music"
    folder.mkdir()
    tagged_mp3(
        folder / "a.mp3",
        title="별빛",
        artist="아이유",
        album="Palette",
        year=2017,
        genre="K-pop",
        track=3,
        disc=2,
    )
    call_command("import_library", str(folder), "--no-progress")
    track = Track.objects.get(title="별빛")
    assert (track.year, track.genre, track.track_number, track.disc_number) == (2017, "K-pop", 3, 2)
