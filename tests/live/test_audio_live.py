"""The audio endpoint over a real socket: daphne and httpx, table-driven."""

import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

pytestmark = pytest.mark.live

SIZE = 10_000
BODY = bytes(i % 251 for i in range(SIZE))
MTIME = 1_700_000_000


@pytest.fixture(scope="module")
def audio_server(tmp_path_factory):
    from tests.support.servers import Project, start_daphne

    root = tmp_path_factory.mktemp("audio")
    song = root / "별빛 노래.mp3"
    song.write_bytes(BODY)
    os.utime(song, (MTIME, MTIME))
    gone = root / "gone.ogg"
    gone.write_bytes(b"x")
    project = Project(var_dir=root / "var", env={"AUDIO_ROOTS": str(root)})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    ids = {
        "song": project.create_track(title="별빛 노래", audio_path=str(song)),
        "silent": project.create_track(title="No audio"),
        "gone": project.create_track(title="Gone", audio_path=str(gone)),
    }
    gone.unlink()
    server = start_daphne(project)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        etag = client.head(f"/tracks/{ids['song']}/audio").headers["etag"]
        yield client, ids, etag
    server.stop()


LAST_MODIFIED = format_datetime(datetime.fromtimestamp(MTIME, tz=UTC), usegmt=True)
EARLIER = format_datetime(datetime.fromtimestamp(MTIME, tz=UTC) - timedelta(days=1), usegmt=True)
LATER = format_datetime(datetime.fromtimestamp(MTIME, tz=UTC) + timedelta(days=1), usegmt=True)

# (name, method, headers, status, content-range, body slice); "{etag}" is filled in.
CASES = [
    ("whole file", "GET", {}, 200, None, slice(0, SIZE)),
    ("head", "HEAD", {}, 200, None, slice(0, 0)),
    ("first two bytes", "GET", {"Range": "bytes=0-1"}, 206, "bytes 0-1/10000", slice(0, 2)),
    ("middle", "GET", {"Range": "bytes=5000-5999"}, 206, "bytes 5000-5999/10000", slice(5000, 6000)),
    ("open-ended", "GET", {"Range": "bytes=9000-"}, 206, "bytes 9000-9999/10000", slice(9000, SIZE)),
    ("suffix", "GET", {"Range": "bytes=-100"}, 206, "bytes 9900-9999/10000", slice(9900, SIZE)),
    ("suffix longer than file", "GET", {"Range": "bytes=-20000"}, 206, "bytes 0-9999/10000", slice(0, SIZE)),
    (
        "end past the file",
        "GET",
        {"Range": "bytes=9990-20000"},
        206,
        "bytes 9990-9999/10000",
        slice(9990, SIZE),
    ),
    ("last byte", "GET", {"Range": "bytes=9999-9999"}, 206, "bytes 9999-9999/10000", slice(9999, SIZE)),
    ("head with range", "HEAD", {"Range": "bytes=0-9"}, 206, "bytes 0-9/10000", slice(0, 0)),
    ("start at the size", "GET", {"Range": "bytes=10000-"}, 416, "bytes */10000", None),
    ("start past the size", "GET", {"Range": "bytes=20000-20010"}, 416, "bytes */10000", None),
    ("empty suffix", "GET", {"Range": "bytes=-0"}, 416, "bytes */10000", None),
    ("malformed", "GET", {"Range": "bytes=abc"}, 200, None, slice(0, SIZE)),
    ("reversed", "GET", {"Range": "bytes=50-10"}, 200, None, slice(0, SIZE)),
    ("unknown unit", "GET", {"Range": "items=0-1"}, 200, None, slice(0, SIZE)),
    ("several ranges get the whole file", "GET", {"Range": "bytes=0-1,5-6"}, 200, None, slice(0, SIZE)),
    (
        "if-range matching etag",
        "GET",
        {"Range": "bytes=0-9", "If-Range": "{etag}"},
        206,
        "bytes 0-9/10000",
        slice(0, 10),
    ),
    ("if-range stale etag", "GET", {"Range": "bytes=0-9", "If-Range": '"stale"'}, 200, None, slice(0, SIZE)),
    ("if-range weak etag", "GET", {"Range": "bytes=0-9", "If-Range": "W/{etag}"}, 200, None, slice(0, SIZE)),
    (
        "if-range exact date",
        "GET",
        {"Range": "bytes=0-9", "If-Range": LAST_MODIFIED},
        206,
        "bytes 0-9/10000",
        slice(0, 10),
    ),
    ("if-range other date", "GET", {"Range": "bytes=0-9", "If-Range": EARLIER}, 200, None, slice(0, SIZE)),
    ("if-none-match current", "GET", {"If-None-Match": "{etag}"}, 304, None, slice(0, 0)),
    ("if-none-match list", "GET", {"If-None-Match": '"a", {etag}'}, 304, None, slice(0, 0)),
    ("if-none-match star", "GET", {"If-None-Match": "*"}, 304, None, slice(0, 0)),
    ("if-none-match stale", "GET", {"If-None-Match": '"stale"'}, 200, None, slice(0, SIZE)),
    ("if-modified-since later", "GET", {"If-Modified-Since": LATER}, 304, None, slice(0, 0)),
    ("if-modified-since earlier", "GET", {"If-Modified-Since": EARLIER}, 200, None, slice(0, SIZE)),
    (
        "if-none-match wins over date",
        "GET",
        {"If-None-Match": '"stale"', "If-Modified-Since": LATER},
        200,
        None,
        slice(0, SIZE),
    ),
    ("garbage date ignored", "GET", {"If-Modified-Since": "yesterday"}, 200, None, slice(0, SIZE)),
]


@pytest.mark.parametrize(
    ("method", "headers", "status", "content_range", "part"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_range_and_conditional_requests(audio_server, method, headers, status, content_range, part):
    client, ids, etag = audio_server
    headers = {k: v.replace("{etag}", etag) for k, v in headers.items()}
    response = client.request(method, f"/tracks/{ids['song']}/audio", headers=headers)
    assert response.status_code == status
    assert response.headers.get("content-range") == content_range
    assert response.headers["etag"] == etag
    assert "content-encoding" not in response.headers
    if status == 304:
        assert response.headers["cache-control"]
        assert response.content == b""
    elif status == 416:
        assert response.content
    else:
        assert response.headers["content-type"] == "audio/mpeg"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["last-modified"] == LAST_MODIFIED
        assert response.headers["x-content-type-options"] == "nosniff"
        expected = BODY[part]
        assert response.content == expected
        wanted_length = part.stop - part.start if method == "HEAD" and part.stop == 0 else len(expected)
        if method == "GET":
            assert int(response.headers["content-length"]) == wanted_length


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_head_announces_the_full_length(audio_server):
    client, ids, _ = audio_server
    response = client.head(f"/tracks/{ids['song']}/audio")
    assert response.headers["content-length"] == str(SIZE)


def test_korean_file_names_are_encoded_in_content_disposition(audio_server):
    client, ids, _ = audio_server
    disposition = client.get(f"/tracks/{ids['song']}/audio", headers={"Range": "bytes=0-0"}).headers[
        "content-disposition"
    ]
    assert disposition.startswith("inline")
    assert "filename*=utf-8''%EB%B3%84%EB%B9%9B%20%EB%85%B8%EB%9E%98.mp3" in disposition


@pytest.mark.parametrize(
    "url",
    [
        "/tracks/{silent}/audio",
        "/tracks/{gone}/audio",
        "/tracks/999999/audio",
        "/music/audio?track_id=999999",
    ],
)
def test_missing_audio_is_a_json_404_never_a_hang(audio_server, url):
    client, ids, _ = audio_server
    response = client.get(url.format(**ids))
    assert response.status_code == 404
    assert response.json()["error"]


def test_seed_url_serves_the_same_bytes(audio_server):
    client, ids, _ = audio_server
    response = client.get(f"/music/audio?track_id={ids['song']}", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.content == BODY[100:200]
    assert client.get("/music/audio?track_id=abc").status_code == 400
