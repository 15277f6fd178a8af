"""/rest/: the envelope, authentication, errors and bounded input, through Django's test client."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command

from lyrics.models import Track
from lyrics.services import track_lyrics_set
from subsonic.accounts import account_password_set, api_key_create
from subsonic.models import ApiKey, SubsonicAccount
from subsonic.render import XML_NAMESPACE
from tests.support.subsonic_library import PASSWORD, token_params
from tests.support.subsonic_schemas import validate

pytestmark = pytest.mark.django_db
NS = {"s": XML_NAMESPACE}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for tests
    user = User.objects.create_user("alice", password="the-login-password")
    account_password_set(user, PASSWORD)
    return user


@pytest.fixture
def song() -> Track:
    track = Track(
        title="별빛 노래", artist="아이유", album="Palette", audio_path="/music/a.mp3", duration_ms=1500
    )
    track_lyrics_set(
        track=track, text="[00:01.00]밤하늘에 작은 별 하나\n[00:05.00]조용히", source="test", save=False
    )
    track.save()
    return track


def get_json(client, method: str, **params) -> dict:
    response = client.get(f"/rest/{method}", {"f": "json", **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return validate(method.removesuffix(".view"), response.json())


def error_code(client, method: str, **params) -> int:
    body = get_json(client, method, **params)
    assert body["status"] == "failed", body
    return body["error"]["code"]


def test_xml_is_the_default_and_parses_with_the_spec_namespace(client, alice):
    response = client.get("/rest/ping.view", token_params())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{XML_NAMESPACE}}}subsonic-response"
    assert root.get("status") == "ok"
    assert root.get("openSubsonic") == "true"
    assert root.get("type") == "byeol"


def test_xml_errors_parse_too(client, alice, song):
    root = ET.fromstring(client.get("/rest/getSong", {**token_params(), "id": "999"}).content)
    assert root.get("status") == "failed"
    assert root.find("s:error", NS).get("code") == "70"


def test_token_password_hex_and_api_key_all_authenticate(client, alice):
    assert get_json(client, "ping", **token_params())["status"] == "ok"
    assert get_json(client, "ping", u="alice", p=PASSWORD)["status"] == "ok"
    assert get_json(client, "ping", u="alice", p="enc:" + PASSWORD.encode().hex())["status"] == "ok"
    key = api_key_create(alice)
    assert get_json(client, "ping.view", apiKey=key)["status"] == "ok"


def test_a_form_post_is_the_same_call(client, alice, song):
    response = client.post(
        "/rest/getSong.view",
        "&".join(f"{k}={v}" for k, v in {**token_params(), "id": song.pk, "f": "json"}.items()),
        content_type="application/x-www-form-urlencoded",
    )
    assert validate("getSong", response.json())["song"]["title"] == "별빛 노래"


def test_a_wrong_password_is_40_and_the_login_password_is_not_the_subsonic_one(client, alice):
    assert error_code(client, "ping", **token_params(password="wrong")) == 40
    assert error_code(client, "ping", u="alice", p="the-login-password") == 40
    assert error_code(client, "ping", **token_params(username="nobody")) == 40


def test_api_key_errors_have_their_own_codes(client, alice):
    assert error_code(client, "ping", apiKey="byeol_not-a-key") == 44
    assert error_code(client, "ping", apiKey="byeol_x", u="alice") == 43
    assert error_code(client, "ping", u="alice", p="x", t="0" * 32, s="salt") == 43
    assert error_code(client, "ping") == 10


def test_extensions_need_no_authentication(client):
    body = get_json(client, "getOpenSubsonicExtensions")
    assert body["openSubsonicExtensions"] == [
        {"name": "songLyrics", "versions": [1, 2]},
        {"name": "apiKeyAuthentication", "versions": [1]},
        {"name": "formPost", "versions": [1]},
    ]


def test_missing_id_is_10_and_an_unknown_song_is_70(client, alice, song):
    assert error_code(client, "getSong", **token_params()) == 10
    assert error_code(client, "getSong", **token_params(), id="999999") == 70
    assert get_json(client, "getSong", **token_params(), id=str(song.pk))["song"]["id"] == str(song.pk)


def test_unknown_methods_and_paths_answer_in_the_envelope(client, alice):
    for path in ("/rest/noSuchMethod.view", "/rest/a/b/c", "/rest/%E2%98%83"):
        response = client.get(path, {**token_params(), "f": "json"})
        assert response.status_code == 200
        assert validate("ping", response.json())["error"]["code"] == 0


def test_a_newer_major_version_is_30(client, alice):
    assert error_code(client, "ping", **{**token_params(), "v": "2.0.0"}) == 30


BAD_INPUT = [
    ("ping", {"u": "al\x01ice"}, 40),
    ("ping", {"s": "salt with spaces"}, 40),
    ("ping", {"s": "소금"}, 40),
    ("ping", {"t": "<script>" * 4}, 40),
    ("ping", {"t": "f" * 33}, 40),
    ("ping", {"u": "a" * 5000}, 40),
    ("search3", {"query": "별" * 10_000}, 0),
    ("search3", {"query": "x", "songCount": "-1"}, 0),
    ("search3", {"query": "x", "songOffset": "-5"}, 0),
    ("search3", {"query": "x", "artistCount": "99999999999999999999"}, 0),
    ("search3", {"query": "x", "albumOffset": "1e3"}, 0),
    ("getAlbumList2", {"type": "newest", "size": "-1"}, 0),
    ("getAlbumList2", {"type": "newest", "offset": "-1"}, 0),
    ("getAlbumList2", {"type": "nonsense"}, 0),
    ("getAlbumList2", {"type": "byYear"}, 10),
    ("getAlbumList2", {"type": "byGenre"}, 10),
    ("getRandomSongs", {"size": "501"}, 0),
    ("getSong", {"id": "-1"}, 70),
    ("getSong", {"id": "al-0000000000000000"}, 70),
    ("getSong", {"id": "1 OR 1=1"}, 70),
    ("getSong", {"id": "9" * 40}, 70),
    ("getSong", {"id": "x" * 100}, 0),
    ("getAlbum", {"id": "1"}, 70),
    ("getAlbum", {"id": "al-ZZZ"}, 70),
    ("getArtist", {"id": "ar-../../etc"}, 70),
    ("getLyricsBySongId", {"id": "ar-0000000000000000"}, 70),
    ("getLyricsBySongId", {"id": "1", "enhanced": "perhaps"}, 0),
    ("getCoverArt", {"id": "../../etc/passwd"}, 70),
    ("getCoverArt", {"id": "1", "size": "-3"}, 0),
    ("stream", {"id": "not-a-song"}, 70),
    ("download", {}, 10),
    ("scrobble", {"id": "1", "time": "x" * 100}, 0),
    ("star", {"id": "abc"}, 70),
    ("star", {}, 10),
    ("getLyrics", {"artist": "a" * 300}, 0),
]


@pytest.mark.parametrize(("method", "params", "code"), BAD_INPUT)
def test_bad_input_is_a_subsonic_error_never_a_500(client, alice, song, method, params, code):
    response = client.get(f"/rest/{method}", {**token_params(), "f": "json", **params})
    assert response.status_code == 200
    body = validate(method, response.json())
    assert body["status"] == "failed"
    assert body["error"]["code"] == code


def test_too_many_fields_is_an_envelope_not_a_400(client, alice):
    query = "&".join(f"k{n}=v" for n in range(1500))
    response = client.get(f"/rest/ping?{query}&f=json")
    assert response.status_code == 200
    # The parameters could not be read, f=json among them: the default format answers.
    root = ET.fromstring(response.content)
    assert root.get("status") == "failed"
    assert root.find("s:error", NS).get("code") == "0"


def test_failed_logins_are_limited_per_client_address(client, alice, settings):
    settings.SUBSONIC_AUTH_FAILURES = 3
    for _ in range(3):
        assert error_code(client, "ping", **token_params(password="wrong")) == 40
    body = get_json(client, "ping", **token_params())
    assert body["status"] == "failed"
    assert "Too many" in body["error"]["message"]
    other = client.get("/rest/ping", {**token_params(), "f": "json"}, REMOTE_ADDR="10.9.9.9")
    assert other.json()["subsonic-response"]["status"] == "ok"


def test_subsonic_user_creates_the_user_and_keeps_the_password_encrypted(capsys):
    call_command("subsonic_user", "bora", "--password", "별빛-player-pass")
    account = SubsonicAccount.objects.get(user__username="bora")
    assert "별빛" not in account.password_encrypted
    assert PASSWORD not in account.password_encrypted
    assert not User.objects.get(username="bora").has_usable_password()
    call_command("subsonic_user", "bora", "--api-key")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("byeol_")
    stored = ApiKey.objects.get(user__username="bora")
    assert key not in stored.key_hash
    assert stored.prefix == key[:12]


def test_the_login_password_may_not_be_the_subsonic_password(alice):
    with pytest.raises(CommandError, match="login password"):
        call_command("subsonic_user", "alice", "--password", "the-login-password")


def test_reencrypt_after_rotating_the_secret_key(client, alice, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert get_json(client, "ping", **token_params())["status"] == "ok"
    call_command("subsonic_user", "--reencrypt")
    settings.SECRET_KEY_FALLBACKS = []
    assert get_json(client, "ping", **token_params())["status"] == "ok"
    settings.SECRET_KEY = old
    assert error_code(client, "ping", **token_params()) == 40


def test_staff_set_a_password_and_see_api_keys_in_the_admin(admin_client, alice, client):
    bora = User.objects.create_user("bora")
    response = admin_client.post(
        "/admin/subsonic/subsonicaccount/add/", {"user": bora.pk, "password": "bora-player-pass"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert "bora-player-pass" not in SubsonicAccount.objects.get(user=bora).password_encrypted
    assert get_json(client, "ping", **token_params("bora", "bora-player-pass"))["status"] == "ok"
    api_key_create(alice)
    listing = admin_client.get("/admin/subsonic/apikey/")
    assert listing.status_code == 200
    assert ApiKey.objects.get(user=alice).prefix in listing.content.decode()
