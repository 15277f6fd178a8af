"""A station clock's schedule, as pure functions."""

from lyrics.streams import line_at
from stations.schedule import TAIL_MS, Step, next_step, track_length_ms

LINES = [
    {"index": 0, "time_ms": 1000, "text": "a"},
    {"index": 1, "time_ms": 2000, "text": ""},
    {"index": 2, "time_ms": 4000, "text": "c"},
]


def test_the_next_line_follows_the_last_one_sent():
    assert next_step(LINES, 6000, -1) == Step("line", 1000, 0)
    assert next_step(LINES, 6000, 1) == Step("line", 4000, 2)


def test_after_the_last_line_the_track_ends_at_its_duration():
    assert next_step(LINES, 6000, 2) == Step("advance", 6000)


def test_without_a_duration_the_track_ends_a_while_after_its_last_line():
    assert track_length_ms(LINES, None) == 4000 + TAIL_MS
    assert track_length_ms([], None) == TAIL_MS


def test_unsynced_lyrics_are_not_paced():
    plain = [{"index": 0, "time_ms": None, "text": "words"}]
    assert next_step(plain, 3000, -1) == Step("advance", 3000)


def test_the_current_line_is_the_last_one_due():
    assert line_at(LINES, 500) == -1
    assert line_at(LINES, 1000) == 0
    assert line_at(LINES, 3999) == 1
    assert line_at(LINES, 99999) == 2
