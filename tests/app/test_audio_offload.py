"""The audio endpoint hands files to a front proxy (X-Sendfile, X-Accel-Redirect)."""

import pytest

from lyrics.models import Track
from tests.support.asgi import request

pytestmark = pytest.mark.django_db(transaction=True)


async def test_sendfile_offload_hands_apache_the_real_path(settings, tmp_path):
    settings.AUDIO_ACCEL = "sendfile"
    settings.AUDIO_ROOTS = [str(tmp_path)]
    path = tmp_path / "노래.mp3"
    path.write_bytes(b"x" * 10)
    track = await Track.objects.acreate(title="T", audio_path=str(path))
    answer = await request(f"/tracks/{track.pk}/audio")
    assert answer.status == 200
    # Sent as the path's raw UTF-8 bytes, as mod_xsendfile reads them.
    assert answer.headers["x-sendfile"].encode("latin-1").decode("utf-8") == str(path)
    assert answer.body == b""


async def test_nginx_offload_is_refused_outside_its_root(settings, tmp_path):
    settings.AUDIO_ACCEL = "nginx"
    settings.AUDIO_ACCEL_ROOT = tmp_path / "music"
    settings.AUDIO_ROOTS = [str(tmp_path)]
    path = tmp_path / "elsewhere.mp3"
    path.write_bytes(b"y" * 10)
    track = await Track.objects.acreate(title="T", audio_path=str(path))
    answer = await request(f"/tracks/{track.pk}/audio")
    assert "x-accel-redirect" not in answer.headers
    assert answer.body == b"y" * 10
