"""Publishing to Byeol with a real LRCLIB client from PyPI (lrcup): its challenge, review, errors."""

import re

import httpx
import pytest

from lyrics.publishing import verify_answer
from tests.support.servers import Project, running

pytestmark = pytest.mark.live

# One nonce in 256 answers: lrcup's solver finds one at once, and a wrong one is easy to pick.
EASY = "00" + "F" * 62
STAFF, PASSWORD = "reviewer", "accept-it-456"
SETUP = f"""
from django.contrib.auth.models import User
from lyrics.models import Track
from lyrics.services import track_lyrics_set

User.objects.create_superuser({STAFF!r}, password={PASSWORD!r})
track = Track(title="Morning Star", artist="Byeol Test", album="Dawn", duration_ms=200_000)
track_lyrics_set(track=track, text="Morning light\\nStays a while", source="test")
"""
MORNING = "[00:01.00]Morning light\n[00:03.00]Stays a while"
EVENING = "[00:02.00]Evening comes\n[00:05.50]Stars come out"
BAD_TOKEN = {
    "statusCode": 400,
    "name": "IncorrectPublishTokenError",
    "message": "The provided publish token is incorrect",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    project = Project(
        var_dir=tmp_path_factory.mktemp("publish") / "var", env={"LRCLIB_CHALLENGE_TARGET": EASY}
    )
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("shell", "-c", SETUP)
    yield from running(project)


@pytest.fixture
def lrclib(server):
    from lrcup import LRCLib

    return LRCLib(api_url=f"{server.url}/api/")


def accept_everything_pending(server) -> int:
    """Staff log in to the admin and accept every pending revision with the list's action."""
    with httpx.Client(base_url=server.url, follow_redirects=True) as admin:
        login = admin.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": STAFF, "password": PASSWORD, "next": "/admin/"}
        assert admin.post("/admin/login/", data=form).url.path == "/admin/"
        listing = admin.get("/admin/lyrics/revision/", params={"status__exact": "pending"})
        pending = re.findall(r'name="_selected_action" value="(\d+)"', listing.text)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', listing.text).group(1)
        action = {"csrfmiddlewaretoken": token, "action": "accept_selected", "_selected_action": pending}
        done = admin.post("/admin/lyrics/revision/", data=action)
        assert f"Accepted {len(pending)} revision(s)." in done.text
        return len(pending)


def test_lrcup_publishes_and_nothing_is_served_until_staff_accept(lrclib, server):
    assert lrclib.publish(lrclib.request_challenge(), "Morning Star", "Byeol Test", "Dawn", 200, "", MORNING)
    assert lrclib.publish(lrclib.request_challenge(), "Evening Star", "Byeol Test", "Dusk", 150, "", EVENING)

    morning = lrclib.get("Morning Star", "Byeol Test", "", 200)
    assert morning.syncedLyrics is None
    assert morning.plainLyrics == "Morning light\nStays a while"
    assert lrclib.get("Evening Star", "Byeol Test", "Dusk", 150) is None

    assert accept_everything_pending(server) == 2
    morning = lrclib.get("Morning Star", "Byeol Test", "", 200)
    assert morning.syncedLyrics == MORNING
    evening = lrclib.get("Evening Star", "Byeol Test", "Dusk", 150)
    assert evening.syncedLyrics == EVENING
    assert evening.plainLyrics == "Evening comes\nStars come out"
    assert evening.duration == 150
    assert lrclib.get_by_id(evening.id).trackName == "Evening Star"


def test_an_instrumental_publish_is_served_as_one_once_accepted(lrclib, server):
    assert lrclib.publish(lrclib.request_challenge(), "Quiet Star", "Byeol Test", "Dusk", 90, "", "")
    assert accept_everything_pending(server) >= 1
    quiet = lrclib.get("Quiet Star", "Byeol Test", "Dusk", 90)
    assert quiet.instrumental is True
    assert (quiet.plainLyrics, quiet.syncedLyrics) == (None, None)


def test_a_reused_token_and_a_wrong_nonce_are_400_in_lrclibs_shape(lrclib, server):
    body = {
        "trackName": "Noon Star",
        "artistName": "Byeol Test",
        "albumName": "",
        "duration": 120,
        "plainLyrics": "Noon",
        "syncedLyrics": "",
    }
    token = lrclib.request_challenge()
    assert lrclib.publish(token, "Noon Star", "Byeol Test", "", 120, "Noon", "")
    reused = httpx.post(f"{server.url}/api/publish", json=body, headers={"X-Publish-Token": token})
    assert reused.status_code == 400
    assert reused.json() == BAD_TOKEN
    assert lrclib.publish(token, "Noon Star", "Byeol Test", "", 120, "Noon", "") is False

    challenge = httpx.post(f"{server.url}/api/request-challenge").json()
    assert challenge["target"] == EASY
    prefix = challenge["prefix"]
    wrong = next(str(n) for n in range(1000) if not verify_answer(prefix, str(n), EASY))
    refused = httpx.post(
        f"{server.url}/api/publish", json=body, headers={"X-Publish-Token": f"{prefix}:{wrong}"}
    )
    assert refused.status_code == 400
    assert refused.json() == BAD_TOKEN
