"""Reading and checking Subsonic credentials (subsonic/auth.py), and their encryption (subsonic/crypto.py)."""

import hashlib

import pytest

from subsonic import auth, errors
from subsonic.crypto import PasswordUnreadable, decrypt_password, encrypt_password, reencrypt
from subsonic.errors import SubsonicError
from subsonic.params import Params


def read(**values: str) -> auth.Credentials:
    return auth.read_credentials(Params({key: [value] for key, value in values.items()}))


def code_of(**values: str) -> int:
    with pytest.raises(SubsonicError) as caught:
        read(**values)
    return caught.value.code


def test_the_spec_example_token_matches():
    # api-reference: password sesame, salt c19b2d.
    assert auth.token_for("sesame", "c19b2d") == "26719a1196d2a940705a59634eb18eab"
    credentials = read(u="joe", t="26719A1196D2A940705A59634EB18EAB", s="c19b2d")
    assert auth.password_matches("sesame", credentials)
    assert not auth.password_matches("sesame2", credentials)


def test_plain_and_hex_encoded_passwords():
    assert read(u="joe", p="sesame") == auth.PasswordAuth("joe", "sesame")
    assert read(u="joe", p="enc:736573616d65") == auth.PasswordAuth("joe", "sesame")
    korean = "별빛".encode().hex()
    assert read(u="joe", p=f"enc:{korean}").password == "별빛"


def test_an_api_key_alone():
    assert read(apiKey="byeol_abc") == auth.KeyAuth("byeol_abc")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({}, errors.MISSING_PARAMETER),
        ({"u": "joe"}, errors.MISSING_PARAMETER),
        ({"u": "joe", "t": "0" * 32}, errors.MISSING_PARAMETER),
        ({"u": "joe", "s": "salt"}, errors.MISSING_PARAMETER),
        ({"u": "joe", "p": "x", "t": "0" * 32, "s": "salt"}, errors.CONFLICTING_AUTH),
        ({"apiKey": "k", "u": "joe"}, errors.CONFLICTING_AUTH),
        ({"apiKey": "k", "p": "x"}, errors.CONFLICTING_AUTH),
        ({"apiKey": "k e y"}, errors.INVALID_API_KEY),
        ({"apiKey": "k" * 2049}, errors.INVALID_API_KEY),
        ({"u": "jo\x00e", "p": "x"}, errors.WRONG_CREDENTIALS),
        ({"u": "j" * 151, "p": "x"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "t": "not-hex-not-hex-not-hex-not-hex-", "s": "salt"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "t": "0" * 31, "s": "salt"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "t": "0" * 32, "s": "sa lt"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "t": "0" * 32, "s": "별"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "t": "0" * 32, "s": "s" * 257}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "p": "enc:zz"}, errors.WRONG_CREDENTIALS),
        ({"u": "joe", "p": "enc:ff"}, errors.WRONG_CREDENTIALS),
    ],
)
def test_malformed_or_conflicting_credentials_get_the_spec_codes(values, code):
    assert code_of(**values) == code


def test_api_keys_are_random_and_only_their_hash_is_kept():
    first, second = auth.new_api_key(), auth.new_api_key()
    assert first != second
    assert first.startswith("byeol_")
    assert len(first) < 2048
    assert auth.hash_api_key(first) == hashlib.sha256(first.encode()).hexdigest()


def test_passwords_decrypt_with_the_key_they_were_encrypted_under():
    stored = encrypt_password("별빛 password", secrets=["secret-one"])
    assert "별빛" not in stored
    assert decrypt_password(stored, secrets=["secret-one"]) == "별빛 password"


def test_a_rotated_secret_still_decrypts_from_the_fallbacks_and_reencrypts_under_the_new_one():
    stored = encrypt_password("pw", secrets=["old"])
    assert decrypt_password(stored, secrets=["new", "old"]) == "pw"
    rotated = reencrypt(stored, secrets=["new", "old"])
    assert decrypt_password(rotated, secrets=["new"]) == "pw"


def test_a_lost_secret_makes_the_password_unreadable():
    stored = encrypt_password("pw", secrets=["old"])
    with pytest.raises(PasswordUnreadable):
        decrypt_password(stored, secrets=["new"])
