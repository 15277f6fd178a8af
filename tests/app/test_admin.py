"""The Track admin, as staff use it."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lyrics.models import Track
from lyrics.services import track_lyrics_set

pytestmark = pytest.mark.django_db


def upload(admin_client, content: bytes, name: str = "song.lrc"):
    return admin_client.post(
        "/admin/lyrics/track/add/",
        {
            "title": "Uploaded",
            "artist": "",
            "album": "",
            "language": "",
            "audio_path": "",
            "lyrics_text": "",
            "lyrics_file": SimpleUploadedFile(name, content),
        },
    )


def test_a_good_lrc_upload_in_cp949_is_decoded_and_parsed(admin_client):
    response = upload(admin_client, "[00:01.00]별빛 노래\n[00:02.50]두 번째\n".encode("cp949"))
    assert response.status_code == 302
    track = Track.objects.get(title="Uploaded")
    assert track.synced
    assert [(line["time_ms"], line["text"]) for line in track.lines] == [
        (1000, "별빛 노래"),
        (2500, "두 번째"),
    ]
    assert track.lyrics_source == "upload"


def test_a_broken_lrc_is_rejected_naming_the_line(admin_client):
    response = upload(admin_client, b"[00:01.00]fine\n[00:02.00]fine too\n[00:xx]broken here\n")
    assert response.status_code == 200
    assert "line 3" in response.content.decode()
    assert "broken here" in response.content.decode()
    assert not Track.objects.exists()


def test_a_ttml_upload_previews_voices_and_every_layer(admin_client):
    ttml = (Path(__file__).parent.parent / "data" / "amll.ttml").read_bytes()
    assert upload(admin_client, ttml, name="star.ttml").status_code == 302
    track = Track.objects.get(title="Uploaded")
    page = admin_client.get(f"/admin/lyrics/track/{track.pk}/change/").content.decode()
    assert "v1: Aoi" in page
    assert "v2: ひかり" in page
    row = next(row for row in page.split("<tr>") if "忘れないで" in row)
    for shown in ("<td>v2</td>", "Don&#x27;t forget", "wasurenaide", "(ずっと)"):
        assert shown in row


def test_a_broken_ttml_is_rejected_naming_the_element(admin_client):
    ttml = b'<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="00:01.000">one</p>'
    ttml += b'<p begin="soon">two</p></div></body></tt>'
    response = upload(admin_client, ttml, name="broken.ttml")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Not a readable TTML file", "&lt;p&gt; #2", "soon"):
        assert shown in page
    assert not Track.objects.exists()


def test_undecodable_bytes_are_rejected(admin_client):
    response = upload(admin_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe" * 20)
    assert response.status_code == 200
    assert "Could not read the file as text" in response.content.decode()


def test_the_change_list_searches_lyrics_and_previews_them(admin_client):
    track = Track(title="Night")
    track_lyrics_set(track=track, text="[00:01.00]<b>우리 노래</b>", source="test", save=False)
    track.save()
    assert "Night" in admin_client.get("/admin/lyrics/track/", {"q": "우리"}).content.decode()
    page = admin_client.get(f"/admin/lyrics/track/{track.pk}/change/").content.decode()
    assert "&lt;b&gt;우리 노래&lt;/b&gt;" in page, "lyrics are escaped in the preview"


def test_anonymous_users_cannot_reach_the_admin(client):
    assert client.get("/admin/lyrics/track/").status_code == 302
