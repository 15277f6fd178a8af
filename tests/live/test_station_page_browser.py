"""The station page in Debian's headless Chromium: a DJ runs it, a listener watches."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import ROOT, Daphne, Project, start_daphne

pytestmark = [pytest.mark.live, pytest.mark.browser]
ARTIFACTS = ROOT / "artifacts"
PASSWORD = "a long test password"
# A non-superuser who may run stations (is_staff only so that the admin login lets them in).
SETUP = f"""
from django.contrib.auth.models import Permission, User
from stations.models import Station
Station.objects.create(slug="radio", name="Byeol Radio")
dj = User.objects.create_user("dj", password={PASSWORD!r}, is_staff=True)
dj.user_permissions.add(Permission.objects.get(codename="change_station", content_type__app_label="stations"))
"""
# Every change of body[data-line-index], with the track and the time on the machine's clock.
RECORD_LINES = """
window.lineChanges = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    const {trackId, lineIndex} = document.body.dataset;
    const at = performance.timeOrigin + performance.now();
    if (lineIndex !== undefined) window.lineChanges.push([trackId, Number(lineIndex), at]);
  }).observe(document.body, {attributes: true, attributeFilter: ["data-line-index"]});
});
"""


@pytest.fixture
def server(tmp_path) -> Iterator[Daphne]:
    project = Project(var_dir=tmp_path / "var")
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    project.manage("import_library", str(ROOT / "demo" / "library"))
    project.manage("shell", "-c", SETUP)
    server = start_daphne(project)
    try:
        yield server
    finally:
        server.stop()


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def open_as_dj(browser, server: Daphne):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.add_init_script(RECORD_LINES)
    page = context.new_page()
    page.goto(f"{server.url}/admin/login/?next=/stations/radio/")
    page.fill("#id_username", "dj")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/stations/radio/")
    return page


def open_as_listener(browser, server: Daphne):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.add_init_script(RECORD_LINES)
    page = context.new_page()
    page.goto(f"{server.url}/stations/radio/")
    return page


def queue_from_search(page, query: str, track_id: int) -> None:
    page.fill("#track-q", query)
    page.press("#track-q", "Enter")
    page.click(f"#search-results li[data-track-id='{track_id}'] button.add")
    page.wait_for_selector(f"#up-next li[data-track-id='{track_id}']")


def no_overflow(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_dj_queues_and_plays_and_a_listener_follows_line_for_line(chromium_browser, server):
    starlight, duet = server.track_id("별빛"), server.track_id("둘이서")
    dj = open_as_dj(chromium_browser, server)
    dj_errors = watch_errors(dj)
    queue_from_search(dj, "별빛", starlight)
    queue_from_search(dj, "둘이서", duet)  # Korean queries find Korean titles
    assert dj.locator("#up-next li[data-track-id]").evaluate_all(
        "els => els.map(e => e.dataset.trackId)"
    ) == [
        str(starlight),
        str(duet),
    ]

    listener = open_as_listener(chromium_browser, server)
    listener_errors = watch_errors(listener)
    listener.wait_for_selector(f"#up-next li[data-track-id='{duet}']")  # the queue reaches everyone
    assert listener.locator("#station-controls").count() == 0
    assert listener.locator(".station button:not(#listen)").count() == 0, "a listener sees no controls"

    dj.click("#play")
    both = (dj, listener)
    for page in both:
        page.wait_for_function(f"() => document.body.dataset.trackId === '{starlight}'", timeout=10_000)
        assert "별빛 노래" in page.locator("#now-playing").inner_text()
    # The song's lines fall due at 1 s and 9 s: both pages show each at the same moment.
    for page in both:
        page.wait_for_function(
            f"() => window.lineChanges.some(([t, i]) => t === '{starlight}' && i === 1)", timeout=15_000
        )
    seen = [{(t, i): at for t, i, at in page.evaluate("() => window.lineChanges")} for page in both]
    shared = sorted(set(seen[0]) & set(seen[1]))
    assert (str(starlight), 0) in shared
    assert (str(starlight), 1) in shared
    gaps_ms = {key: abs(seen[0][key] - seen[1][key]) for key in shared}
    print(
        "line change gaps between the two pages (ms):",
        json.dumps({f"{k[0]}:{k[1]}": round(v, 1) for k, v in gaps_ms.items()}),
    )
    assert max(gaps_ms.values()) <= 300, gaps_ms
    assert listener.locator("#current-line").inner_text() == "조용히 나를 비추네"
    assert "Let us walk" not in listener.locator("#next-line").inner_text()
    assert (
        listener.locator("#next-line .translation[lang='en']").inner_text() == "Even when the wind is blowing"
    )
    assert listener.locator("#next-line .pronunciation[lang='ko-Latn']").count() == 1

    listener.check("#show-pronunciation")
    assert listener.locator("#current-layers .pronunciation[lang='ko-Latn']").is_visible()
    assert listener.evaluate("() => localStorage.getItem('byeol.show.pronunciation')") == "1"

    for page in both:  # announced every ~2 s
        page.wait_for_function(
            "() => document.getElementById('listener-count').textContent === '2'", timeout=10_000
        )
        assert page.locator("#up-next li[data-track-id]").count() == 1

    ARTIFACTS.mkdir(exist_ok=True)
    dj.screenshot(path=str(ARTIFACTS / "station-desktop.png"))
    for name, page in (("phone", dj), ("phone-listener", listener)):
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(200)
        assert no_overflow(page), name
        page.screenshot(path=str(ARTIFACTS / f"station-{name}.png"), full_page=True)
    assert all(Path(ARTIFACTS / f"station-{n}.png").stat().st_size > 10_000 for n in ("desktop", "phone"))

    dj.click("#skip")
    for page in both:
        page.wait_for_function(f"() => document.body.dataset.trackId === '{duet}'", timeout=5_000)
        assert "둘이서" in page.locator("#now-playing").inner_text()
        page.wait_for_function("() => document.querySelectorAll('#up-next li').length === 0", timeout=5_000)
    assert dj_errors == []
    assert listener_errors == []


def add_from(page, url: str, track_id: int) -> None:
    page.goto(url)
    page.click(f"button.add-to-station[data-track-id='{track_id}']")
    page.wait_for_function("() => document.querySelector('.station-adder .status').dataset.state === 'saved'")
    assert "to Byeol Radio" in page.locator(".station-adder .status").inner_text()


def test_the_queue_is_run_from_the_keyboard_and_errors_show_in_the_status_line(chromium_browser, server):
    ids = [server.track_id(title) for title in ("별빛", "둘이서", "君と")]
    dj = open_as_dj(chromium_browser, server)
    errors = watch_errors(dj)
    dj.set_viewport_size({"width": 390, "height": 844})
    add_from(dj, f"{server.url}/", ids[0])  # the library's "Add to station"
    add_from(dj, f"{server.url}/tracks/{ids[1]}/", ids[1])  # the player's
    assert no_overflow(dj)
    dj.goto(f"{server.url}/stations/radio/")
    queue_from_search(dj, "君", ids[2])

    def order() -> list[int]:
        return [
            int(i) for i in dj.locator("#up-next li").evaluate_all("els => els.map(e => e.dataset.trackId)")
        ]

    assert order() == ids
    dj.focus(f"#up-next li[data-track-id='{ids[0]}'] button[data-action='down']")
    dj.keyboard.press("Enter")
    dj.wait_for_function(f"() => document.querySelector('#up-next li').dataset.trackId === '{ids[1]}'")
    assert order() == [ids[1], ids[0], ids[2]]
    focused = (
        "() => document.activeElement.closest('li') && document.activeElement.closest('li').dataset.trackId"
    )
    assert dj.evaluate(focused) == str(ids[0]), "the focus stays with the moved track"
    dj.keyboard.press("Shift+Tab")  # from ↓ back to ↑
    dj.keyboard.press("Enter")
    dj.wait_for_function(f"() => document.querySelector('#up-next li').dataset.trackId === '{ids[0]}'")
    assert order() == ids
    dj.focus(f"#up-next li[data-track-id='{ids[1]}'] button[data-action='remove']")
    dj.keyboard.press("Enter")
    dj.wait_for_function("() => document.querySelectorAll('#up-next li').length === 2")
    assert order() == [ids[0], ids[2]]
    dj.wait_for_function("() => document.getElementById('control-status').textContent.startsWith('Removed')")

    dj.focus("#loop")
    dj.keyboard.press("Space")
    dj.wait_for_function("() => document.getElementById('loop').getAttribute('aria-pressed') === 'true'")
    dj.keyboard.press("Space")
    dj.wait_for_function("() => document.getElementById('loop').getAttribute('aria-pressed') === 'false'")

    fill = (
        "from stations.models import QueueEntry, Station; s = Station.objects.get(slug='radio'); "
        "QueueEntry.objects.bulk_create("
        f"QueueEntry(station=s, track_id={ids[0]}, position=10 + i) for i in range(498))"
    )
    server.project.manage("shell", "-c", fill)
    dj.click(f"#search-results li[data-track-id='{ids[2]}'] button.add")
    dj.wait_for_function("() => document.getElementById('control-status').dataset.state === 'error'")
    assert dj.locator("#control-status").inner_text() == "a queue holds at most 500 tracks"
    assert no_overflow(dj)
    assert [e for e in errors if "status of 400" not in e] == [], "only the refused request is logged"


def test_after_a_refused_reconnect_the_page_resumes_from_the_last_event_it_got(chromium_browser, server):
    answers = iter(
        [
            # A stream that ends at once: the browser reconnects by itself, with Last-Event-ID…
            {
                "status": 200,
                "headers": {"Content-Type": "text/event-stream"},
                "body": 'retry: 100\nid: station-radio:7\nevent: listeners\ndata: {"count": 5}\n\n',
            },
            # …and is refused: EventSource gives up for good, the page's own reconnect takes over.
            {"status": 502, "body": "Bad Gateway"},
        ]
    )
    urls: list[str] = []

    def answer(route) -> None:
        urls.append(route.request.url)
        fake = next(answers, None)
        if fake is None:
            route.continue_()
        else:
            route.fulfill(**fake)

    listener = open_as_listener(chromium_browser, server)
    listener.route("**/stations/radio/events*", answer)
    listener.reload()
    listener.wait_for_function("() => document.getElementById('listener-count').textContent === '5'")
    listener.wait_for_function("() => document.getElementById('status').dataset.state === 'retrying'")
    listener.wait_for_function(
        "() => document.getElementById('status').dataset.state === 'live'", timeout=10_000
    )
    assert urls[-1].endswith("/stations/radio/events?lastEventId=station-radio%3A7"), urls
    assert listener.locator("#now-playing").inner_text() == "Not playing"
