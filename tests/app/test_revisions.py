"""Revisions: every lyrics write is kept, diffed and restorable; the sync editor's endpoint."""

import itertools
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lyrics import revisions
from lyrics.library import FoundTrack
from lyrics.lrc import format_stamp
from lyrics.models import Revision, Track
from lyrics.publishing import solve
from lyrics.services import track_import, track_lyrics_set
from lyrics.views import publish as publish_view
from lyrics.views.sync import lyrics_version

pytestmark = pytest.mark.django_db

PLAIN = "First line\nSecond line\n\nThird line"
EASY = "F" * 64


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def imported(
    text: str, *, path: str = "/music/a.lrc", title: str = "Song", duration_ms: int | None = None
) -> Track:
    found = FoundTrack(
        source_path=Path(path),
        title=title,
        artist="Byeol",
        duration_ms=duration_ms,
        lyrics_text=text,
        lyrics_source="sidecar .lrc",
    )
    track_import(found)
    return Track.objects.get(source_path=path)


def texts(track: Track) -> list[str]:
    return list(track.revisions.order_by("id").values_list("text", flat=True))


def admin_edit(client: Client, track: Track, **changes: object):
    data = {
        "title": track.title,
        "artist": track.artist,
        "album": track.album,
        "duration_ms": track.duration_ms or "",
        "language": track.language,
        "audio_path": track.audio_path,
        "lyrics_text": track.lyrics_text,
        **changes,
    }
    return client.post(f"/admin/lyrics/track/{track.pk}/change/", data)


def stamps(track: Track, step_ms: int = 1000) -> list[dict]:
    return [
        {"time_ms": (i + 1) * step_ms if line["text"].strip() else None, "words": None}
        for i, line in enumerate(track.lines)
    ]


def save_stamps(client: Client, track: Track, lines: list[dict], version: str | None = None):
    body = {"version": version or lyrics_version(track), "lines": lines}
    return client.post(f"/tracks/{track.pk}/sync", data=json.dumps(body), content_type="application/json")


@pytest.fixture
def editor(django_user_model) -> Client:
    """Staff who may change tracks (not a superuser)."""
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_track", "view_track"]))
    client = Client()
    client.force_login(user)
    return client


# --- every path records ---------------------------------------------------------


def test_an_import_and_a_changed_reimport_are_revisions_an_unchanged_one_is_not():
    track = imported(PLAIN)
    imported(PLAIN)
    imported("[00:01.00]First line")
    assert texts(track) == [PLAIN, "[00:01.00]First line"]
    assert {r.source for r in track.revisions.all()} == {"import"}


def test_a_track_imported_without_lyrics_has_no_revision_until_it_gets_some():
    track = imported("")
    assert texts(track) == []
    imported(PLAIN)
    assert texts(track) == [PLAIN]


def test_admin_edits_and_uploads_name_the_user(admin_client, admin_user):
    track = imported(PLAIN)
    assert admin_edit(admin_client, track, lyrics_text="Edited").status_code == 302
    upload = SimpleUploadedFile("song.lrc", "[00:02.00]올린 가사".encode("cp949"))
    assert admin_edit(admin_client, track, lyrics_text="Edited", lyrics_file=upload).status_code == 302
    edit, uploaded = track.revisions.order_by("id")[1:]
    assert (edit.text, edit.source, edit.user, edit.client) == ("Edited", "admin", admin_user, "127.0.0.1")
    assert (uploaded.text, uploaded.source, uploaded.user) == ("[00:02.00]올린 가사", "upload", admin_user)


def test_an_admin_save_that_leaves_the_lyrics_alone_adds_no_revision(admin_client):
    track = imported(PLAIN)
    admin_edit(admin_client, track, title="Renamed")
    assert texts(track) == [PLAIN]


def test_a_write_saved_later_is_recorded_at_the_save_and_never_if_unsaved():
    track = Track(title="Later")
    track_lyrics_set(track=track, text="one", source="test", save=False)
    assert not Revision.objects.exists()
    track.save()
    assert texts(track) == ["one"]
    track_lyrics_set(track=track, text="two", source="test", save=False)
    track.save(update_fields=["title"])  # the lyrics were not saved: nothing to record yet
    assert texts(track) == ["one"]
    track.save()
    assert texts(track) == ["one", "two"]
    unsaved = Track.objects.get(pk=track.pk)
    track_lyrics_set(track=unsaved, text="three", source="test", save=False)
    assert texts(track) == ["one", "two"]


def test_lyrics_written_past_the_services_are_kept_before_the_next_write():
    track = Track.objects.create(title="Old", lyrics_text="written long ago", lyrics_source="legacy")
    Track.objects.filter(pk=track.pk).update(lyrics_text="written long ago")
    track_lyrics_set(track=track, text="new", source="api")
    assert [(r.text, r.source) for r in track.revisions.order_by("id")] == [
        ("written long ago", "legacy"),
        ("new", "api"),
    ]
    Track.objects.filter(pk=track.pk).update(lyrics_text="a bypass")
    track_lyrics_set(track=Track.objects.get(pk=track.pk), text="newer", source="api")
    assert texts(track) == ["written long ago", "new", "a bypass", "newer"]


def test_the_migration_keeps_every_tracks_lyrics_as_its_first_revision():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lyrics.migrations.0004_revisions_flags")
    with_lyrics = Track.objects.create(title="A", lyrics_text="la la", lyrics_source="sidecar .lrc")
    Track.objects.create(title="B")
    migration.keep_current_lyrics(apps, None)
    assert [(r.track, r.text, r.source) for r in Revision.objects.all()] == [
        (with_lyrics, "la la", "sidecar .lrc")
    ]


# --- the admin: list, diff, restore ---------------------------------------------------


def test_the_track_page_lists_its_revisions_newest_first(admin_client):
    track = imported(PLAIN)
    track_lyrics_set(track=track, text="[00:01.00]First line", source="sync editor")
    page = admin_client.get(f"/admin/lyrics/track/{track.pk}/change/").content.decode()
    assert page.index("[00:01.00]First line") < page.index("First line / Second line / Third line")
    assert "sync editor" in page
    assert "(now)" in page


def test_the_track_page_takes_the_same_queries_with_more_revisions(
    admin_client, django_assert_max_num_queries
):
    track = imported(PLAIN)
    admin_client.get(f"/admin/lyrics/track/{track.pk}/change/")
    with django_assert_max_num_queries(30) as few:
        admin_client.get(f"/admin/lyrics/track/{track.pk}/change/")
    for n in range(20):
        track_lyrics_set(track=track, text=f"version {n}", source="api")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(f"/admin/lyrics/track/{track.pk}/change/")


def test_any_two_revisions_diff_line_by_line_escaped(admin_client):
    track = imported("<b>one</b>\ntwo\nthree")
    track_lyrics_set(track=track, text="<b>one</b>\n2\nthree", source="api")
    track_lyrics_set(track=track, text="completely else", source="api")
    first, second, _ = track.revisions.order_by("id")
    page = admin_client.get(
        f"/admin/lyrics/revision/{second.pk}/change/", {"with": first.pk}
    ).content.decode()
    assert '<del class="diff-removed">− two</del>' in page
    assert '<ins class="diff-added">+ 2</ins>' in page
    assert "&lt;b&gt;one&lt;/b&gt;" in page
    assert "<b>one</b>" not in page
    chosen = admin_client.post(
        "/admin/lyrics/revision/", {"action": "compare_selected", "_selected_action": [second.pk, first.pk]}
    )
    assert chosen["Location"] == f"/admin/lyrics/revision/{second.pk}/change/?with={first.pk}"


def test_diff_rows_mark_what_changed():
    assert revisions.diff_rows("a\nb\nc", "a\nB\nc") == [
        ("same", " ", "a"),
        ("removed", "−", "b"),
        ("added", "+", "B"),
        ("same", " ", "c"),
    ]
    assert revisions.diff_rows("same", "same") == []
    assert "are the same" in revisions.diff_html("x", "x")


def test_restoring_is_a_new_revision_and_overwrites_nothing(admin_client, admin_user):
    track = imported(PLAIN)
    track_lyrics_set(track=track, text="[00:01.00]First line", source="sync editor")
    old = track.revisions.order_by("id").first()
    before = list(track.revisions.order_by("id").values("id", "text", "source", "created_at"))
    response = admin_client.post(f"/admin/lyrics/revision/{old.pk}/restore/")
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.lyrics_text == PLAIN
    assert not track.synced
    restored = track.revisions.order_by("-id").first()
    assert (restored.source, restored.origin, restored.user, restored.text) == (
        "restore",
        old,
        admin_user,
        PLAIN,
    )
    assert list(track.revisions.order_by("id").values("id", "text", "source", "created_at"))[:2] == before
    assert revisions.current(track) == restored
    again = admin_client.post(f"/admin/lyrics/revision/{restored.pk}/restore/", follow=True)
    assert "already is the track" in again.content.decode()


def test_restoring_needs_the_change_permission_and_a_post(client, django_user_model, admin_client):
    track = imported(PLAIN)
    track_lyrics_set(track=track, text="new", source="api")
    old = track.revisions.order_by("id").first()
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(viewer)
    page = client.get(f"/admin/lyrics/revision/{old.pk}/change/")
    assert page.status_code == 200
    assert "Restore this version" not in page.content.decode()
    assert client.post(f"/admin/lyrics/revision/{old.pk}/restore/").status_code == 403
    assert admin_client.get(f"/admin/lyrics/revision/{old.pk}/restore/").status_code == 405
    assert Track.objects.get(pk=track.pk).lyrics_text == "new"
    assert Client().get("/admin/lyrics/revision/").status_code == 302


def test_revisions_cannot_be_added_edited_or_deleted_in_the_admin(admin_client):
    track = imported(PLAIN)
    revision = track.revisions.get()
    assert admin_client.get("/admin/lyrics/revision/add/").status_code == 403
    assert admin_client.post(f"/admin/lyrics/revision/{revision.pk}/delete/").status_code == 403
    assert "delete_selected" not in admin_client.get("/admin/lyrics/revision/").content.decode()


# --- the sync editor ---------------------------------------------------------------


def test_the_editor_is_for_staff_who_may_change_tracks(client, django_user_model, editor):
    track = imported(PLAIN)
    url = f"/tracks/{track.pk}/sync"
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/?next=")
    member = django_user_model.objects.create_user("member", password="pw")
    member.user_permissions.add(Permission.objects.get(codename="change_track"))
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert save_stamps(client, track, stamps(track)).status_code == 403
    page = editor.get(url)
    assert page.status_code == 200
    assert page.context["editor"]["lines"] == track.lines
    assert re.search(r'<script src="/static/lyrics/sync\.(\w+\.)?js" defer>', page.content.decode())
    assert editor.get("/tracks/999999/sync").status_code == 404


def test_the_player_links_the_editor_for_such_staff_only(client, editor):
    track = imported(PLAIN)
    assert "Sync lyrics" not in client.get(f"/tracks/{track.pk}/").content.decode()
    assert "Sync lyrics" in editor.get(f"/tracks/{track.pk}/").content.decode()


def test_saving_stamps_writes_lrc_through_the_service(editor):
    track = imported(PLAIN, duration_ms=60_000)
    response = save_stamps(editor, track, stamps(track))
    assert response.status_code == 200, response.content
    answer = response.json()
    track.refresh_from_db()
    assert track.lyrics_text == "[00:01.00]First line\n[00:02.00]Second line\n[00:04.00]Third line\n"
    assert [line["time_ms"] for line in track.lines] == [1000, 2000, 4000]
    assert answer["version"] == lyrics_version(track)
    assert answer["synced"] is True
    revision = Revision.objects.get(pk=answer["revision"])
    assert (revision.source, revision.user.username, revision.client) == (
        "sync editor",
        "editor",
        "127.0.0.1",
    )


def test_word_stamps_become_enhanced_lrc(editor):
    track = imported("별빛 노래\nSecond line")
    lines = [
        {"time_ms": 1000, "words": [{"text": "별빛 ", "time_ms": 1000}, {"text": "노래", "time_ms": 1500}]},
        {"time_ms": 2500, "words": None},
    ]
    assert save_stamps(editor, track, lines).status_code == 200
    track.refresh_from_db()
    assert track.lyrics_text == "[00:01.00]<00:01.00>별빛 <00:01.50>노래\n[00:02.50]Second line\n"
    assert [w["time_ms"] for w in track.lines[0]["words"]] == [1000, 1500]


def test_already_synced_lyrics_keep_translations_when_restamped(editor):
    track = imported("[00:01.00]별빛 노래\n[00:01.00]Starlight song\n[00:03.00]끝")
    assert track.lines[0]["translation"] == "Starlight song"
    lines = [{"time_ms": 1200, "words": None}, {"time_ms": 3100, "words": None}]
    assert save_stamps(editor, track, lines).status_code == 200
    track.refresh_from_db()
    assert [(line["time_ms"], line["translation"]) for line in track.lines] == [
        (1200, "Starlight song"),
        (3100, None),
    ]


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (lambda s: s[1].update(time_ms=None), "Line 2 has no stamp yet", 1),
        (lambda s: s[1].update(time_ms=1000), "Line 2 starts at 00:01.00, not after the line before it", 1),
        (lambda s: s[1].update(time_ms=1005), "not after the line before it", 1),
        (lambda s: s[3].update(time_ms=60_000), "after the audio ends (01:00.00)", 3),
        (lambda s: s[0].update(time_ms=-1), "is not a time in milliseconds", 0),
        (lambda s: s[0].update(time_ms="1000"), "is not a time in milliseconds", 0),
        (lambda s: s.pop(), "do not match the lyrics' lines", None),
        (lambda s: s[0].update(words=[{"text": "Wrong", "time_ms": 1000}]), "do not spell the line", 0),
        (lambda s: s[0].update(words=[{"text": "First line", "time_ms": 900}]), "stamped before", 0),
        (lambda s: s[0].update(words=[{"text": "First line", "time_ms": None}]), "has no stamp yet", 0),
    ],
)
def test_bad_stamps_are_a_short_json_400(editor, change, message, line):
    track = imported(PLAIN, duration_ms=60_000)
    lines = stamps(track)
    change(lines)
    response = save_stamps(editor, track, lines)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert response.json()["line"] == line
    assert texts(track) == [PLAIN]


def test_at_most_max_lines_are_synced(editor, monkeypatch):
    from lyrics.views import sync

    monkeypatch.setattr(sync, "MAX_LINES", 2)
    track = imported(PLAIN)
    response = save_stamps(editor, track, stamps(track))
    assert (response.status_code, response.json()["error"]) == (400, "The editor syncs at most 2 lines")


def test_a_save_over_changed_lyrics_is_refused(editor):
    track = imported(PLAIN)
    version = lyrics_version(track)
    track_lyrics_set(track=track, text="Other\nwords\n\nhere", source="api")
    response = save_stamps(editor, track, stamps(track), version=version)
    assert response.status_code == 409
    assert "reload" in response.json()["error"]


@pytest.mark.parametrize("raw", [b"not json", b"[]", b"[" * 50_000 + b"]" * 50_000, b"\xff"])
def test_garbage_is_a_400_not_a_500(editor, raw):
    track = imported(PLAIN)
    response = editor.post(f"/tracks/{track.pk}/sync", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_saving_needs_the_csrf_token(django_user_model):
    track = imported(PLAIN)
    user = django_user_model.objects.create_superuser("boss", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert save_stamps(client, track, stamps(track)).status_code == 403
    page = client.get(f"/tracks/{track.pk}/sync")
    token = page.context["csrf_token"]
    body = json.dumps({"version": lyrics_version(track), "lines": stamps(track)})
    saved = client.post(
        f"/tracks/{track.pk}/sync",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": str(token)},
    )
    assert saved.status_code == 200


# --- the property: no path loses a text ----------------------------------------------

LINE = st.text(alphabet="ab 별빛.", max_size=10)
PLAIN_TEXT = st.lists(LINE, max_size=4).map("\n".join)
SYNCED_TEXT = st.lists(st.tuples(st.integers(0, 5_000), LINE), min_size=1, max_size=4).map(
    lambda items: "\n".join(f"[{format_stamp(ms * 10)}]{text}" for ms, text in sorted(items))
)
PATHS = ("import", "admin", "upload", "api", "sync editor", "publish open", "publish accepted", "restore")
_examples = itertools.count()


def _publish(client: Client, admin_client: Client, track: Track, text: str, *, accept_in_admin: bool) -> None:
    challenge = client.post("/api/request-challenge").json()
    publish_token = f"{challenge['prefix']}:{solve(challenge['prefix'], challenge['target'])}"
    body = {"trackName": track.title, "artistName": track.artist, "albumName": "", "duration": 200}
    body |= {"syncedLyrics": text} if text.startswith("[") else {"plainLyrics": text}
    answer = client.post(
        "/api/publish",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Publish-Token": publish_token},
    )
    assert answer.status_code == 201
    if accept_in_admin:
        pending = Revision.objects.filter(status="pending").latest("id")
        assert admin_client.post(f"/admin/lyrics/revision/{pending.pk}/accept/").status_code == 302


def _step(data: st.DataObject, path: str, text: str, track: Track, admin_client: Client) -> None:
    if path == "import":
        imported(text, path=track.source_path, title=track.title)
    elif path == "admin":
        admin_edit(admin_client, track, lyrics_text=text)
    elif path == "upload":
        admin_edit(admin_client, track, lyrics_file=SimpleUploadedFile("up.lrc", text.encode()))
    elif path == "api":
        track_lyrics_set(track=track, text=text, source="api")
    elif path == "sync editor" and track.lines:
        save_stamps(admin_client, track, stamps(track))
    elif path == "publish open":
        with override_settings(LRCLIB_PUBLISH="open"):
            _publish(Client(), admin_client, track, text, accept_in_admin=False)
    elif path == "publish accepted":
        _publish(Client(), admin_client, track, text, accept_in_admin=True)
    elif path == "restore":
        choices = list(track.revisions.filter(status="accepted").order_by("id"))
        if choices:
            chosen = data.draw(st.sampled_from(choices))
            admin_client.post(f"/admin/lyrics/revision/{chosen.pk}/restore/")


@given(
    data=st.data(),
    first=st.one_of(PLAIN_TEXT, SYNCED_TEXT),
    steps=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(PLAIN_TEXT, SYNCED_TEXT)), min_size=1, max_size=6
    ),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_sequence_of_edits_through_any_path_loses_a_text(admin_client, monkeypatch, data, first, steps):
    """Every lyrics the track held after a write, text and format exactly, stay in its revisions; no
    revision is ever changed but for its review; the newest accepted one is what the track has now."""
    monkeypatch.setattr(publish_view, "WRITES_PER_MINUTE", 10_000)
    monkeypatch.setattr(publish_view, "CHALLENGES_PER_MINUTE", 10_000)
    n = next(_examples)
    with override_settings(LRCLIB_CHALLENGE_TARGET=EASY):
        track = imported(first, path=f"/music/property-{n}.lrc", title=f"Song {n}")
        held = {(track.lyrics_text, track.lyrics_format)} if track.lyrics_text else set()
        seen: dict[int, tuple] = {}
        for path, text in steps:
            before = (track.lyrics_text, track.lyrics_format)
            _step(data, path, text, track, admin_client)
            track = Track.objects.get(pk=track.pk)
            now = (track.lyrics_text, track.lyrics_format)
            if now != before:
                held.add(now)
            for row in Revision.objects.filter(track=track).values_list(
                "id", "text", "lyrics_format", "source", "user", "client", "created_at", "origin"
            ):
                assert seen.setdefault(row[0], row) == row, "a revision was changed in place"
            current = revisions.current(track)
            assert current is None or (current.text, current.lyrics_format) == now
        kept = set(track.revisions.values_list("text", "lyrics_format"))
        assert held <= kept
