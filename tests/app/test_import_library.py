"""import_library over a generated folder of every format and lyric source."""

import io
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from mutagen.flac import FLAC
from mutagen.id3 import ID3, SYLT, TALB, TIT2, TPE1, USLT, Encoding
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from lyrics.models import Track
from tests.support.media import make_audio

pytestmark = pytest.mark.django_db

CODECS = {
    ".mp3": ["-c:a", "libmp3lame"],
    ".ogg": ["-c:a", "libvorbis"],
    ".opus": ["-c:a", "libopus"],
    ".flac": ["-c:a", "flac"],
    ".m4a": ["-c:a", "aac"],
    ".wav": [],
}
LRC = "[00:01.00]별빛 노래\n[00:02.00]second line\n"


@pytest.fixture(scope="session")
def tones(tmp_path_factory) -> dict[str, Path]:
    """One tiny tone per format, made once with ffmpeg."""
    folder = tmp_path_factory.mktemp("tones")
    made = {}
    for suffix, codec in CODECS.items():
        made[suffix] = make_audio(folder / f"tone{suffix}", codec=tuple(codec))
    return made


def copy(tones, suffix: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(tones[suffix], dest)
    return dest


def id3(path: Path, *frames) -> None:
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path)


@pytest.fixture
def library(tmp_path, tones) -> Path:
    root = tmp_path / "Music"
    a = root / "Artist A"
    # MP3: ID3 tags with USLT, SYLT, LRC text in USLT, Latin-1 mojibake, and a sidecar that wins.
    id3(
        copy(tones, ".mp3", a / "01 uslt.mp3"),
        TIT2(encoding=Encoding.UTF8, text="USLT song"),
        TPE1(encoding=Encoding.UTF8, text="Artist A"),
        TALB(encoding=Encoding.UTF8, text="Album A"),
        USLT(encoding=Encoding.UTF8, lang="kor", desc="", text="평범한 가사\n두 번째 줄"),
    )
    id3(
        copy(tones, ".mp3", a / "02 sylt.mp3"),
        TIT2(encoding=Encoding.UTF8, text="SYLT song"),
        SYLT(encoding=Encoding.UTF8, lang="kor", format=2, type=1, text=[("첫째", 1000), ("둘째", 2500)]),
    )
    id3(
        copy(tones, ".mp3", a / "03 lrc in uslt.mp3"),
        TIT2(encoding=Encoding.UTF8, text="LRC in USLT"),
        USLT(encoding=Encoding.UTF8, lang="eng", desc="", text=LRC),
    )
    id3(
        copy(tones, ".mp3", a / "04 mojibake.mp3"),
        TIT2(encoding=Encoding.LATIN1, text="별빛".encode().decode("latin-1")),
    )
    id3(
        copy(tones, ".mp3", a / "05 sidecar wins.mp3"),
        TIT2(encoding=Encoding.UTF8, text="Sidecar wins"),
        USLT(encoding=Encoding.UTF8, lang="eng", desc="", text="embedded words"),
    )
    (a / "05 sidecar wins.lrc").write_text(LRC, encoding="utf-8")
    # Ogg Vorbis comments: LYRICS, UNSYNCEDLYRICS with LRC inside, SYNCEDLYRICS.
    for name, key, text in [
        ("06 lyrics", "LYRICS", "vorbis plain"),
        ("07 unsynced lrc", "UNSYNCEDLYRICS", LRC),
        ("08 synced", "SYNCEDLYRICS", LRC),
    ]:
        tags = OggVorbis(copy(tones, ".ogg", root / "Vorbis" / f"{name}.ogg"))
        tags["title"], tags[key] = name, text
        tags.save()
    opus = OggOpus(copy(tones, ".opus", root / "Opus" / "09 opus.opus"))
    opus["title"], opus["artist"], opus["LYRICS"] = "Opus song", "오푸스", "opus words"
    opus.save()
    flac = FLAC(copy(tones, ".flac", root / "Flac" / "10 flac.flac"))
    flac["title"], flac["album"], flac["SYNCEDLYRICS"] = "Flac song", "Lossless", LRC
    flac.save()
    mp4 = MP4(copy(tones, ".m4a", root / "M4A" / "11 m4a.m4a"))
    mp4["\xa9nam"], mp4["\xa9ART"], mp4["\xa9lyr"] = ["M4A song"], ["Apple"], [LRC]
    mp4.save()
    # WAV with sidecars in legacy encodings; NFD Hangul file names.
    side = root / "Sidecars"
    copy(tones, ".wav", side / "12 cp949.wav")
    (side / "12 cp949.lrc").write_bytes("[00:01.00]안녕하세요 별빛\n".encode("cp949"))
    copy(tones, ".wav", side / "13 sjis.wav")
    (side / "13 sjis.txt").write_bytes("こんにちは、星の歌\n".encode("shift_jis"))
    copy(tones, ".mp3", side / "14 utf16.mp3")
    (side / "14 utf16.lrc").write_bytes("\ufeff[00:01.00]UTF-16 line\n".encode("utf-16-le"))
    nfd = unicodedata.normalize("NFD", "가수 - 노래")
    copy(tones, ".ogg", side / f"{nfd}.ogg")
    (side / f"{nfd}.lrc").write_text(unicodedata.normalize("NFD", "[00:01.00]정규화\n"), encoding="utf-8")
    # Lyric-only files, plain and synced, in a few encodings.
    only = root / "Lyrics only"
    only.mkdir()
    for i in range(10):
        (only / f"Poet - Poem {i}.txt").write_text(f"poem {i}\nsecond line", encoding="utf-8")
    (only / "Singer - Synced.lrc").write_text("[ti:Synced title]\n[ar:Singer]\n" + LRC, encoding="utf-8")
    (only / "Big5 - 歌.lrc").write_bytes("[00:01.00]繁體中文歌詞\n".encode("big5"))
    (only / "GBK - 歌.lrc").write_bytes("[00:01.00]简体中文歌词\n".encode("gbk"))
    # Broken files: reported, skipped.
    (root / "Broken").mkdir()
    (root / "Broken" / "corrupt.mp3").write_bytes(b"not audio at all" * 100)
    (root / "Broken" / "junk.lrc").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe" * 50)
    (root / ".hidden.lrc").write_text("[00:01.00]hidden", encoding="utf-8")
    return root


def run(folder: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_library", str(folder), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def by_title() -> dict[str, Track]:
    return {track.title: track for track in Track.objects.all()}


def test_every_format_and_lyric_source_is_imported(library):
    files = [p for p in library.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) >= 30
    out, err = run(library)
    assert Track.objects.count() == 28  # 15 audio + 13 lyric-only files; the 2 broken ones skipped
    tracks = by_title()
    assert tracks["USLT song"].lines[0]["text"] == "평범한 가사"
    assert (tracks["USLT song"].artist, tracks["USLT song"].album) == ("Artist A", "Album A")
    assert tracks["USLT song"].lyrics_source == "embedded USLT"
    assert [(line["time_ms"], line["text"]) for line in tracks["SYLT song"].lines] == [
        (1000, "첫째"),
        (2500, "둘째"),
    ]
    assert tracks["LRC in USLT"].synced, "LRC text in an unsynced field is recognised as synced"
    assert "별빛" in tracks
    assert tracks["Sidecar wins"].lyrics_source == "sidecar .lrc"
    assert tracks["Sidecar wins"].lines[0]["text"] == "별빛 노래"
    assert tracks["06 lyrics"].lines[0]["text"] == "vorbis plain"
    assert tracks["07 unsynced lrc"].synced
    assert tracks["08 synced"].synced
    assert tracks["Opus song"].artist == "오푸스"
    assert tracks["Flac song"].synced
    assert tracks["M4A song"].lyrics_source == "embedded ©lyr"
    assert tracks["12 cp949"].lines[0]["text"] == "안녕하세요 별빛"
    assert tracks["13 sjis"].lines[0]["text"] == "こんにちは、星の歌"
    assert tracks["14 utf16"].lines[0]["text"] == "UTF-16 line"
    nfc = tracks["노래"]
    assert (nfc.artist, nfc.lines[0]["text"]) == ("가수", "정규화")
    assert tracks["Synced title"].artist == "Singer"
    assert set(Track.objects.filter(artist__in=["Big5", "GBK"]).values_list("lines__0__text", flat=True)) == {
        "繁體中文歌詞",
        "简体中文歌词",
    }
    assert all(t.duration_ms and 1400 <= t.duration_ms <= 1700 for t in tracks.values() if t.audio_path)
    assert "corrupt.mp3" in err
    assert "junk.lrc" in err
    assert "2 failed" in out
    assert "sidecar .lrc" in out, "the summary says which source each track used"


def test_a_second_run_changes_nothing(library):
    run(library)
    before = {t.pk: (t.updated_at, t.lines) for t in Track.objects.all()}
    out, _ = run(library)
    assert {t.pk: (t.updated_at, t.lines) for t in Track.objects.all()} == before
    assert "28 unchanged" in out


def test_a_changed_sidecar_updates_the_track_in_place(library):
    run(library)
    sidecar = library / "Artist A" / "05 sidecar wins.lrc"
    sidecar.write_text("[00:03.00]new words\n", encoding="utf-8")
    out, _ = run(library)
    assert "1 updated" in out
    assert Track.objects.get(title="Sidecar wins").lines[0]["text"] == "new words"
    assert Track.objects.count() == 28


def test_dry_run_writes_nothing(library):
    out, _ = run(library, "--dry-run")
    assert "28 would import" in out
    assert Track.objects.count() == 0


def test_source_files_are_never_modified(library):
    before = {p: p.read_bytes() for p in library.rglob("*") if p.is_file()}
    run(library)
    assert {p: p.read_bytes() for p in library.rglob("*") if p.is_file()} == before


def test_nothing_importable_exits_non_zero(tmp_path):
    (tmp_path / "junk.lrc").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe" * 50)
    with pytest.raises(CommandError, match="nothing could be imported"):
        run(tmp_path)
