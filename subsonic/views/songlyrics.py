"""``getLyrics`` (by artist and title) and ``getLyricsBySongId`` (songLyrics v1, v2 with enhanced=true)."""

from __future__ import annotations

from lyrics.models import Track
from subsonic import errors, ids
from subsonic.registry import Call, Payload, method
from subsonic.structured import LyricsSource, plain_text, structured_lyrics


def _source(track: Track) -> LyricsSource:
    return LyricsSource(
        title=track.title,
        artist=ids.display_artist(track.artist),
        language=track.language,
        synced=track.synced,
        lines=track.lines if isinstance(track.lines, list) else [],
        agents=track.agents if isinstance(track.agents, list) else [],
        translation_language=track.translation_language,
        pronunciation_script=track.pronunciation_script,
    )


@method("getLyricsBySongId")
def get_lyrics_by_song_id(call: Call) -> Payload:
    pk = ids.parse_song_id(call.params.required("id", max_chars=64))
    enhanced = call.params.flag("enhanced")
    track = Track.objects.with_audio().filter(pk=pk).first() if pk is not None else None
    if track is None:
        raise errors.not_found("Song")
    return {"lyricsList": {"structuredLyrics": structured_lyrics(_source(track), enhanced=enhanced)}}


@method("getLyrics")
def get_lyrics(call: Call) -> Payload:
    """The first track (lyric-only ones too) whose title and artist match, as plain text; empty if none."""
    artist = (call.params.text("artist") or "").strip()
    title = (call.params.text("title") or "").strip()
    if not artist and not title:
        return {"lyrics": {"value": ""}}
    tracks = Track.objects.all()
    if title:
        tracks = tracks.filter(title__iexact=title)
    if artist:
        tracks = tracks.filter(artist__iexact=artist)
    candidates = tracks.order_by("-synced", "id")[:10]
    track = next((t for t in candidates if isinstance(t.lines, list) and t.lines), None)
    if track is None:
        return {"lyrics": {"value": ""}}
    return {
        "lyrics": {
            "artist": ids.display_artist(track.artist),
            "title": track.title,
            "value": plain_text(track.lines),
        }
    }
