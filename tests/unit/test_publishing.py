"""LRCLIB's publishing rules: the challenge, the token, what a publish stores."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lyrics.publishing import (
    INSTRUMENTAL,
    LRCLIB_TARGET,
    check_target,
    make_challenge,
    parse_token,
    published_text,
    solve,
    verify_answer,
)

EASY = "0FFF" + "F" * 60


def test_the_default_target_is_lrclibs_own():
    assert LRCLIB_TARGET == "000000FF00000000000000000000000000000000000000000000000000000000"


def test_a_challenge_has_32_letters_and_digits_and_the_target():
    challenge = make_challenge(LRCLIB_TARGET)
    assert len(challenge.prefix) == 32
    assert challenge.prefix.isascii()
    assert challenge.prefix.isalnum()
    assert challenge.target == LRCLIB_TARGET
    assert make_challenge(LRCLIB_TARGET).prefix != challenge.prefix


def test_targets_are_64_hex_digits_written_upper_case():
    assert check_target("00ff" + "0" * 60) == "00FF" + "0" * 60
    for bad in ("", "00ff", "0" * 63, "g" * 64, "0" * 65):
        with pytest.raises(ValueError, match="64 hex digits"):
            check_target(bad)


def test_a_solved_challenge_verifies_and_a_wrong_nonce_does_not():
    challenge = make_challenge(EASY)
    nonce = solve(challenge.prefix, challenge.target)
    assert verify_answer(challenge.prefix, nonce, challenge.target)
    wrong = next(str(n) for n in range(10_000) if not verify_answer(challenge.prefix, str(n), EASY))
    assert not verify_answer(challenge.prefix, wrong, EASY)


def test_the_hash_is_compared_as_bytes_and_may_equal_the_target():
    prefix, nonce = "A" * 32, "7"
    digest = hashlib.sha256(f"{prefix}{nonce}".encode()).hexdigest()
    assert verify_answer(prefix, nonce, digest)  # equal is enough (LRCLIB: ≤)
    below = f"{int(digest, 16) - 1:064x}"
    assert not verify_answer(prefix, nonce, below)
    assert not verify_answer(prefix, nonce, "zz" * 32)
    assert not verify_answer(prefix, nonce, "00" * 31)


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
@settings(max_examples=200)
def test_byte_order_is_numeric_order(a, b):
    assert (a <= b) == (int.from_bytes(a, "big") <= int.from_bytes(b, "big"))


def test_lrcup_solves_our_challenge():
    from lrcup.challenge import solve as lrcup_solve

    challenge = make_challenge("00FF" + "F" * 60)
    nonce = lrcup_solve(challenge.prefix, challenge.target)
    assert verify_answer(challenge.prefix, str(nonce), challenge.target)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a:b:c",
        "short:1",
        "A" * 32 + ":",
        "A" * 31 + "!:1",
        "A" * 32 + ":" + "9" * 65,
        "Ä" * 32 + ":1",
    ],
)
def test_malformed_tokens_are_refused_before_any_hashing(token):
    assert parse_token(token) is None


def test_a_token_is_prefix_colon_nonce():
    assert parse_token("A" * 32 + ":12345") == ("A" * 32, "12345")


def test_synced_lyrics_win_and_plain_ones_stand_alone():
    assert published_text("a\nb", "[00:01.00]a\n[00:02.00]b") == "[00:01.00]a\n[00:02.00]b"
    assert published_text("a\nb", "") == "a\nb"
    assert published_text("a\nb", None) == "a\nb"


@pytest.mark.parametrize(
    ("plain", "synced"),
    [(None, None), ("", ""), ("  \n", " "), ("words", "[au: instrumental]"), ("", "[au:instrumental]\n")],
)
def test_no_lyrics_or_the_instrumental_tag_mark_an_instrumental(plain, synced):
    assert published_text(plain, synced) == INSTRUMENTAL
