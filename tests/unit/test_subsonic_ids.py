"""Stable ids, bounded parameters and index letters (subsonic/ids.py, params.py, indexes.py)."""

import pytest

from subsonic import errors, ids
from subsonic.errors import SubsonicError
from subsonic.indexes import index_letter, sort_key
from subsonic.params import Params


def test_artist_and_album_ids_are_stable_and_ignore_spelling_variants():
    assert ids.artist_id("BTS") == ids.artist_id(" bts ") == ids.artist_id("ＢＴＳ")
    assert ids.artist_id("BTS") == "ar-" + ids.artist_id("BTS")[3:]
    assert ids.is_artist_id(ids.artist_id("아이유"))
    assert ids.album_id("IU", "Palette") == ids.album_id("iu", "palette")
    assert ids.album_id("IU", "Palette") != ids.album_id("IU", "Lilac")
    assert ids.album_id("A", "B C") != ids.album_id("A B", "C")
    assert ids.is_album_id(ids.album_id("IU", "Palette"))


@pytest.mark.parametrize("value", ["0", "-1", "01", "1.5", "1e3", "", "１", "9" * 19, "al-x", " 1"])
def test_song_ids_of_the_wrong_shape_are_none(value):
    assert ids.parse_song_id(value) is None


def test_song_ids_are_track_pks():
    assert ids.parse_song_id(ids.song_id(42)) == 42


def params(**values: str) -> Params:
    return Params({key: [value] for key, value in values.items()})


def test_integers_are_bounded_before_they_are_parsed():
    assert params(size="20").integer("size", maximum=500) == 20
    assert params().integer("size", default=10, maximum=500) == 10
    for bad in ("-1", "501", "abc", "1" * 20, "١٢"):
        with pytest.raises(SubsonicError) as caught:
            params(size=bad).integer("size", maximum=500)
        assert caught.value.code == errors.GENERIC
        assert "size" in caught.value.message


def test_text_longer_than_its_limit_is_refused_not_cut():
    with pytest.raises(SubsonicError) as caught:
        params(query="x" * 10_000).text("query", max_chars=200)
    assert caught.value.code == errors.GENERIC


def test_a_missing_required_parameter_is_code_10():
    with pytest.raises(SubsonicError) as caught:
        params().required("id")
    assert caught.value.code == errors.MISSING_PARAMETER


def test_flags_read_what_clients_send():
    assert params(enhanced="true").flag("enhanced")
    assert params(enhanced="True").flag("enhanced")  # py-sonic sends Python's spelling
    assert not params(enhanced="false").flag("enhanced")
    assert not params().flag("enhanced")
    with pytest.raises(SubsonicError):
        params(enhanced="maybe").flag("enhanced")


@pytest.mark.parametrize(
    ("name", "letter"),
    [
        ("The Beatles", "B"),
        ("Édith Piaf", "E"),
        ("아이유", "ㅇ"),
        ("방탄소년단", "ㅂ"),
        ("あいみょん", "あ"),
        ("2NE1", "#"),
        ("", "#"),
        ("The", "T"),
    ],
)
def test_index_letters(name, letter):
    assert index_letter(name) == letter


def test_sorting_ignores_articles_and_case():
    assert sorted(["the Zombies", "abba", "The Beatles"], key=sort_key) == [
        "abba",
        "The Beatles",
        "the Zombies",
    ]
