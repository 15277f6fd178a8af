"""The player's rich layers in Chromium: words filled as sung, voices, background vocals, layers."""

import shutil

import pytest

from tests.support.media import make_audio
from tests.support.servers import ROOT, Project, running

pytestmark = [pytest.mark.live, pytest.mark.browser]

DATA = ROOT / "tests" / "data"
DEMO = ROOT / "demo" / "library"
ARTIFACTS = ROOT / "artifacts"
DUET = "Byeol Demo - 둘이서 (Duet)"


@pytest.fixture(scope="module")
def rich_server(tmp_path_factory):
    """A library with an enhanced LRC carrying an [offset:+500] (20 s of audio) and the demo's TTML duet."""
    root = tmp_path_factory.mktemp("rich")
    music = root / "music"
    music.mkdir()
    make_audio(music / "Offset Song.mp3", source="sine=f=330:d=20", codec=("-ac", "1", "-b:a", "32k"))
    shutil.copy(DATA / "enhanced.lrc", music / "Offset Song.lrc")
    for suffix in (".mp3", ".ttml"):
        shutil.copy(DEMO / f"{DUET}{suffix}", music / f"{DUET}{suffix}")
    project = Project(var_dir=root / "var")
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("import_library", str(music))
    yield from running(project)


def open_track(page, server, title: str, *, width: int = 1280, height: int = 860) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/tracks/{server.track_id(title)}/")
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")


def sung_words(page) -> dict[int, list[bool]]:
    """For each line, whether each of its words carries data-sung."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('button.line')).map((button) =>
             [button.dataset.index,
              Array.from(button.querySelectorAll('.sung-text .word'))
                .map((w) => w.hasAttribute('data-sung'))]))"""
    )


def seek(page, seconds: float, index: int) -> None:
    page.evaluate(f"document.getElementById('audio').currentTime = {seconds}")
    page.wait_for_function(
        f"() => document.querySelector('button.line[data-index=\"{index}\"]')"
        ".getAttribute('aria-current') === 'true'",
        timeout=5_000,
    )
    page.wait_for_timeout(100)  # a few animation frames


def test_words_fill_as_they_are_sung_on_a_song_with_an_offset(rich_server, page):
    open_track(page, rich_server, "Starlight")
    # [offset:+500]: 밤하늘에 1.0 s, 작은 1.6 s, 별 2.3 s, 하나 2.8 s; 조용히 5.0 s, 나를 5.9 s, 비추네 6.5 s.
    seek(page, 2.0, 0)
    words = sung_words(page)
    assert words["0"] == [True, True, False, False]
    assert words["1"] == [False, False, False]
    seek(page, 6.2, 1)  # a seek, then the second moment
    words = sung_words(page)
    assert words["0"] == [True, True, True, True]
    assert words["1"] == [True, True, False]
    times = page.evaluate(
        "Array.from(document.querySelectorAll('button.line[data-index=\"1\"] .word'))"
        ".map((w) => w.dataset.time)"
    )
    assert times == ["5000", "5900", "6500"]


def test_the_duet_sets_the_second_voice_apart_with_translation_and_background_vocals(rich_server, page):
    open_track(page, rich_server, "둘이서")
    first = page.locator("button.line[data-index='0']")
    second = page.locator("button.line[data-index='1']")
    assert first.get_attribute("data-agent") == "v1"
    assert second.get_attribute("data-agent") == "v2"
    # The second voice's lines sit on the other side.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('button.line[data-index=\"1\"]')).textAlign")
        == "right"
    )
    assert page.evaluate(
        "getComputedStyle(document.querySelector('button.line[data-index=\"0\"]')).textAlign"
    ) in ("left", "start")
    translation = second.locator(".translation")
    assert translation.inner_text() == "I hold your small hand"
    assert translation.get_attribute("lang") == "en"
    assert translation.is_visible()
    background = second.locator(".background")
    assert background.is_visible()
    assert "잡아요" in background.inner_text()
    size = page.evaluate(
        """() => {
          const line = document.querySelector('button.line[data-index="1"]');
          return [parseFloat(getComputedStyle(line.querySelector('.sung-text')).fontSize),
                  parseFloat(getComputedStyle(line.querySelector('.background')).fontSize)];
        }"""
    )
    assert size[1] < size[0], "background vocals are smaller"


def test_pronunciation_shows_on_demand_and_the_choice_survives_a_reload(rich_server, page):
    open_track(page, rich_server, "둘이서")
    romanized = page.locator("button.line[data-index='0'] .pronunciation")
    assert romanized.get_attribute("lang") == "ko-Latn"
    assert romanized.inner_text() == "duriseo geonneun bamgil"
    assert not romanized.is_visible(), "present in the page, hidden until asked for"
    page.locator("#show-pronunciation").check()
    assert romanized.is_visible()
    page.reload()
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    assert page.locator("#show-pronunciation").is_checked()
    assert page.locator("button.line[data-index='0'] .pronunciation[lang='ko-Latn']").is_visible()


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 860), ("phone", 390, 844)])
def test_screenshots_of_the_duet_with_every_layer(rich_server, page, name, width, height):
    open_track(page, rich_server, "둘이서", width=width, height=height)
    page.locator("#show-pronunciation").check()
    seek(page, 8.0, 1)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"rich-lyrics-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    # On a phone nothing runs off the side.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_webvtt_export_loads_as_a_track_with_one_cue_per_line(rich_server, page):
    open_track(page, rich_server, "둘이서")
    lines = page.evaluate("document.querySelectorAll('button.line').length")
    cues = page.evaluate(
        """async () => {
          const track = document.createElement('track');
          track.kind = 'captions';
          track.srclang = 'ko';
          track.src = document.querySelector('a[href$="lyrics.vtt"]').href;
          document.getElementById('audio').append(track);
          track.track.mode = 'hidden';
          await new Promise((resolve, reject) => { track.onload = resolve; track.onerror = reject; });
          return Array.from(track.track.cues).map((cue) => [cue.startTime, cue.endTime]);
        }"""
    )
    assert len(cues) == lines == 9
    assert cues[0] == [1.0, 4.25]
    assert all(start < end for start, end in cues)
