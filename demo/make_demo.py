#!/usr/bin/env python3
"""Make the bundled demo library in demo/library/ (lyrics of our own writing).

Each synced line is spoken by Debian's espeak-ng (Korean voice ``ko``, English
voice ``en``) and placed at its LRC timestamp over a quiet synthesised pad, so
what you hear matches what the player highlights. ffmpeg encodes the MP3.

    apt-get install -y espeak-ng ffmpeg
    python3 demo/make_demo.py

The result is committed; run this only to change the demo.
"""

from __future__ import annotations

import array
import math
import re
import subprocess
import tempfile
import wave
from pathlib import Path

LIBRARY = Path(__file__).resolve().parent / "library"
RATE = 22050

SONG_STEM = "Byeol Demo - 별빛 노래"
SONG_TAGS = {"title": "별빛 노래 (Starlight Song)", "artist": "Byeol Demo", "album": "Byeol Demo Library"}
SONG_LRC = """\
[ti:별빛 노래 (Starlight Song)]
[ar:Byeol Demo]
[al:Byeol Demo Library]
[la:ko]
[length:00:48]
[00:01.00]밤하늘에 작은 별 하나
[00:05.00]A small star in the night sky
[00:09.00]조용히 나를 비추네
[00:13.00]Quietly shining down on me
[00:17.00]
[00:21.00]바람이 불어와도
[00:25.00]Even when the wind is blowing
[00:29.00]<00:29.00>우리 <00:29.70>노래는 <00:30.60>계속돼
[00:33.00]Our song goes on and on
[00:37.00]별빛 아래 함께 걸어요
[00:41.00]Let us walk under the starlight
[00:45.00]
"""
SONG_LENGTH_S = 48

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


def speak(text: str, voice: str, workdir: Path) -> array.array:
    out = workdir / "line.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(out), text], check=True)
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


def render_song(workdir: Path) -> Path:
    mix = pad(SONG_LENGTH_S)
    for match in re.finditer(r"^\[(\d+):(\d+)\.(\d+)\](.*)$", SONG_LRC, re.MULTILINE):
        minutes, seconds, hundredths, text = match.groups()
        text = re.sub(r"<[^>]*>", "", text).strip()
        if not text:
            continue
        start = int((int(minutes) * 60 + int(seconds) + int(hundredths) / 100) * RATE)
        voice = "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"
        for i, sample in enumerate(speak(text, voice, workdir)):
            if start + i < len(mix):
                mix[start + i] += sample * 0.8
    pcm = array.array("h", (max(-32768, min(32767, int(v))) for v in mix))
    wav_path = workdir / "song.wav"
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())
    return wav_path


def main() -> None:
    LIBRARY.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav_path = render_song(Path(tmp))
        mp3 = LIBRARY / f"{SONG_STEM}.mp3"
        metadata = [arg for key, value in SONG_TAGS.items() for arg in ("-metadata", f"{key}={value}")]
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(wav_path),
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
            ],
            check=True,
        )
    (LIBRARY / f"{SONG_STEM}.lrc").write_text(SONG_LRC, encoding="utf-8")
    (LIBRARY / f"{PLAIN_STEM}.txt").write_text(PLAIN_TEXT, encoding="utf-8")
    print(f"wrote {LIBRARY}")


if __name__ == "__main__":
    main()
