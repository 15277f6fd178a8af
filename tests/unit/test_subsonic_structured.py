"""Lyric lines as structuredLyrics v1 and v2 (subsonic/structured.py)."""

from subsonic.structured import LyricsSource, locate_cues, plain_text, structured_lyrics


def line(index, time_ms, text, **layers):
    return {"index": index, "time_ms": time_ms, "text": text, **layers}


def words(*items):
    return [{"time_ms": t, "end_ms": e, "text": w} for t, e, w in items]


def source(lines, **fields):
    defaults = {"title": "별빛", "artist": "Byeol", "language": "ko", "synced": True}
    return LyricsSource(lines=lines, **{**defaults, **fields})


def test_v1_is_one_main_entry_with_start_and_value():
    lyrics = structured_lyrics(source([line(0, 1000, "눈을 뜬 순간"), line(1, 2500, "")]), enhanced=False)
    assert lyrics == [
        {
            "displayArtist": "Byeol",
            "displayTitle": "별빛",
            "lang": "ko",
            "offset": 0,
            "synced": True,
            "line": [{"start": 1000, "value": "눈을 뜬 순간"}, {"start": 2500, "value": ""}],
        }
    ]


def test_unsynced_lines_have_no_start_and_unknown_language_is_und():
    lyrics = structured_lyrics(source([line(0, None, "plain")], synced=False, language=""), enhanced=True)
    assert lyrics[0]["line"] == [{"value": "plain"}]
    assert lyrics[0]["lang"] == "und"
    assert "cueLine" not in lyrics[0]


def test_no_lines_no_entries():
    assert structured_lyrics(source([]), enhanced=True) == []


def test_cue_byte_offsets_are_inclusive_utf8_positions_in_the_value():
    # The spec's own example: 눈을 뜬 순간.
    cues = locate_cues("눈을 뜬 순간", words((0, None, "눈을"), (1, None, "뜬"), (2, None, "순간")))
    assert [(c.value, c.byte_start, c.byte_end) for c in cues] == [
        ("눈을", 0, 5),
        ("뜬", 7, 9),
        ("순간", 11, 16),
    ]
    value = "눈을 뜬 순간".encode()
    for cue in cues:
        assert value[cue.byte_start : cue.byte_end + 1].decode() == cue.value


def test_repeated_words_are_found_in_order_and_unfound_words_are_skipped():
    cues = locate_cues(
        "love love me", words((0, None, "love"), (1, None, "nope"), (2, None, "love "), (3, None, "me"))
    )
    assert [(c.value, c.byte_start, c.byte_end) for c in cues] == [
        ("love", 0, 3),
        ("love ", 5, 9),
        ("me", 10, 11),
    ]


def test_v2_has_kinds_cues_translation_and_pronunciation():
    lines = [
        line(
            0,
            1000,
            "눈을 뜬",
            end_ms=3000,
            words=words((1000, 1500, "눈을"), (1600, None, "뜬")),
            translation="Eyes open",
            pronunciation="nuneul tteun",
        ),
        line(1, 3000, "모든 게", translation=None, pronunciation="modeun ge"),
    ]
    lyrics = structured_lyrics(
        source(lines, translation_language="en", pronunciation_script="ko-Latn"), enhanced=True
    )
    assert [entry["kind"] for entry in lyrics] == ["main", "translation", "pronunciation"]
    main, translation, pronunciation = lyrics
    assert main["cueLine"] == [
        {
            "index": 0,
            "start": 1000,
            "end": 3000,
            "value": "눈을 뜬",
            "cue": [
                {"start": 1000, "end": 1500, "value": "눈을", "byteStart": 0, "byteEnd": 5},
                # A missing end is filled from the line's end: all cues or none have one.
                {"start": 1600, "end": 3000, "value": "뜬", "byteStart": 7, "byteEnd": 9},
            ],
        }
    ]
    assert "agents" not in main
    assert translation["lang"] == "en"
    assert translation["line"] == [{"start": 1000, "value": "Eyes open"}]
    assert pronunciation["lang"] == "ko-Latn"
    assert [entry["value"] for entry in pronunciation["line"]] == ["nuneul tteun", "modeun ge"]


def test_cue_ends_never_overlap_the_next_cue_and_are_absent_when_unknown():
    lines = [line(0, 0, "a b", words=words((0, 900, "a"), (500, 800, "b")))]
    cues = structured_lyrics(source(lines), enhanced=True)[0]["cueLine"][0]["cue"]
    assert [(c["start"], c["end"]) for c in cues] == [(0, 500), (500, 800)]
    lines = [line(0, 0, "a b", words=words((0, None, "a"), (500, None, "b")))]
    cues = structured_lyrics(source(lines), enhanced=True)[0]["cueLine"][0]["cue"]
    assert all("end" not in cue for cue in cues)


def test_voices_and_background_vocals_become_agents_with_one_main():
    lines = [
        line(
            0, 0, "You and I", agent="v1", words=words((0, None, "You"), (400, None, "and"), (800, None, "I"))
        ),
        line(
            1,
            2000,
            "Under this sky",
            agent="v2",
            words=words((2000, None, "Under")),
            background={"text": "echo", "words": words((2500, None, "echo"))},
        ),
    ]
    agents = [{"id": "v1", "name": "Lead"}, {"id": "v2", "name": "Guest"}]
    main = structured_lyrics(source(lines, agents=agents), enhanced=True)[0]
    assert main["agents"] == [
        {"id": "v1", "role": "main", "name": "Lead"},
        {"id": "v2", "role": "voice", "name": "Guest"},
        {"id": "bg", "role": "bg"},
    ]
    assert [(c["index"], c["agentId"], c["value"]) for c in main["cueLine"]] == [
        (0, "v1", "You and I"),
        (1, "v2", "Under this sky"),
        (1, "bg", "echo"),
    ]


def test_background_alone_gets_a_main_agent_for_the_lead():
    lines = [
        line(
            0,
            0,
            "Hello",
            words=words((0, None, "Hello")),
            background={"text": "echo", "words": words((100, None, "echo"))},
        )
    ]
    main = structured_lyrics(source(lines), enhanced=True)[0]
    assert [a["role"] for a in main["agents"]] == ["main", "bg"]
    assert [c["agentId"] for c in main["cueLine"]] == ["main", "bg"]


def test_plain_text_joins_the_lines():
    assert plain_text([line(0, 0, "a"), line(1, 1, "b")]) == "a\nb"
