"""LRCLIB's name normalisation."""

import pytest

from lyrics.lrclib import normalise_name


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Café  Déjà-Vu!", "cafe deja vu"),
        ("별빛 노래 (Starlight Song)", "별빛 노래 starlight song"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("  Don't Stop  ", "don t stop"),
    ],
)
def test_names_are_compared_after_lrclib_normalisation(raw, normal):
    assert normalise_name(raw) == normal
