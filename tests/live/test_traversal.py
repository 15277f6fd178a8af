"""Names, ids and headers from requests never reach outside their root, never a 500."""

import os
from urllib.parse import quote

import httpx
import pytest
from httpx_sse import connect_sse

pytestmark = pytest.mark.live

SECRET = "top secret outside the root"


@pytest.fixture(scope="module")
def confined(tmp_path_factory):
    from tests.support.servers import Project, start_daphne

    base = tmp_path_factory.mktemp("confined")
    root = base / "texts"
    (root / "sub").mkdir(parents=True)
    (root / "song.txt").write_text("첫 줄\n: colon line\ndata: x\n\n마지막", encoding="utf-8")
    (root / "sub" / "nested.txt").write_bytes("안녕하세요\n".encode("cp949"))
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe" * 20)
    (base / "secret.txt").write_text(SECRET)
    os.symlink(base / "secret.txt", root / "link-out.txt")
    os.symlink(base, root / "dir-out")
    os.symlink(root / "song.txt", root / "link-in.txt")
    # The audit's: a FIFO (an open that blocks), a device, a link to /proc.
    os.mkfifo(root / "pipe.txt")
    os.symlink("/dev/zero", root / "zero.txt")
    os.symlink("/proc/self/environ", root / "environ.txt")
    (root / "song.mp3").write_bytes(bytes(range(256)) * 40)
    project = Project(var_dir=base / "var", env={"LYRICS_TEXT_ROOT": str(root), "AUDIO_ROOTS": str(root)})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(title="T", lyrics_text="[00:00.00]a", audio_path=str(base / "secret.txt"))
    server = start_daphne(project)
    yield server, base, track_id
    server.stop()


@pytest.fixture(scope="module")
def inside_audio(confined):
    """A track whose audio is inside the audio roots (the confined track's is not)."""
    server, base, _ = confined
    return server.project.create_track(title="Inside", audio_path=str(base / "texts" / "song.mp3"))


def message_events(url):
    with httpx.Client(timeout=10) as client, connect_sse(client, "GET", url) as source:
        assert source.response.headers["content-type"] == "text/event-stream; charset=utf-8"
        return [(e.id, e.data) for e in source.iter_sse()]


def test_a_text_file_in_the_root_streams_one_event_per_line(confined):
    server, _, _ = confined
    events = message_events(f"{server.url}/music/text?file_name=song.txt")
    assert events == [("1", "첫 줄"), ("2", ": colon line"), ("3", "data: x"), ("4", ""), ("5", "마지막")]


def test_nested_legacy_encoded_files_and_symlinks_inside_the_root_are_served(confined):
    server, _, _ = confined
    assert message_events(f"{server.url}/music/text?file_name=sub/nested.txt") == [("1", "안녕하세요")]
    assert message_events(f"{server.url}/music/text?file_name=link-in.txt")[0] == ("1", "첫 줄")


def test_resuming_a_text_stream_starts_after_the_last_line(confined):
    server, _, _ = confined
    with (
        httpx.Client(timeout=10) as client,
        connect_sse(
            client, "GET", f"{server.url}/music/text?file_name=song.txt", headers={"Last-Event-ID": "3"}
        ) as source,
    ):
        assert [e.id for e in source.iter_sse()] == ["4", "5"]
    done = httpx.get(f"{server.url}/music/text?file_name=song.txt", headers={"Last-Event-ID": "5"})
    assert done.status_code == 204


NAMES = [
    "../secret.txt",
    "..%2fsecret.txt",
    "%2e%2e/secret.txt",
    "%2e%2e%2fsecret.txt",
    "..%252fsecret.txt",
    "sub/../../secret.txt",
    "sub/%2e%2e/%2e%2e/secret.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "//etc/passwd",
    "\\etc\\passwd",
    "..\\secret.txt",
    "..%5csecret.txt",
    "song.txt%00.png",
    "song.txt\x00",
    "link-out.txt",
    "dir-out/secret.txt",
    "sub",
    ".",
    "",
    "missing.txt",
    "sub/missing.txt",
    "~/secret.txt",
    "file:///etc/passwd",
    "..%c0%afsecret.txt",
    "%c0%ae%c0%ae/secret.txt",
    "song.txt/",
    "song.txt/..",
    "x" * 5000,
    "ｓｏｎｇ.txt",
    "../" * 30 + "etc/passwd",
    "%252e%252e%252fsecret.txt",
    # The audit's payloads.
    "pipe.txt",
    "zero.txt",
    "environ.txt",
    "/proc/self/environ",
    "../../../../../../proc/self/environ",
    "song.txt%0d%0aX-Injected:%20yes",
    "song.txt\r\n",
    "....//secret.txt",
    "..;/secret.txt",
    "%2e%2e%5csecret.txt",
    "\u2025/secret.txt",
    "．．/secret.txt",
    "./song.txt",
    "sub/./nested.txt",
    "link-out.txt/.",
    "%00",
    "song.txt" + "/" * 2000,
]


@pytest.mark.parametrize("name", NAMES)
def test_file_names_never_leave_the_root(confined, name):
    server, _, _ = confined
    url = f"{server.url}/music/text?file_name={quote(name, safe='%/')}"
    response = httpx.get(url, timeout=10)
    assert response.status_code in (400, 404)
    assert SECRET not in response.text
    assert "root:" not in response.text
    assert response.json()["error"]
    assert "x-injected" not in response.headers


def test_undecodable_text_gets_a_clear_error(confined):
    server, _, _ = confined
    response = httpx.get(f"{server.url}/music/text?file_name=binary.txt")
    assert response.status_code == 422
    assert "not readable as text" in response.json()["error"]


IDS = [
    "0", "-1", "1.5", "abc", "1e3", "99999999999999999999999", "1%00", "%20", "0x10", "1;drop table", "１",
    # The audit's: past int()'s 4300 digits, leading zeros, other digits, signs, line breaks.
    "9" * 5000, "0" * 30 + "1", "١", "+1", "%201", "1%0d%0aX-Injected:%20yes", "9223372036854775808",
]  # fmt: skip


@pytest.mark.parametrize("value", IDS)
@pytest.mark.parametrize(
    "url",
    [
        "/music/text?track_id={}",
        "/music/audio?track_id={}",
        "/api/get/{}",
        "/tracks/{}/audio",
        "/tracks/{}/lyrics/events",
        "/tracks/{}/lyrics/text",
        "/api/tracks/{}",
        "/tracks/{}/",
    ],
)
def test_odd_ids_get_400_or_404_never_500(confined, url, value):
    server, _, _ = confined
    response = httpx.get(server.url + url.format(quote(value, safe="%")), timeout=10)
    assert response.status_code in (400, 404), response.text[:200]


HEADERS = [
    {"Last-Event-ID": "../../etc/passwd"},
    {"Last-Event-ID": "x" * 10_000},
    {"Last-Event-ID": b"\xff\xfe"},
    {"Last-Event-ID": "-1"},
    {"Last-Event-ID": "99999999999999999999"},
    {"Range": "bytes=" + "9" * 400 + "-"},
    {"Range": "bytes=--1"},
    {"Range": "bytes=0-1,2-3," * 200},
    {"If-Range": "\x7f"},
    {"If-None-Match": '"' * 100},
    {"If-Modified-Since": "Sun, 99 Foo 99999 99:99:99 GMT"},
    # The audit's payloads.
    {"Last-Event-ID": "x-" + "9" * 5000},
    {"Last-Event-ID": "0-" + "0" * 4400 + "1"},
    {"Last-Event-ID": "station-radio:abc"},
    {"Last-Event-ID": "-end"},
    {"Range": "bytes=" + "9" * 5000 + "-"},
    {"Range": "bytes=-" + "9" * 5000},
    {"Range": "bytes=0-" + "9" * 5000},
    {"If-Range": "9" * 5000},
    {"X-Forwarded-For": "1.1.1.1, " * 1000 + "1.1.1.1"},
    {"Host": "evil.example"},
]


@pytest.mark.parametrize("headers", HEADERS, ids=lambda h: next(iter(h)))
@pytest.mark.parametrize(
    "path",
    [
        "/tracks/{id}/lyrics/events?pace=instant",
        "/tracks/{id}/audio",
        "/tracks/{audio}/audio",
        "/music/text?file_name=song.txt",
    ],
)
def test_hostile_headers_never_cause_a_500_or_reach_files(confined, inside_audio, headers, path):
    server, _, track_id = confined
    url = server.url + path.format(id=track_id, audio=inside_audio)
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        body = response.read()
    assert response.status_code in (200, 204, 206, 304, 400, 404, 416)
    # The track's audio path names the secret, outside any audio root: never served (audit F1).
    assert SECRET.encode() not in body


SLUGS = ["..", "%2e%2e", "radio%00", "a/b", "%2fetc%2fpasswd", "x" * 300, "라디오", "radio;drop", "-", "_"]
SLUGS += ["radio%0d%0aX-Injected:%20yes", "x" * 5000, "%ff%fe", "radio%2f..%2f.."]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("path", ["/stations/{}/", "/stations/{}/events", "/api/stations/{}/play"])
def test_station_slugs_never_cause_a_500(confined, slug, path):
    server, _, _ = confined
    method = "POST" if path.startswith("/api/") else "GET"
    response = httpx.request(method, server.url + path.format(quote(slug, safe="%")), timeout=10)
    if slug == ".." and path == "/stations/{}/":
        assert response.request.url.path == "/", "the client resolves /stations/../ to the library itself"
        return
    assert response.status_code in (403, 404), response.text[:200]


@pytest.mark.parametrize(
    "query",
    ["es-meta=x", "recover=true", "channels=station-other", "lastEventId=station-radio:abc",
     "lastEventId=station-radio:" + "9" * 3000, "es-meta=x&recover=true&channels=a,b,c", "x=" + "y" * 5000],
)  # fmt: skip
def test_station_event_queries_never_cause_a_500(confined, query):
    server, _, _ = confined
    with httpx.stream("GET", f"{server.url}/stations/radio/events?{query}", timeout=10) as response:
        status = response.status_code
    assert status in (200, 400, 404), status
