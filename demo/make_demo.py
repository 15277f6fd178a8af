#!/usr/bin/env python3
"""Make the bundled demo library in demo/library/ (lyrics of our own writing).

Each song's lyrics are spoken by Debian's espeak-ng at their timestamps over a
quiet synthesised pad, so what you hear matches what the player highlights;
ffmpeg encodes a small mono MP3.

- 별빛 노래: synced LRC, Korean lines (voice ``ko``) and their English (``en``).
- 둘이서 (Duet): a TTML sidecar in the Apple Music shape: two voices (``ko`` at
  pitch 30 and 70), each word spoken at its word time, background vocals, and
  English translations in the head.
- 君と歩いた道: synced LRC in Japanese (voice ``ja``), kanji that need a real
  reading. espeak-ng reads kana only, so each line is spoken from its kana.
- Morning Window: plain text, no audio.

    apt-get install -y espeak-ng ffmpeg
    python3 demo/make_demo.py             # every song
    python3 demo/make_demo.py duet japanese

The result is committed; run this only to change the demo.
"""

from __future__ import annotations

import array
import math
import re
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

LIBRARY = Path(__file__).resolve().parent / "library"
RATE = 22050
ALBUM = "Byeol Demo Library"


@dataclass
class Cue:
    """Something spoken: `text` at `start_s`, in an espeak-ng voice and pitch, mixed at `gain`."""

    start_s: float
    text: str
    voice: str
    pitch: int | None = None  # espeak-ng's default, 50, when None
    gain: float = 0.8


@dataclass
class Song:
    stem: str
    title: str
    length_s: int
    sidecar_suffix: str
    sidecar: str
    cues: list[Cue] = field(default_factory=list)


# --- 별빛 노래: Korean and English, synced LRC -----------------------------------------

# (seconds, Korean line, its English translation): the audio speaks the Korean at
# its time and the translation four seconds later; the LRC carries the
# translation in the dual-language convention (the same stamp, the next line).
STARLIGHT_LINES = [
    (1, "밤하늘에 작은 별 하나", "A small star in the night sky"),
    (9, "조용히 나를 비추네", "Quietly shining down on me"),
    (17, "", ""),
    (21, "바람이 불어와도", "Even when the wind is blowing"),
    (29, "<00:29.00>우리 <00:29.70>노래는 <00:30.60>계속돼", "Our song goes on and on"),
    (37, "별빛 아래 함께 걸어요", "Let us walk under the starlight"),
    (45, "", ""),
]
STARLIGHT_HEAD = """\
[ti:별빛 노래 (Starlight Song)]
[ar:Byeol Demo]
[al:Byeol Demo Library]
[la:ko]
[tl:en]
[length:00:48]
"""


def starlight_song() -> Song:
    lrc, cues = [STARLIGHT_HEAD.rstrip("\n")], []
    for seconds, korean, english in STARLIGHT_LINES:
        stamp = f"[00:{seconds:02d}.00]"
        lrc.append(stamp + korean)
        if english:
            lrc.append(stamp + english)
            cues.append(Cue(float(seconds), re.sub(r"<[^>]*>", "", korean).strip(), "ko"))
            cues.append(Cue(float(seconds + 4), english, "en"))
    sidecar = "\n".join(lrc) + "\n"
    return Song("Byeol Demo - 별빛 노래", "별빛 노래 (Starlight Song)", 48, ".lrc", sidecar, cues)


# --- 둘이서 (Duet): two voices, word timings, background vocals, TTML --------------------

DUET_VOICES = {"v1": ("하늘", 30), "v2": ("바다", 70)}  # agent: (name, espeak-ng pitch)
DUET_LINES = [
    # (agent, words, background vocals or "", English translation)
    ("v1", "둘이서 걷는 밤길", "", "The night road we walk, the two of us"),
    ("v2", "작은 손을 잡아요", "잡아요", "I hold your small hand"),
    ("v1", "가로등 불빛 아래", "", "Beneath the glow of the streetlights"),
    ("v2", "우리 그림자 둘", "둘이서", "Our two shadows"),
    ("v1", "바람이 차가워도", "", "Even when the wind is cold"),
    ("v2", "마음은 따뜻해요", "따뜻해요", "Our hearts stay warm"),
    ("v1", "꽃잎이 떨어지면", "", "When the petals fall"),
    ("v2", "같이 주워 담아요", "같이", "We gather them up together"),
    ("v1", "둘이서 부르는 노래", "노래", "The song the two of us sing"),
]
DUET_FIRST_S = 1.0
DUET_LINE_S = 4.4  # from one line's start to the next
DUET_WORD_S = 1.1  # espeak-ng says a Korean word in about a second at 150 words a minute


def duet_song() -> Song:
    names = "\n".join(
        f'      <ttm:agent type="person" xml:id="{agent}"><ttm:name type="full">{name}</ttm:name></ttm:agent>'
        for agent, (name, _) in DUET_VOICES.items()
    )
    paragraphs, translations, cues = [], [], []
    for number, (agent, words, background, english) in enumerate(DUET_LINES, start=1):
        begin = DUET_FIRST_S + (number - 1) * DUET_LINE_S
        main, end = _timed_spans(words.split(), begin, agent, cues)
        if background:
            other = "v2" if agent == "v1" else "v1"  # the other voice answers, softly
            spans, end = _timed_spans(background.split(), end + 0.05, other, cues, gain=0.45, bracket=True)
            main += f' <span ttm:role="x-bg">{spans}</span>'
        key = f"L{number}"
        paragraphs.append(
            f'      <p begin="{_clock(begin)}" end="{_clock(end)}" ttm:agent="{agent}" itunes:key="{key}">'
            f"{main}</p>"
        )
        translations.append(f'            <text for="{key}">{escape(english)}</text>')
    last_end = DUET_FIRST_S + len(DUET_LINES) * DUET_LINE_S
    ttml = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata" \
xmlns:itunes="http://music.apple.com/lyric-ttml-internal" xml:lang="ko" itunes:timing="Word">
  <head>
    <metadata>
{names}
      <iTunesMetadata xmlns="http://music.apple.com/lyric-ttml-internal">
        <translations>
          <translation type="subtitle" xml:lang="en">
{chr(10).join(translations)}
          </translation>
        </translations>
      </iTunesMetadata>
    </metadata>
  </head>
  <body dur="{_clock(math.ceil(last_end))}">
    <div begin="{_clock(DUET_FIRST_S)}" end="{_clock(last_end)}">
{chr(10).join(paragraphs)}
    </div>
  </body>
</tt>
"""
    return Song("Byeol Demo - 둘이서 (Duet)", "둘이서 (Duet)", math.ceil(last_end), ".ttml", ttml, cues)


def _timed_spans(
    words: list[str], begin: float, agent: str, cues: list[Cue], *, gain: float = 0.8, bracket: bool = False
) -> tuple[str, float]:
    """Word `<span>`s from `begin`, one every DUET_WORD_S, each also a cue; returns them and their end."""
    spans = []
    for i, word in enumerate(words):
        start = begin + i * DUET_WORD_S
        end = start + DUET_WORD_S - 0.05
        shown = f"({word}" if bracket and i == 0 else word  # background vocals, in parentheses
        shown = f"{shown})" if bracket and i == len(words) - 1 else shown
        spans.append(f'<span begin="{_clock(start)}" end="{_clock(end)}">{escape(shown)}</span>')
        cues.append(Cue(start, word, "ko", DUET_VOICES[agent][1], gain))
    return " ".join(spans), begin + len(words) * DUET_WORD_S - 0.05


def _clock(seconds: float) -> str:
    """TTML clock time, hh:mm:ss.fff."""
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


# --- 君と歩いた道: Japanese, synced LRC ------------------------------------------------

JAPANESE_LINES = [
    # (start, line, its reading in kana for espeak-ng)
    (1.0, "君と歩いた道", "きみとあるいたみち"),
    (5.0, "夕焼けの空を見上げて", "ゆうやけのそらをみあげて"),
    (9.5, "小さな約束を思い出す", "ちいさなやくそくをおもいだす"),
    (14.0, "", ""),
    (16.0, "春の風が吹く頃", "はるのかぜがふくころ"),
    (20.0, "また会えると信じて", "またあえるとしんじて"),
    (24.5, "光の中へ歩いていこう", "ひかりのなかへあるいていこう"),
    (29.0, "", ""),
]


def japanese_song() -> Song:
    title = "君と歩いた道 (The Road I Walked with You)"
    header = f"[ti:{title}]\n[ar:Byeol Demo]\n[al:{ALBUM}]\n[la:ja]\n[length:00:31]\n"
    body = "".join(
        f"[{int(start // 60):02d}:{start % 60:05.2f}]{text}\n" for start, text, _ in JAPANESE_LINES
    )
    cues = [Cue(start, kana, "ja") for start, _, kana in JAPANESE_LINES if kana]
    return Song("Byeol Demo - 君と歩いた道", title, 31, ".lrc", header + body, cues)


# --- Morning Window: plain text -------------------------------------------------------

PLAIN_STEM = "Byeol Demo - Morning Window"
PLAIN_TEXT = """\
[ti:Morning Window]
Morning light on the window sill,
coffee warm and the street still quiet,
I hum a tune I do not know yet
and the day begins to write it.

창문 너머 아침 햇살,
아직 조용한 거리 위로
모르는 노래를 흥얼거리면
하루가 그 노래를 써 내려가요.
"""


# --- sound ----------------------------------------------------------------------------


def speak(cue: Cue, workdir: Path) -> array.array:
    out = workdir / "cue.wav"
    pitch = ["-p", str(cue.pitch)] if cue.pitch is not None else []
    subprocess.run(["espeak-ng", "-v", cue.voice, *pitch, "-s", "150", "-w", str(out), cue.text], check=True)
    with wave.open(str(out)) as wav:
        frames = wav.readframes(wav.getnframes())
        source_rate = wav.getframerate()
    samples = array.array("h", frames)
    if source_rate != RATE:  # espeak-ng speaks at 22050 Hz; resample crudely otherwise
        step = source_rate / RATE
        samples = array.array("h", (samples[int(i * step)] for i in range(int(len(samples) / step))))
    return samples


def pad(length_s: int) -> list[float]:
    """A soft A-minor pad so the instrumental gaps are heard as music."""
    notes = (220.0, 261.63, 329.63)
    out = []
    for n in range(length_s * RATE):
        t = n / RATE
        swell = 0.5 + 0.5 * math.sin(2 * math.pi * t / 8)
        out.append(sum(math.sin(2 * math.pi * f * t) for f in notes) * 900 * swell)
    return out


def render(song: Song, workdir: Path) -> Path:
    mix = pad(song.length_s)
    for cue in song.cues:
        start = int(cue.start_s * RATE)
        for i, sample in enumerate(speak(cue, workdir)):
            if start + i < len(mix):
                mix[start + i] += sample * cue.gain
    pcm = array.array("h", (max(-32768, min(32767, int(v))) for v in mix))
    wav_path = workdir / "song.wav"
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())
    return wav_path


def encode_mp3(wav_path: Path, mp3: Path, title: str) -> None:
    tags = {"title": title, "artist": "Byeol Demo", "album": ALBUM}
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    subprocess.run(
        [
            *("ffmpeg", "-y", "-loglevel", "error", "-i", str(wav_path)),
            *(
                "-codec:a",
                "libmp3lame",
                "-b:a",
                "64k",
                "-ac",
                "1",
                *metadata,
                "-id3v2_version",
                "3",
                str(mp3),
            ),
        ],
        check=True,
    )


SONGS = {"starlight": starlight_song, "duet": duet_song, "japanese": japanese_song}


def main(names: list[str]) -> None:
    unknown = set(names) - set(SONGS)
    if unknown:
        sys.exit(f"unknown song {', '.join(sorted(unknown))}; choose from {', '.join(SONGS)}")
    LIBRARY.mkdir(parents=True, exist_ok=True)
    for name in names or list(SONGS):
        song = SONGS[name]()
        with tempfile.TemporaryDirectory() as tmp:
            encode_mp3(render(song, Path(tmp)), LIBRARY / f"{song.stem}.mp3", song.title)
        (LIBRARY / f"{song.stem}{song.sidecar_suffix}").write_text(song.sidecar, encoding="utf-8")
        print(f"wrote {song.stem}.mp3 and {song.sidecar_suffix}")
    if not names:
        (LIBRARY / f"{PLAIN_STEM}.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    print(f"in {LIBRARY}")


if __name__ == "__main__":
    main(sys.argv[1:])
