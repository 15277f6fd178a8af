"""What users do: scrobbles and now playing, stars, and the live stations as radio."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from subsonic import catalog, entries, errors, ids
from subsonic.models import NowPlaying, Play, Star
from subsonic.registry import Call, Payload, method

# A player that said nothing for this long is no longer "now playing".
NOW_PLAYING_FOR = timedelta(minutes=15)
MAX_SCROBBLE_MS = 4_102_444_800_000  # 2100-01-01


def _song_pks(values: list[str]) -> list[int]:
    pks = [ids.parse_song_id(value) for value in values]
    if any(pk is None for pk in pks):
        raise errors.not_found("Song")
    return [pk for pk in pks if pk is not None]


@method("scrobble")
def scrobble(call: Call) -> Payload:
    """``submission=true`` (the default) counts a play; ``false`` says what is playing now."""
    assert call.user is not None
    pks = _song_pks(call.params.all("id", max_chars=64))
    if not pks:
        raise errors.missing("id")
    times = call.params.all("time", max_chars=14)
    submission = call.params.flag("submission", default=True)
    found = set(catalog.songs().filter(pk__in=pks).values_list("pk", flat=True))
    if len(found) != len(set(pks)):
        raise errors.not_found("Song")
    now = timezone.now()
    with transaction.atomic():
        for n, pk in enumerate(pks):
            when = now
            if n < len(times) and times[n].isdigit() and 0 < int(times[n]) < MAX_SCROBBLE_MS:
                when = datetime.fromtimestamp(int(times[n]) / 1000, tz=UTC)
            if not submission:
                NowPlaying.objects.update_or_create(
                    user=call.user, player=call.player, defaults={"track_id": pk, "started_at": when}
                )
                continue
            play, created = Play.objects.get_or_create(
                user=call.user, track_id=pk, defaults={"count": 1, "last_played_at": when}
            )
            if not created:
                Play.objects.filter(pk=play.pk).update(
                    count=F("count") + 1, last_played_at=max(when, play.last_played_at)
                )
    return {}


@method("getNowPlaying")
def get_now_playing(call: Call) -> Payload:
    now = timezone.now()
    playing = list(
        NowPlaying.objects.filter(started_at__gte=now - NOW_PLAYING_FOR)
        .select_related("user", "track")
        .order_by("-started_at")[:100]
    )
    call.state.load_plays(entry.track_id for entry in playing)
    found = []
    for n, entry in enumerate(playing):
        found.append(
            {
                **entries.song(entry.track, call.state),
                "username": entry.user.get_username(),
                "minutesAgo": max(0, int((now - entry.started_at).total_seconds() // 60)),
                "playerId": n + 1,
                "playerName": entry.player,
            }
        )
    return {"nowPlaying": {"entry": found}}


def _star_targets(call: Call) -> list[tuple[str, str]]:
    songs = call.params.all("id", max_chars=64)
    albums = call.params.all("albumId", max_chars=64)
    artists = call.params.all("artistId", max_chars=64)
    if not songs and not albums and not artists:
        raise errors.missing("id, albumId or artistId")
    targets = [(Star.SONG, ids.song_id(pk)) for pk in _song_pks(songs)]
    for value in albums:
        if not ids.is_album_id(value):
            raise errors.not_found("Album")
        targets.append((Star.ALBUM, value))
    for value in artists:
        if not ids.is_artist_id(value):
            raise errors.not_found("Artist")
        targets.append((Star.ARTIST, value))
    return targets


@method("star")
def star(call: Call) -> Payload:
    targets = _star_targets(call)
    songs = {int(item) for kind, item in targets if kind == Star.SONG}
    if songs and catalog.songs().filter(pk__in=songs).count() != len(songs):
        raise errors.not_found("Song")
    for kind, item in targets:
        Star.objects.get_or_create(user=call.user, kind=kind, item_id=item)
    return {}


@method("unstar")
def unstar(call: Call) -> Payload:
    for kind, item in _star_targets(call):
        Star.objects.filter(user=call.user, kind=kind, item_id=item).delete()
    return {}


@method("getStarred2")
def get_starred2(call: Call) -> Payload:
    state = call.state
    song_pks = [int(item) for (kind, item) in state.stars if kind == Star.SONG]
    album_ids = {item for (kind, item) in state.stars if kind == Star.ALBUM}
    artist_ids = {item for (kind, item) in state.stars if kind == Star.ARTIST}
    albums = catalog.albums() if album_ids or artist_ids else []
    songs = list(catalog.songs().filter(pk__in=song_pks).order_by("artist", "album", "title", "id"))
    return {
        "starred2": {
            "artist": [entries.artist(a, state) for a in catalog.artists(albums) if a.id in artist_ids],
            "album": [entries.album(a, state) for a in albums if a.id in album_ids],
            "song": entries.songs(songs, state),
        }
    }


@method("getInternetRadioStations")
def get_internet_radio_stations(call: Call) -> Payload:
    """Byeol's live stations; the stream URL is the station's page (audio and lyrics in sync)."""
    from stations.models import Station

    stations = []
    for station in Station.objects.order_by("name")[:500]:
        page = call.request.build_absolute_uri(reverse("stations:page", args=[station.slug]))
        stations.append(
            {"id": f"st-{station.slug}", "name": station.name, "streamUrl": page, "homePageUrl": page}
        )
    return {"internetRadioStations": {"internetRadioStation": stations}}
