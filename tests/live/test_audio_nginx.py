"""deploy/nginx/byeol.conf in front of daphne: X-Accel-Redirect audio and unbuffered streams."""

import json

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support.nginx import NGINX, start_nginx
from tests.support.servers import Project, start_daphne
from tests.support.services import require_binary

pytestmark = pytest.mark.live
BODY = bytes(i % 253 for i in range(200_000))


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    require_binary(NGINX, "nginx-light")
    root = tmp_path_factory.mktemp("nginx")
    music = root / "music" / "앨범"
    music.mkdir(parents=True)
    song = music / "노래.ogg"
    song.write_bytes(BODY)
    project = Project(
        var_dir=root / "var",
        env={
            "AUDIO_ACCEL": "nginx",
            "AUDIO_ACCEL_ROOT": str(root / "music"),
            "DJANGO_BEHIND_PROXY": "true",
            "AUDIO_ROOTS": str(root / "music"),
        },
    )
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    track_id = project.create_track(
        title="노래",
        audio_path=str(song),
        synced=True,
        lines=[{"index": i, "time_ms": i * 200, "text": f"줄 {i}"} for i in range(5)],
    )
    daphne = start_daphne(project)
    nginx = start_nginx(
        root / "run", upstream_port=daphne.port, audio_root=root / "music", static_root=root / "static"
    )
    yield nginx, daphne, track_id
    nginx.stop()
    daphne.stop()


@pytest.mark.parametrize(
    ("range_header", "status", "content_range", "part"),
    [
        (None, 200, None, slice(0, None)),
        ("bytes=0-1", 206, "bytes 0-1/200000", slice(0, 2)),
        ("bytes=100000-", 206, "bytes 100000-199999/200000", slice(100000, None)),
        ("bytes=-10", 206, "bytes 199990-199999/200000", slice(199990, None)),
        ("bytes=300000-", 416, "bytes */200000", None),
    ],
)
def test_ranges_through_nginx_offload(proxied, range_header, status, content_range, part):
    nginx, _, track_id = proxied
    headers = {"Range": range_header} if range_header else {}
    response = httpx.get(f"{nginx.url}/tracks/{track_id}/audio", headers=headers)
    assert response.status_code == status
    assert response.headers.get("content-range") == content_range
    assert "x-accel-redirect" not in response.headers
    if part is not None:
        assert response.content == BODY[part]
        assert response.headers["content-type"] == "audio/ogg"


def test_daphne_only_authorises_and_nginx_sends_the_bytes(proxied):
    _, daphne, track_id = proxied
    response = httpx.get(f"{daphne.url}/tracks/{track_id}/audio")
    assert response.status_code == 200
    assert (
        response.headers["x-accel-redirect"] == "/_protected_audio/%EC%95%A8%EB%B2%94/%EB%85%B8%EB%9E%98.ogg"
    )
    assert response.content == b""


def test_the_internal_location_is_not_reachable_from_outside(proxied):
    nginx, _, _ = proxied
    assert (
        httpx.get(f"{nginx.url}/_protected_audio/%EC%95%A8%EB%B2%94/%EB%85%B8%EB%9E%98.ogg").status_code
        == 404
    )


def test_missing_tracks_still_get_django_s_json_404(proxied):
    nginx, _, _ = proxied
    response = httpx.get(f"{nginx.url}/tracks/999999/audio")
    assert response.status_code == 404
    assert response.json()["error"]


def test_lyric_streams_pass_through_nginx_unbuffered(proxied):
    nginx, _, track_id = proxied
    with (
        httpx.Client(timeout=10) as client,
        connect_sse(client, "GET", f"{nginx.url}/tracks/{track_id}/lyrics/events") as source,
    ):
        lines = [json.loads(e.data)["text"] for e in source.iter_sse() if e.event == "line"]
    assert lines == [f"줄 {i}" for i in range(5)]
