"""The audio endpoint hands files to a front proxy (X-Sendfile, X-Accel-Redirect)."""

import pytest

from lyrics.models import Track


@pytest.mark.django_db(transaction=True)
async def test_sendfile_offload_hands_apache_the_real_path(async_client, settings, tmp_path):
    settings.AUDIO_ACCEL = "sendfile"
    path = tmp_path / "노래.mp3"
    path.write_bytes(b"x" * 10)
    track = await Track.objects.acreate(title="T", audio_path=str(path))
    response = await async_client.get(f"/tracks/{track.pk}/audio")
    assert response.status_code == 200
    # Sent as the path's raw UTF-8 bytes, as mod_xsendfile reads them.
    assert response["X-Sendfile"].encode("latin-1").decode("utf-8") == str(path)
    assert response.content == b""


@pytest.mark.django_db(transaction=True)
async def test_nginx_offload_is_refused_outside_its_root(async_client, settings, tmp_path):
    settings.AUDIO_ACCEL = "nginx"
    settings.AUDIO_ACCEL_ROOT = tmp_path / "music"
    path = tmp_path / "elsewhere.mp3"
    path.write_bytes(b"y" * 10)
    track = await Track.objects.acreate(title="T", audio_path=str(path))
    response = await async_client.get(f"/tracks/{track.pk}/audio")
    assert "X-Accel-Redirect" not in response
    assert b"".join([chunk async for chunk in response.streaming_content]) == b"y" * 10
