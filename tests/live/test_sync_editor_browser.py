"""The sync editor in Debian's headless Chromium: staff stamp a plain song, the player plays it back."""

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.support.media import make_audio
from tests.support.servers import ROOT, Project, running

pytestmark = [pytest.mark.live, pytest.mark.browser]
ARTIFACTS = ROOT / "artifacts"
LINES = ["First star tonight", "Second star above", "Third star, goodbye"]
PLAIN = "\n".join(LINES)
EDITOR, PASSWORD = "editor", "stamp-it-123"
TITLES = ["Plain Star", "Tapped Star", "Screenshot Star (desktop)", "Screenshot Star (phone)", "Unsaved Star"]
# One shell for all: staff who may change tracks (not a superuser), and plain-lyrics tracks with audio.
SETUP = """
import json
from django.contrib.auth.models import Permission, User
from lyrics.models import Track
from lyrics.services import track_lyrics_set

user = User.objects.create_user({editor!r}, password={password!r}, is_staff=True)
user.user_permissions.add(*Permission.objects.filter(codename__in=["change_track", "view_track"]))
ids = {{}}
for title in {titles!r}:
    track = Track(title=title, artist="Byeol Test", audio_path={audio!r}, duration_ms=12_000)
    track_lyrics_set(track=track, text={text!r}, source="test")
    ids[title] = track.pk
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """daphne with a 12 s tone in AUDIO_ROOTS, plain-lyrics tracks playing it, and an editor."""
    root = tmp_path_factory.mktemp("sync")
    music = root / "music"
    music.mkdir()
    audio = make_audio(music / "tone.mp3", source="sine=f=440:d=12", codec=("-ac", "1", "-b:a", "32k"))
    project = Project(var_dir=root / "var", env={"AUDIO_ROOTS": str(music)})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    script = SETUP.format(editor=EDITOR, password=PASSWORD, titles=TITLES, audio=str(audio), text=PLAIN)
    done = project.manage("shell", "-c", script)
    project.track_ids = json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[attr-defined]
    yield from running(project)


def plain_track(server, title: str) -> int:
    return server.project.track_ids[title]


def log_in(page, server, next_path: str) -> None:
    page.goto(f"{server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}{next_path}")


def open_editor(page, server, track_id: int, *, width: int = 1280, height: int = 860) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, server, f"/tracks/{track_id}/sync")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")


def seek(page, seconds: float) -> None:
    page.evaluate(
        """(t) => new Promise((done) => {
             const audio = document.getElementById('audio');
             audio.addEventListener('seeked', () => done(), {once: true});
             audio.currentTime = t;
           })""",
        seconds,
    )


def stamp_at(page, seconds: float) -> None:
    seek(page, seconds)
    page.keyboard.press(" ")


def wait_current(page, index: int) -> None:
    page.wait_for_function(
        f"() => document.querySelector('button.line[data-index=\"{index}\"]')"
        ".getAttribute('aria-current') === 'true'"
    )


def times(page) -> list[int | None]:
    return page.evaluate("window.byeolSync.times")


def test_staff_stamp_a_plain_song_the_player_follows_and_the_old_text_can_come_back(studio, page):
    track_id = plain_track(studio, "Plain Star")
    open_editor(page, studio, track_id)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.reload()
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    assert page.locator("button.line").count() == 3
    assert times(page) == [None, None, None]

    started = time.monotonic()
    stamp_at(page, 1.0)
    stamp_at(page, 3.5)
    stamp_at(page, 5.0)
    page.keyboard.press("Backspace")  # take the last one back, stamp it again a little late
    assert times(page) == [1000, 3500, None]
    stamp_at(page, 6.2)
    page.keyboard.press("ArrowLeft")  # nudge the selected stamp: −0.1 s twice
    page.keyboard.press("ArrowLeft")
    assert times(page) == [1000, 3500, 6000]
    assert page.evaluate("window.byeolSync.dirty") is True
    # The preview is the player's display: the line the audio is in is aria-current.
    seek(page, 3.7)
    wait_current(page, 1)
    assert page.locator("button.line[data-index='2']").get_attribute("data-time") == "6000"

    page.click("#save")
    page.wait_for_function(
        "() => document.getElementById('message').dataset.state === 'saved'", timeout=10_000
    )
    assert page.evaluate("window.byeolSync.dirty") is False
    detail = httpx.get(f"{studio.url}/api/tracks/{track_id}").json()
    assert detail["synced"] is True
    assert [line["time_ms"] for line in detail["lines"]] == [1000, 3500, 6000]
    assert [line["text"] for line in detail["lines"]] == LINES
    stamping_s = time.monotonic() - started

    # The player (linked back for staff) highlights each line within 100 ms of its stamp.
    page.goto(f"{studio.url}/tracks/{track_id}/")
    assert page.locator("a", has_text="Sync lyrics").count() == 1
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    page.evaluate(
        """() => {
          window.highlights = [];
          const audio = document.getElementById('audio');
          new MutationObserver(() => {
            const active = document.querySelector('button.line[aria-current="true"]');
            if (active) window.highlights.push([Number(active.dataset.index), audio.currentTime * 1000]);
          }).observe(document.getElementById('lines'),
                     {subtree: true, attributes: true, attributeFilter: ['aria-current']});
          audio.currentTime = 0.5;
          return audio.play();
        }"""
    )
    page.wait_for_function("() => window.highlights.some(([index]) => index === 2)", timeout=15_000)
    stamps = {0: 1000, 1: 3500, 2: 6000}
    seen = {}
    for index, at_ms in page.evaluate("window.highlights"):
        seen.setdefault(index, at_ms)
    assert set(seen) == {0, 1, 2}
    for index, at_ms in seen.items():
        assert 0 <= at_ms - stamps[index] <= 100, (index, at_ms)
    page.evaluate("document.getElementById('audio').currentTime = 3.6")
    wait_current(page, 1)

    assert errors == []  # the editor and the player (the admin's pages ask for a /favicon.ico)

    # The admin lists both texts; the old one comes back as a new revision.
    page.goto(f"{studio.url}/admin/lyrics/track/{track_id}/change/")
    revisions = page.locator("table.revisions").inner_text()
    assert "First star tonight / Second star above / Third star, goodbye" in revisions
    assert "[00:01.00]First star tonight / [00:03.50]Second star above" in revisions
    assert "sync editor" in revisions
    assert EDITOR in revisions
    page.locator("table.revisions tr", has_text="Third star, goodbye").filter(has_not_text="[00:").locator(
        "a"
    ).click()
    assert page.locator("ins", has_text="[00:01.00]First star tonight").count() == 1
    assert page.locator("del", has_text="First star tonight").count() == 1
    page.click("input[name=restore]")
    page.wait_for_url(f"{studio.url}/admin/lyrics/track/{track_id}/change/")
    assert "Restored revision" in page.locator(".messagelist").inner_text()
    detail = httpx.get(f"{studio.url}/api/tracks/{track_id}").json()
    assert detail["synced"] is False
    assert [line["text"] for line in detail["lines"]] == LINES
    assert page.locator("table.revisions tr").count() == 4  # header + plain, synced, restore
    print(f"stamping and saving took {stamping_s:.1f} s")


def test_a_tap_stamps_once_and_word_mode_stamps_word_by_word(studio, page):
    track_id = plain_track(studio, "Tapped Star")
    open_editor(page, studio, track_id, width=390, height=844)
    seek(page, 0.8)
    page.click("#stamp")  # the phone's big button: one stamp per tap, however the click follows
    assert times(page) == [800, None, None]
    page.keyboard.press(" ")  # the button has the focus now: Space still stamps once
    assert times(page) == [800, 800, None]
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.check("#word-mode")
    for seconds in (1.0, 1.4, 1.9):  # First / star / tonight
        stamp_at(page, seconds)
    assert page.evaluate("window.byeolSync.words")[0] == [1000, 1400, 1900]
    assert times(page)[0] == 1000
    seek(page, 1.5)
    page.wait_for_timeout(100)
    sung = page.evaluate(
        "Array.from(document.querySelectorAll('button.line[data-index=\"0\"] .word'))"
        ".map((w) => w.hasAttribute('data-sung'))"
    )
    assert sung == [True, True, False]


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 860), ("phone", 390, 844)])
def test_screenshots_of_the_editor_mid_stamping(studio, page, name, width, height):
    track_id = plain_track(studio, f"Screenshot Star ({name})")
    open_editor(page, studio, track_id, width=width, height=height)
    stamp_at(page, 1.0)
    stamp_at(page, 3.5)
    seek(page, 3.8)
    if name == "phone":  # the title scrolled away: the audio, the lines and the pad fill the screen
        page.evaluate("window.scrollTo(0, document.getElementById('audio').offsetTop - 12)")
    page.wait_for_timeout(700)  # let the smooth scroll settle
    ARTIFACTS.mkdir(exist_ok=True)
    path = Path(ARTIFACTS / f"sync-editor-{name}.png")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_leaving_with_unsaved_stamps_asks_first(studio, page):
    track_id = plain_track(studio, "Unsaved Star")
    open_editor(page, studio, track_id)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    stamp_at(page, 1.0)
    page.goto(f"{studio.url}/tracks/{track_id}/")
    assert asked == ["beforeunload"]
    assert page.url == f"{studio.url}/tracks/{track_id}/"
