"""Three real Subsonic clients against daphne on a port: py-opensonic, py-sonic and subsonic-api (npm).

Each connects with token auth and with an API key, browses artists → album →
song, searches a Korean title, reads synced lyrics (v1, and v2 with cues and
kinds), streams a range and compares the bytes with the file, and fetches
cover art. Every JSON answer is also checked against the schemas in
tests/support/subsonic_schemas.py.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.servers import ROOT, Daphne, Project, running
from tests.support.subsonic_library import (
    PASSWORD,
    RICH_TRACK,
    cover_jpeg,
    rich_lines,
    tagged_mp3,
    token_params,
)
from tests.support.subsonic_schemas import method_name, validate

pytestmark = pytest.mark.live

JS_CLIENT = ROOT / "tests" / "live" / "subsonic_js"
KOREAN_TITLE = "별빛 노래"
BYTE_RANGE = (100, 1099)


@dataclass
class Library:
    server: Daphne
    api_key: str
    song_path: Path

    @property
    def base(self) -> str:
        return "http://127.0.0.1"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    music = tmp_path_factory.mktemp("music")
    project = Project(var_dir=tmp_path_factory.mktemp("subsonic") / "var", env={"AUDIO_ROOTS": str(music)})
    project.var_dir.mkdir()
    project.manage("migrate", "--noinput")
    cover = cover_jpeg()
    song = tagged_mp3(
        music / "starlight.mp3", title=KOREAN_TITLE, artist="아이유", album="Palette", cover=cover
    )
    project.create_track(
        title=KOREAN_TITLE,
        artist="아이유",
        album="Palette",
        audio_path=str(song),
        duration_ms=1500,
        year=2017,
        track_number=1,
        lines=rich_lines(),
        **RICH_TRACK,
    )
    other = tagged_mp3(
        music / "palette.mp3", title="Palette", artist="아이유", album="Palette", track=2, cover=cover
    )
    project.create_track(
        title="Palette", artist="아이유", album="Palette", audio_path=str(other), track_number=2
    )
    project.manage("subsonic_user", "alice", "--password", PASSWORD)
    api_key = project.manage("subsonic_user", "alice", "--api-key").stdout.strip().splitlines()[-1]
    for server in running(project):
        yield Library(server, api_key, song)


def check_lyrics(v1: list[dict], v2: list[dict]) -> None:
    assert len(v1) == 1
    assert v1[0]["synced"] is True
    assert [line["value"] for line in v1[0]["line"]] == ["눈을 뜬 순간", "모든 게 달라졌어"]
    assert [line["start"] for line in v1[0]["line"]] == [1000, 3000]
    assert "kind" not in v1[0]
    assert [entry["kind"] for entry in v2] == ["main", "translation", "pronunciation"]
    main = v2[0]
    assert [agent["role"] for agent in main["agents"]] == ["main", "voice", "bg"]
    for cue_line in main["cueLine"]:
        encoded = cue_line["value"].encode()
        for cue in cue_line["cue"]:
            assert encoded[cue["byteStart"] : cue["byteEnd"] + 1].decode() == cue["value"]
    assert v2[1]["line"][0]["value"] == "The moment I opened my eyes"
    assert v2[2]["lang"] == "ko-Latn"


def check_cover(data: bytes) -> None:
    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == (64, 43)


# --- py-opensonic ---------------------------------------------------------------------------------


def opensonic(library: Library, **auth: str):  # type: ignore[no-untyped-def]
    import libopensonic

    # py-opensonic 10.4 appends /rest to the base URL itself, and sends form POSTs by default.
    conn = libopensonic.Connection(library.base, port=library.server.port, **auth)
    original = conn._async._handle_info_res

    async def checked(response):  # type: ignore[no-untyped-def]
        validate(method_name(response.url.path), await response.json())
        return await original(response)

    conn._async._handle_info_res = checked
    return conn


def run(conn, coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run_coroutine_threadsafe(coroutine, conn._loop).result(timeout=30)


@pytest.mark.parametrize("auth", ["token", "api key"])
def test_py_opensonic(library, auth):
    from libopensonic.media.media_types import StructuredLyrics

    credentials = (
        {"api_key": library.api_key} if auth == "api key" else {"username": "alice", "password": PASSWORD}
    )
    conn = opensonic(library, **credentials)
    try:
        assert conn.ping()
        artists = conn.get_artists()
        artist = artists.index[0].artist[0]
        assert artist.name == "아이유"
        album = conn.get_artist(artist.id).album[0]
        songs = conn.get_album(album.id).song
        assert [song.title for song in songs] == [KOREAN_TITLE, "Palette"]
        assert conn.get_song(songs[0].id).album_id == album.id
        found = conn.search3(KOREAN_TITLE).song
        assert [song.title for song in found] == [KOREAN_TITLE]
        v1 = conn.get_lyrics_by_song_id(found[0].id)
        enhanced = run(
            conn, conn._async._do_request("getLyricsBySongId", {"id": found[0].id, "enhanced": "true"})
        )
        v2 = run(conn, conn._async._handle_info_res(enhanced))["lyricsList"]["structuredLyrics"]
        check_lyrics([entry.to_dict() for entry in v1], v2)
        parsed = StructuredLyrics.from_dict(v2[0])
        assert parsed.cue_line[0].cue[0].byte_end == 5  # 눈을: two Hangul syllables, six bytes
        start, end = BYTE_RANGE
        streamed = conn.stream(found[0].id, tformat="raw", byte_range=f"bytes={start}-{end}")
        assert streamed.status == 206
        assert run(conn, streamed.read()) == library.song_path.read_bytes()[start : end + 1]
        cover = conn.get_cover_art(songs[0].cover_art, size=64)
        check_cover(run(conn, cover.read()))
    finally:
        conn.cleanup()
        # Connection.cleanup() stops its private event loop but never closes it (py-opensonic 10.4.1).
        conn._loop.close()


# --- py-sonic --------------------------------------------------------------------------------------


def pysonic(library: Library, *, api_key: str | None = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
    import libsonic

    class Checked(libsonic.Connection):
        def _doInfoReq(self, req):  # type: ignore[no-untyped-def]
            response = super()._doInfoReq(req)
            validate(method_name(req.full_url.split("?")[0]), {"subsonic-response": response})
            return response

        def _getBaseQdict(self):  # type: ignore[no-untyped-def]
            base = super()._getBaseQdict()
            if api_key:
                # py-sonic knows no apiKey: send it as the extension says, instead of u/t/s.
                for name in ("u", "t", "s", "p"):
                    base.pop(name, None)
                base["apiKey"] = api_key
            return base

    return Checked(library.base, "alice", PASSWORD, port=library.server.port, customHeaders=headers)


@pytest.mark.parametrize("auth", ["token", "api key"])
def test_py_sonic(library, auth):
    api_key = library.api_key if auth == "api key" else None
    conn = pysonic(library, api_key=api_key)
    assert conn.ping()
    artist = conn.getArtists()["artists"]["index"][0]["artist"][0]
    album = conn.getArtist(artist["id"])["artist"]["album"][0]
    songs = conn.getAlbum(album["id"])["album"]["song"]
    assert conn.getSong(songs[0]["id"])["song"]["title"] == KOREAN_TITLE
    found = conn.search3(KOREAN_TITLE)["searchResult3"]["song"]
    assert [song["title"] for song in found] == [KOREAN_TITLE]
    assert (
        conn.getLyrics(artist="아이유", title=KOREAN_TITLE)["lyrics"]["value"]
        == "눈을 뜬 순간\n모든 게 달라졌어"
    )
    # py-sonic has no getLyricsBySongId: its generic request path calls it.
    v1 = conn._doInfoReq(conn._getRequest("getLyricsBySongId.view", {"id": found[0]["id"]}))
    v2 = conn._doInfoReq(
        conn._getRequest("getLyricsBySongId.view", {"id": found[0]["id"], "enhanced": "true"})
    )
    check_lyrics(v1["lyricsList"]["structuredLyrics"], v2["lyricsList"]["structuredLyrics"])
    start, end = BYTE_RANGE
    ranged = pysonic(library, api_key=api_key, headers={"Range": f"bytes={start}-{end}"})
    streamed = ranged.stream(found[0]["id"], tformat="raw")
    assert streamed.status == 206
    assert streamed.read() == library.song_path.read_bytes()[start : end + 1]
    check_cover(conn.getCoverArt(songs[0]["coverArt"], size=64).read())


# --- subsonic-api (npm, on Node) -------------------------------------------------------------------


def test_subsonic_api_on_node(library):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (Debian's nodejs, 20 or newer)")
    if not (JS_CLIENT / "node_modules" / "subsonic-api").is_dir():
        pytest.fail(f"run `npm ci` in {JS_CLIENT} (scripts/setup --dev does)")
    config = {
        "url": library.server.url,
        "username": "alice",
        "password": PASSWORD,
        "apiKey": library.api_key,
        "query": KOREAN_TITLE,
        "byteRange": list(BYTE_RANGE),
    }
    done = subprocess.run(
        [node, "client.mjs", json.dumps(config)], cwd=JS_CLIENT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for answer in report["answers"]:
        validate(answer["method"], answer["body"])
    assert len(report["answers"]) >= 2 * 9
    start, end = BYTE_RANGE
    import base64

    for session in (report["token"], report["apiKey"]):
        assert session["status"] == "ok"
        assert session["artists"] == ["아이유"]
        assert session["songs"] == [KOREAN_TITLE, "Palette"]
        assert session["found"] == [KOREAN_TITLE]
        check_lyrics(session["v1"], session["v2"])
        assert session["stream"]["status"] == 206
        assert (
            base64.b64decode(session["stream"]["base64"]) == library.song_path.read_bytes()[start : end + 1]
        )
        assert session["cover"] == {"status": 200, "type": "image/jpeg", "bytes": session["cover"]["bytes"]}
        assert "songLyrics" in session["extensions"]


# --- the wire itself ------------------------------------------------------------------------------


def test_xml_answers_and_errors_over_http(library):
    url = f"{library.server.url}/rest"
    ns = {"s": "http://subsonic.org/restapi"}

    def root(method: str, **params: str) -> ET.Element:
        response = httpx.get(f"{url}/{method}", params={**token_params(), **params})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        return ET.fromstring(response.content)

    assert root("ping.view").get("status") == "ok"
    assert root("getAlbumList2", type="newest").find("s:albumList2/s:album", ns).get("name") == "Palette"
    wrong = httpx.get(f"{url}/ping", params=token_params(password="nope"))
    assert ET.fromstring(wrong.content).find("s:error", ns).get("code") == "40"
    assert root("getSong").find("s:error", ns).get("code") == "10"
    assert root("getSong", id="424242").find("s:error", ns).get("code") == "70"
    assert root("noSuchThing").find("s:error", ns).get("code") == "0"
