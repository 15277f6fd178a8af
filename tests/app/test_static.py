"""Static files like a real site: hashed names cached for good, compressed variants, the usual headers."""

from django.templatetags.static import static

from tests.support.asgi import request


async def test_hashed_names_are_immutable_and_compressed_on_request():
    url = static("lyrics/player.js")
    assert url != "/static/lyrics/player.js", "pages link the hashed name"
    plain = await request(url)
    assert plain.status == 200
    cache = plain.headers["cache-control"]
    assert "max-age=315360000" in cache
    assert "immutable" in cache
    assert plain.headers["content-type"].startswith("text/javascript")
    assert "content-security-policy" in plain.headers
    brotli = await request(url, headers={"accept-encoding": "br, gzip"})
    assert brotli.headers["content-encoding"] == "br"
    assert len(brotli.body) < len(plain.body)
    gzip = await request(url, headers={"accept-encoding": "gzip"})
    assert gzip.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in gzip.headers["vary"].lower()


async def test_unhashed_names_are_cached_briefly_and_unknown_files_are_404():
    plain = await request("/static/lyrics/player.js")
    assert plain.headers["cache-control"] == "max-age=3600, public"
    missing = await request("/static/lyrics/nothing.js")
    assert missing.status == 404
