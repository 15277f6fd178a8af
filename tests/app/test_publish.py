"""LRCLIB's write API (``/api/request-challenge``, ``/api/publish``, ``/api/flag``), in process."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from lyrics.models import Flag, Revision, Track
from lyrics.publishing import solve
from lyrics.services import track_lyrics_set
from lyrics.views import publish as publish_view

pytestmark = pytest.mark.django_db

EASY = "0FFF" + "F" * 60
SYNCED = "[00:01.00]First light\n[00:04.50]Second light\n"
BAD_TOKEN = {
    "statusCode": 400,
    "name": "IncorrectPublishTokenError",
    "message": "The provided publish token is incorrect",
}


@pytest.fixture(autouse=True)
def easy_challenges(settings):
    settings.LRCLIB_CHALLENGE_TARGET = EASY
    settings.LRCLIB_PUBLISH = "review"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> Client:
    # Clients are programs: no CSRF token, and the checks are on.
    return Client(enforce_csrf_checks=True)


def token(api: Client) -> str:
    challenge = api.post("/api/request-challenge").json()
    return f"{challenge['prefix']}:{solve(challenge['prefix'], challenge['target'])}"


def body(**fields: object) -> dict:
    return {
        "trackName": "Starlight",
        "artistName": "Byeol",
        "albumName": "Night",
        "duration": 180,
        "plainLyrics": "",
        "syncedLyrics": SYNCED,
        **fields,
    }


def publish(api: Client, publish_token: str | None, data: object = None, raw: bytes | None = None):
    headers = {"X-Publish-Token": publish_token} if publish_token is not None else {}
    payload = raw if raw is not None else json.dumps(body() if data is None else data)
    return api.post("/api/publish", data=payload, content_type="application/json", headers=headers)


def lrclib_get(api: Client, **params: object):
    return api.get("/api/get", {"track_name": "Starlight", "artist_name": "Byeol", **params})


def existing_track(**fields: object) -> Track:
    track = Track(title="Starlight", artist="Byeol", album="Night", duration_ms=181_000, **fields)
    track_lyrics_set(track=track, text="First light\nSecond light", source="test")
    return track


def test_a_challenge_is_a_prefix_and_the_configured_target(api):
    response = api.post("/api/request-challenge")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"prefix", "target"}
    assert len(data["prefix"]) == 32
    assert data["target"] == EASY


def test_the_default_target_is_lrclibs(api, settings):
    settings.LRCLIB_CHALLENGE_TARGET = "000000FF" + "0" * 56
    assert api.post("/api/request-challenge").json()["target"] == "000000FF" + "0" * 56


def test_only_post_is_answered_in_lrclibs_shape(api):
    response = api.get("/api/request-challenge")
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405
    assert api.get("/api/publish").status_code == 405


def test_published_lyrics_wait_for_review_and_are_not_served(api):
    track = existing_track()
    response = publish(api, token(api))
    assert response.status_code == 201
    assert response.content == b""
    pending = Revision.objects.get(status="pending")
    assert pending.track == track
    assert pending.text == SYNCED
    assert pending.client == "127.0.0.1"
    assert (pending.title, pending.artist, pending.album, pending.duration_ms) == (
        "Starlight",
        "Byeol",
        "Night",
        180_000,
    )
    served = lrclib_get(api).json()
    assert served["syncedLyrics"] is None
    assert served["plainLyrics"] == "First light\nSecond light"


def test_lyrics_for_an_unknown_song_create_nothing_until_accepted(api, admin_client):
    assert publish(api, token(api), body(trackName="New Song")).status_code == 201
    assert not Track.objects.filter(title="New Song").exists()
    assert lrclib_get(api, track_name="New Song").status_code == 404
    pending = Revision.objects.get(status="pending")
    assert admin_client.post(f"/admin/lyrics/revision/{pending.pk}/accept/").status_code == 302
    track = Track.objects.get(title="New Song")
    assert (track.audio_path, track.duration_ms, track.album) == ("", 180_000, "Night")
    served = lrclib_get(api, track_name="New Song", duration=180).json()
    assert served["syncedLyrics"] == "[00:01.00]First light\n[00:04.50]Second light"


def test_accepting_in_the_admin_serves_the_lyrics_as_a_new_revision(api, admin_client, admin_user):
    track = existing_track()
    publish(api, token(api))
    pending = Revision.objects.get(status="pending")
    page = admin_client.get(f"/admin/lyrics/revision/{pending.pk}/change/").content.decode()
    assert "Accept" in page
    assert "Reject" in page
    assert "<ins" in page
    assert "[00:01.00]First light" in page
    admin_client.post(f"/admin/lyrics/revision/{pending.pk}/accept/")
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == ("accepted", admin_user)
    newest = track.revisions.order_by("-id").first()
    assert (newest.origin, newest.user, newest.source, newest.text) == (pending, admin_user, "lrclib", SYNCED)
    assert lrclib_get(api, duration=180).json()["syncedLyrics"].startswith("[00:01.00]First light")


def test_a_rejected_publication_changes_nothing(api, admin_client):
    existing_track()
    publish(api, token(api))
    pending = Revision.objects.get(status="pending")
    admin_client.post(f"/admin/lyrics/revision/{pending.pk}/reject/")
    pending.refresh_from_db()
    assert pending.status == "rejected"
    assert lrclib_get(api).json()["syncedLyrics"] is None


def test_the_admin_accepts_and_rejects_in_bulk(api, admin_client):
    existing_track()
    for name in ("Starlight", "Other"):
        publish(api, token(api), body(trackName=name))
    first, second = Revision.objects.filter(status="pending").order_by("id")
    admin_client.post(
        "/admin/lyrics/revision/", {"action": "reject_selected", "_selected_action": [second.pk]}
    )
    admin_client.post(
        "/admin/lyrics/revision/", {"action": "accept_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert lrclib_get(api).json()["syncedLyrics"] is not None
    assert Track.objects.filter(title="Other").exists()  # accepting a rejected one is allowed


def test_open_publishing_accepts_at_once(api, settings):
    settings.LRCLIB_PUBLISH = "open"
    assert publish(api, token(api)).status_code == 201
    served = lrclib_get(api, duration=180).json()
    assert served["syncedLyrics"] == "[00:01.00]First light\n[00:04.50]Second light"
    revision = Revision.objects.get()
    assert (revision.status, revision.source, revision.client) == ("accepted", "lrclib", "127.0.0.1")


def test_a_publish_matches_by_lrclibs_names_and_two_seconds(api, settings):
    settings.LRCLIB_PUBLISH = "open"
    track = existing_track()
    publish(api, token(api), body(trackName="  STARLIGHT!  ", artistName="byeol", duration=182.9))
    track.refresh_from_db()
    assert track.synced
    publish(api, token(api), body(duration=184.5))
    assert Track.objects.filter(title="Starlight").count() == 2


def test_publishing_can_be_off(api, settings):
    settings.LRCLIB_PUBLISH = "off"
    response = publish(api, "x:1")
    assert response.status_code == 403
    assert response.json()["statusCode"] == 403


@pytest.mark.parametrize(
    ("plain", "synced"), [("", ""), (None, None), ("la la", "[au: instrumental]"), ("", "[au:instrumental]")]
)
def test_no_lyrics_or_the_instrumental_tag_make_the_track_instrumental(api, settings, plain, synced):
    settings.LRCLIB_PUBLISH = "open"
    publish(api, token(api), body(plainLyrics=plain, syncedLyrics=synced))
    served = lrclib_get(api).json()
    assert served["instrumental"] is True
    assert served["plainLyrics"] is None
    assert served["syncedLyrics"] is None


def test_a_token_is_good_once(api):
    used = token(api)
    assert publish(api, used).status_code == 201
    again = publish(api, used)
    assert again.status_code == 400
    assert again.json() == BAD_TOKEN


def test_a_wrong_nonce_is_refused_and_the_challenge_stays_open(api):
    challenge = api.post("/api/request-challenge").json()
    prefix, target = challenge["prefix"], challenge["target"]
    from lyrics.publishing import verify_answer

    wrong = next(str(n) for n in range(10_000) if not verify_answer(prefix, str(n), target))
    response = publish(api, f"{prefix}:{wrong}")
    assert (response.status_code, response.json()) == (400, BAD_TOKEN)
    # As LRCLIB does: only a right answer spends the challenge.
    assert publish(api, f"{prefix}:{solve(prefix, target)}").status_code == 201


@pytest.mark.parametrize("header", [None, "", "nonsense", "A" * 32 + ":1", "a:b:c"])
def test_a_missing_or_unknown_token_is_refused(api, header):
    response = publish(api, header)
    assert (response.status_code, response.json()) == (400, BAD_TOKEN)


def test_an_expired_challenge_is_refused(api, monkeypatch):
    monkeypatch.setattr(publish_view, "CHALLENGE_TTL_S", 0)  # Django's cache: expired at once
    assert publish(api, token(api)).json() == BAD_TOKEN


@pytest.mark.parametrize(
    ("data", "raw"),
    [
        (None, b"not json"),
        (None, b"\xff\xfe"),
        (None, b"[" * 100_000 + b"]" * 100_000),
        ([1, 2], None),
        (body(trackName=""), None),
        (body(trackName="x" * 501), None),
        (body(artistName=None), None),
        (body(albumName=5), None),
        (body(duration="180"), None),
        (body(duration=True), None),
        (body(duration=0), None),
        (body(duration=1e400), None),
        (body(plainLyrics="a\x00b"), None),
        (body(syncedLyrics="x" * 200_001), None),
        (None, b'{"trackName": "\\ud800", "artistName": "a", "duration": 1}'),
        (None, b'{"trackName": "a", "artistName": "a", "duration": 1' + b" " * (1024 * 1024) + b"}"),
    ],
)
def test_bad_bodies_are_validation_errors_never_500s(api, data, raw):
    response = publish(api, token(api), data, raw)
    assert response.status_code == 400
    answer = response.json()
    assert (answer["statusCode"], answer["name"]) == (400, "ValidationError")
    assert not Revision.objects.exists()


def test_challenges_and_writes_are_limited_per_address(api, monkeypatch):
    monkeypatch.setattr(publish_view, "CHALLENGES_PER_MINUTE", 2)
    assert [api.post("/api/request-challenge").status_code for _ in range(3)] == [200, 200, 429]
    monkeypatch.setattr(publish_view, "WRITES_PER_MINUTE", 1)
    assert publish(api, "x:1").status_code == 400
    limited = publish(api, "x:1")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited.json()["statusCode"] == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/api/flag", data="{}", content_type="application/json").status_code == 400


def test_a_flag_is_recorded_for_staff_with_the_lyrics_it_flags(api, admin_client):
    track = existing_track()
    current = track.revisions.get()
    for field in ("content", "reason"):
        response = api.post(
            "/api/flag",
            data=json.dumps({"trackId": track.pk, field: f"wrong words ({field})"}),
            content_type="application/json",
            headers={"X-Publish-Token": token(api)},
        )
        assert (response.status_code, response.content) == (201, b"")
    flags = list(Flag.objects.order_by("id"))
    assert [(f.content, f.revision, f.client) for f in flags] == [
        ("wrong words (content)", current, "127.0.0.1"),
        ("wrong words (reason)", current, "127.0.0.1"),
    ]
    listing = admin_client.get("/admin/lyrics/flag/").content.decode()
    assert "wrong words (content)" in listing
    assert "2 open flag(s)" in admin_client.get(f"/admin/lyrics/track/{track.pk}/change/").content.decode()
    admin_client.post(
        "/admin/lyrics/flag/", {"action": "resolve_selected", "_selected_action": [flags[0].pk]}
    )
    assert Flag.objects.filter(resolved=True).count() == 1


def test_a_flag_needs_a_token_and_a_known_track(api):
    track = existing_track()
    flag = {"trackId": track.pk, "content": "x"}
    response = api.post("/api/flag", data=json.dumps(flag), content_type="application/json")
    assert (response.status_code, response.json()) == (400, BAD_TOKEN)
    unknown = api.post(
        "/api/flag",
        data=json.dumps({"trackId": track.pk + 100, "content": "x"}),
        content_type="application/json",
        headers={"X-Publish-Token": token(api)},
    )
    assert unknown.status_code == 404
    assert unknown.json()["name"] == "TrackNotFound"
    for bad in ({"trackId": "1"}, {"trackId": True}, {"trackId": 1, "content": 5}, {"content": "x"}):
        response = api.post(
            "/api/flag",
            data=json.dumps(bad),
            content_type="application/json",
            headers={"X-Publish-Token": "x"},
        )
        assert response.json()["name"] == "ValidationError"
    assert not Flag.objects.exists()
