"""The audit of issue 11, kept fixed: the attacks that need no real server.

Each test names its finding (F1…F11). The ones that need daphne, nginx or a
race over a socket are in ``tests/live/test_audit.py``.
"""

import io
import ipaddress
import os
import shutil
import stat
import sys
import threading
import types
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from mutagen.id3 import ID3, TIT2, USLT, Encoding

import project.settings
from lyrics.models import Track
from project import request_limits
from project.clients import client_address
from tests.support.media import make_audio

pytestmark = pytest.mark.django_db

SECRET = "root:x:0:0:not for you"


def track_form(track: Track, **changes: str) -> dict[str, str]:
    fields = {
        "title": track.title,
        "artist": track.artist,
        "album": track.album,
        "duration_ms": "",
        "language": "",
        "audio_path": track.audio_path,
        "lyrics_text": track.lyrics_text,
    }
    return {**fields, **changes}


# --- F1: arbitrary file read through the admin ---------------------------------------


def test_f1_staff_with_change_permission_cannot_point_a_track_at_any_file(
    client, django_user_model, tmp_path
):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_track"))
    track = Track.objects.create(title="Song")
    client.force_login(editor)
    response = client.post(
        f"/admin/lyrics/track/{track.pk}/change/", track_form(track, audio_path=str(secret), title="Renamed")
    )
    assert response.status_code == 302, "the rest of the form is saved"
    track.refresh_from_db()
    assert track.title == "Renamed"
    assert track.audio_path == "", "only a superuser may set a file path"


def test_f1_even_a_superuser_may_only_choose_audio_inside_the_library(admin_client, settings, tmp_path):
    music = tmp_path / "music"
    music.mkdir()
    (music / "song.mp3").write_bytes(b"ID3")
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    settings.AUDIO_ROOTS = [str(music)]
    track = Track.objects.create(title="Song")
    url = f"/admin/lyrics/track/{track.pk}/change/"
    for outside in (str(secret), f"{music}/../passwd", "/etc/passwd", str(music)):
        response = admin_client.post(url, track_form(track, audio_path=outside))
        assert response.status_code == 200, outside
        assert "Audio is served only from the library folders" in response.content.decode()
    assert admin_client.post(url, track_form(track, audio_path=str(music / "song.mp3"))).status_code == 302
    track.refresh_from_db()
    assert track.audio_path == str(music / "song.mp3")


# --- F3: the client address (the deploy files: tests/live/test_audit.py) -----------------


@pytest.mark.parametrize(
    ("forwarded", "trusted", "client"),
    [
        (None, 1, "10.0.0.2"),
        ("203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 7.7.7.7, 203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 198.51.100.1, 203.0.113.9", 2, "198.51.100.1"),
        ("6.6.6.6", 0, "10.0.0.2"),
        ("x" * 5000, 1, "10.0.0.2"),
    ],
)
def test_f3_a_client_written_forwarded_for_never_names_the_client(forwarded, trusted, client):
    assert client_address("10.0.0.2", forwarded, trusted_proxies=trusted) == client


# --- F4 and F5: the request limits' hook into daphne (its effect: tests/live/test_audit.py) ---------


def test_f4_the_request_limits_hook_only_a_daphne_it_knows_and_says_so(monkeypatch):
    monkeypatch.delitem(sys.modules, "daphne.server", raising=False)
    assert request_limits.limit_daphne_requests() is False, "not served by daphne: nothing to do"

    server = types.SimpleNamespace(HTTPFactory=object)
    monkeypatch.setitem(sys.modules, "daphne.server", server)
    monkeypatch.setattr("importlib.metadata.version", lambda name: "5.0.0")
    errors: list[str] = []
    monkeypatch.setattr(request_limits.log, "error", lambda message, *args: errors.append(message % args))
    assert request_limits.limit_daphne_requests() is False
    assert server.HTTPFactory is object
    assert errors == [
        "request limits not installed: daphne 5.0.0 (written for 4.2.); put a proxy that has them in front"
    ]


# --- F6: costs that grow with the library -------------------------------------------------


class Loaded:
    """Counts the Track rows the ORM turns into objects."""

    def __init__(self) -> None:
        self.count = 0
        self._from_db = Track.from_db

    def __call__(self, *args: object) -> Track:
        self.count += 1
        return self._from_db(*args)


@pytest.fixture
def many_tracks() -> list[Track]:
    return [
        Track.objects.create(title=f"Song {i:03d}", artist="Byeol", album="Many", duration_ms=200_000 + i)
        for i in range(300)
    ]


def test_f6_a_missed_lrclib_get_reads_no_track_whatever_the_library_size(client, many_tracks):
    loaded = Loaded()
    query = {"track_name": "Song nothing", "artist_name": "Byeol"}
    with (
        mock.patch.object(Track, "from_db", side_effect=loaded),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get("/api/get", query)
    assert response.status_code == 404
    assert loaded.count == 0, "a miss reads no track"
    assert len(queries) <= 1


def test_f6_lrclib_get_matches_names_as_lrclib_does_in_the_database(
    client, many_tracks, django_assert_max_num_queries
):
    wanted = Track.objects.create(title="Café del Mar (Live!)", artist="Énergie  52", duration_ms=185_400)
    loaded = Loaded()
    query = {"track_name": "cafe del mar live", "artist_name": "ENERGIE 52", "duration": "187"}
    with mock.patch.object(Track, "from_db", side_effect=loaded), django_assert_max_num_queries(1):
        found = client.get("/api/get", query)
    assert found.status_code == 200
    assert found.json()["id"] == wanted.pk
    assert loaded.count == 1
    assert client.get("/api/get", {**query, "duration": "188"}).status_code == 404, "more than 2 s off"
    assert client.get("/api/get", {**query, "album_name": "Other"}).status_code == 404
    for duration in ("nan", "inf", "-1e308", "1e308", "9" * 400):
        assert client.get("/api/get", {**query, "duration": duration}).status_code == 404, duration


def test_f6_the_match_keys_follow_every_save_of_a_name():
    track = Track.objects.create(title="Old", artist="Someone")
    track.title = "Ünïcode  Title!"
    track.save(update_fields=["title"])
    track.refresh_from_db()
    assert (track.title_key, track.artist_key) == ("unicode title", "someone")


@pytest.mark.django_db(transaction=True)
def test_f6_existing_tracks_get_their_match_keys_when_migrated():
    executor = MigrationExecutor(connection)
    target = ("lyrics", "0005_track_name_keys")
    before = executor.loader.graph.node_map[target].parents
    executor.migrate([(parent.key[0], parent.key[1]) for parent in before if parent.key[0] == "lyrics"])
    old_apps = executor.loader.project_state([p.key for p in before]).apps
    old_apps.get_model("lyrics", "Track").objects.create(title="Ça Va?", artist="Ärzte", album="Die")
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("lyrics"))
    track = Track.objects.get(title="Ça Va?")
    assert (track.title_key, track.artist_key, track.album_key) == ("ca va", "arzte", "die")


def test_f6_the_track_list_comes_in_bounded_pages_with_links(
    client, many_tracks, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        first = client.get("/api/tracks")
    body = first.json()
    assert (len(body["tracks"]), body["page"], body["pages"], body["count"]) == (50, 1, 6, 300)
    assert 'rel="next"' in first["Link"]
    assert "page=2" in first["Link"]
    assert 'rel="prev"' not in first["Link"]
    seen = [t["id"] for t in body["tracks"]]
    for page in range(2, 7):
        response = client.get("/api/tracks", {"page": page})
        seen += [t["id"] for t in response.json()["tracks"]]
    assert sorted(seen) == sorted(t.pk for t in many_tracks), "every track once, none twice"
    last = client.get("/api/tracks", {"page": 6})
    assert 'rel="prev"' in last["Link"]
    assert 'rel="next"' not in last["Link"]
    capped = client.get("/api/tracks", {"per_page": 100_000}).json()
    assert len(capped["tracks"]) == 200
    searched = client.get("/api/tracks", {"q": "Song 01", "per_page": 5})
    assert searched.json()["count"] == Track.objects.search("Song 01").count() == 13
    assert "q=Song+01" in searched["Link"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"page": "0"}, 400), ({"page": "-1"}, 400), ({"page": "x"}, 400), ({"per_page": "0"}, 400),
     ({"page": "9" * 5000}, 400), ({"page": "7"}, 404)],
)  # fmt: skip
def test_f6_bad_pages_are_refused_cleanly(client, many_tracks, params, status):
    response = client.get("/api/tracks", params)
    assert response.status_code == status
    assert response.json()["error"]


def test_f6_the_library_page_shows_one_page_with_links(client, many_tracks, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        page = client.get("/").content.decode()
    assert page.count('<a href="/tracks/') == 50
    assert 'rel="next" href="?page=2"' in page
    last = client.get("/", {"page": 6}).content.decode()
    assert last.count('<a href="/tracks/') == 50
    assert 'rel="prev" href="?page=5"' in last
    searched = client.get("/", {"q": "Song 01"}).content.decode()
    assert searched.count('<a href="/tracks/') == 13
    assert client.get("/", {"page": "x" * 5000}).status_code == 200


# --- F8: the importer ------------------------------------------------------------------


def run_import(folder: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_library", str(folder), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_f8_the_importer_reads_nothing_through_links_out_of_the_library(tmp_path):
    library, outside = tmp_path / "library", tmp_path / "outside"
    library.mkdir()
    (outside / "private").mkdir(parents=True)
    (library / "Mine - Song.lrc").write_text("[00:01.00]mine")
    (outside / "Secret - Diary.lrc").write_text(f"[00:01.00]{SECRET}")
    (outside / "private" / "Secret - Notes.txt").write_text(SECRET)
    os.symlink(outside / "Secret - Diary.lrc", library / "Linked - Diary.lrc")
    os.symlink(outside / "private", library / "linked-folder")
    _, err = run_import(library)
    assert [t.title for t in Track.objects.all()] == ["Song"]
    assert not Track.objects.filter(lyrics_text__contains=SECRET).exists()
    assert "Linked - Diary.lrc" in err
    run_import(library, "--follow-links")
    assert Track.objects.filter(lyrics_text__contains=SECRET).exists(), "followed when asked to"


def test_f8_a_file_name_that_is_not_utf8_is_reported_and_the_rest_imported(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "Good - Song.lrc").write_text("[00:01.00]good")
    with open(os.fsencode(library) + b"/Bad - \xff\xfe.lrc", "wb") as bad:
        bad.write(b"[00:01.00]bad")
    _, err = run_import(library)
    assert [t.title for t in Track.objects.all()] == ["Song"]
    assert "not UTF-8" in err


def test_f8_huge_embedded_lyrics_are_left_out(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    song = make_audio(library / "Big - Tag.mp3", codec=("-c:a", "libmp3lame"))
    tags = ID3()
    tags.add(TIT2(encoding=Encoding.UTF8, text="Tag"))
    tags.add(USLT(encoding=Encoding.UTF8, lang="eng", desc="", text="가사 " * (8 * 1024 * 1024)))
    tags.save(song)
    assert song.stat().st_size > 32 * 1024 * 1024
    _, err = run_import(library)
    track = Track.objects.get()
    assert track.title == "Tag"
    assert len(track.lyrics_text) <= 2 * 1024 * 1024
    assert "longer than 2 MB" in err


# --- F9: a 500 from the admin ------------------------------------------------------------


@pytest.mark.parametrize(
    "lyrics",
    ["[" + "9" * 5000 + ":00.00]x", "[00:" + "9" * 5000 + ".00]x", "[00:00." + "9" * 5000 + "]x",
     "[offset:" + "9" * 5000 + "]\n[00:01.00]x", "[00:01.00]<" + "9" * 5000 + ":00.00>x"],
)  # fmt: skip
def test_f9_absurd_timestamps_are_a_form_error_not_a_500(admin_client, lyrics):
    track = Track.objects.create(title="Song")
    response = admin_client.post(
        f"/admin/lyrics/track/{track.pk}/change/", track_form(track, lyrics_text=lyrics)
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "errornote" in response.content.decode()


# --- F11: smaller findings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "remote", "forwarded", "status"),
    [
        ([], "198.51.100.7", None, 200),
        (["127.0.0.1"], "127.0.0.1", None, 200),
        (["10.0.0.0/8"], "127.0.0.1", None, 403),
        (["10.0.0.0/8", "::1"], "10.1.2.3", None, 200),
        (["10.0.0.0/8"], "::ffff:10.1.2.3", None, 200),
        (["10.0.0.0/8"], "127.0.0.1", "10.9.9.9", 200),
        (["10.0.0.0/8"], "127.0.0.1", "10.9.9.9, 192.0.2.1", 403),
    ],
)
def test_f11_healthz_answers_only_whom_healthz_allow_names(
    client, settings, allow, remote, forwarded, status
):
    settings.HEALTHZ_ALLOW = [ipaddress.ip_network(item, strict=False) for item in allow]
    settings.TRUSTED_PROXIES = 1
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    response = client.get("/healthz", REMOTE_ADDR=remote, **headers)
    assert response.status_code == status
    assert ("streams" in response.json()) == (status == 200)


def secret_keys_made_together(var: Path, processes: int) -> list[str]:
    """What ``processes`` settings imports starting at the same instant get as their key."""
    barrier = threading.Barrier(processes)
    keys: list[str] = []

    def start() -> None:
        barrier.wait()
        keys.append(project.settings._secret_key())

    threads = [threading.Thread(target=start) for _ in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys


def test_f11_processes_starting_together_share_one_private_secret_key(tmp_path, monkeypatch):
    for round_ in range(20):
        var = tmp_path / f"var{round_}"
        var.mkdir()
        monkeypatch.setattr(project.settings, "VAR_DIR", var)
        keys = secret_keys_made_together(var, 8)
        assert len(set(keys)) == 1, keys
        assert len(keys[0]) >= 50
        assert stat.S_IMODE((var / "secret_key").stat().st_mode) == 0o600
        assert [p.name for p in var.iterdir()] == ["secret_key"], "no draft left behind"
        shutil.rmtree(var)
