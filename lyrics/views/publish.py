"""LRCLIB's write API: ``POST /api/request-challenge``, ``/api/publish`` and ``/api/flag``.

The same requests and answers as LRCLIB's (contract: "LRCLIB publishing and
flags"; its ``server/src/routes``), so its clients publish to Byeol unchanged.
Clients are programs, not browsers: no CSRF, but every request is bounded
(a body of at most 1 MB, each field's type and length checked before any
lyrics are parsed), limited per client address, and a write needs a solved
challenge. Challenges live in Django's cache: per process unless ``CACHES`` is
shared, so several processes need a shared cache (Redis).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from lyrics.lrclib import error
from lyrics.models import Track
from lyrics.publishing import make_challenge, parse_token, published_text, verify_answer
from lyrics.services import lyrics_publish, track_flag
from project.clients import client_ip

MAX_BODY_BYTES = 1024 * 1024
MAX_NAME_CHARS = 500
MAX_LYRICS_CHARS = 200_000
MAX_FLAG_CHARS = 5_000
MAX_DURATION_S = 24 * 60 * 60
# LRCLIB keeps an unanswered challenge five minutes.
CHALLENGE_TTL_S = 300
# Per client address and minute: solving a challenge takes a client about a second.
CHALLENGES_PER_MINUTE = 30
WRITES_PER_MINUTE = 30


class Invalid(ValueError):
    """A request LRCLIB would refuse with a ValidationError; the message says why."""


def _answer(status: int, name: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse(error(status, name, message), status=status)
    for header, value in headers.items():
        response[header] = value
    return response


def _created() -> HttpResponse:
    # LRCLIB answers a write with 201 and no body.
    response = HttpResponse(status=201)
    del response["Content-Type"]
    return response


def _bad_token() -> JsonResponse:
    return _answer(400, "IncorrectPublishTokenError", "The provided publish token is incorrect")


def _over_limit(kind: str, address: str, per_minute: int) -> bool:
    """Count one request of ``kind`` from ``address``; True past ``per_minute`` in this minute."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    key = f"lrclib-{kind}:{digest}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=61):
        return per_minute < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=61)
        count = 1
    return count > per_minute


def _refusal(request: HttpRequest, kind: str, per_minute: int) -> JsonResponse | None:
    """Why this request is answered before its body is read, if it is."""
    if request.method != "POST":
        return _answer(405, "MethodNotAllowed", "Use POST", Allow="POST")
    if _over_limit(kind, client_ip(request), per_minute):
        message = "Too many requests from this address: wait a minute"
        return _answer(429, "TooManyRequests", message, **{"Retry-After": "60"})
    return None


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise Invalid("The request body is larger than 1 MB")
    try:
        body = request.body
    except RequestDataTooBig:
        raise Invalid("The request body is larger than 1 MB") from None
    if len(body) > MAX_BODY_BYTES:
        raise Invalid("The request body is larger than 1 MB")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Invalid("The request body is not JSON") from None
    if not isinstance(data, dict):
        raise Invalid("The request body is not a JSON object")
    return data


def _text(data: dict[str, Any], name: str, max_chars: int, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string")
    if len(value) > max_chars:
        raise Invalid(f"{name} is longer than {max_chars} characters")
    if "\x00" in value:
        raise Invalid(f"{name} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{name} is not valid Unicode") from None
    if required and not value.strip():
        raise Invalid(f"{name} must not be empty")
    return value


@dataclass(frozen=True)
class Publication:
    title: str
    artist: str
    album: str
    duration_ms: int
    text: str


def _publication(data: dict[str, Any]) -> Publication:
    """The publish request's fields, checked (LRCLIB's ``PublishRequest``)."""
    # LRCLIB trims the names it stores.
    title = _text(data, "trackName", MAX_NAME_CHARS, required=True).strip()
    artist = _text(data, "artistName", MAX_NAME_CHARS, required=True).strip()
    album = _text(data, "albumName", MAX_NAME_CHARS).strip()
    duration = data.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise Invalid("duration must be a number of seconds")
    if not math.isfinite(duration) or not 0 < duration <= MAX_DURATION_S:
        raise Invalid("duration must be a number of seconds within a day")
    plain = _text(data, "plainLyrics", MAX_LYRICS_CHARS)
    synced = _text(data, "syncedLyrics", MAX_LYRICS_CHARS)
    return Publication(title, artist, album, round(duration * 1000), published_text(plain, synced))


def _token_redeemed(request: HttpRequest) -> bool:
    """Whether ``X-Publish-Token`` answers a challenge this server gave; the challenge is then spent."""
    parsed = parse_token(request.headers.get("X-Publish-Token", "")[:200])
    if parsed is None:
        return False
    prefix, nonce = parsed
    key = f"lrclib-challenge:{prefix}"
    target = cache.get(key)
    if target is None or not verify_answer(prefix, nonce, target):
        return False
    # Deleting is the one atomic step: of two requests with one token, one wins.
    return bool(cache.delete(key))


@csrf_exempt
def request_challenge(request: HttpRequest) -> JsonResponse:
    """``POST /api/request-challenge`` → ``{"prefix", "target"}``."""
    if (refusal := _refusal(request, "challenge", CHALLENGES_PER_MINUTE)) is not None:
        return refusal
    challenge = make_challenge(settings.LRCLIB_CHALLENGE_TARGET)
    cache.set(f"lrclib-challenge:{challenge.prefix}", challenge.target, timeout=CHALLENGE_TTL_S)
    return JsonResponse({"prefix": challenge.prefix, "target": challenge.target})


@csrf_exempt
def publish(request: HttpRequest) -> HttpResponse:
    """``POST /api/publish`` with ``X-Publish-Token``: 201, the lyrics pending review (or accepted)."""
    if settings.LRCLIB_PUBLISH == "off":
        return _answer(403, "PublishingDisabled", "This server does not take published lyrics")
    if (refusal := _refusal(request, "write", WRITES_PER_MINUTE)) is not None:
        return refusal
    try:
        publication = _publication(_json_body(request))
    except Invalid as exc:
        return _answer(400, "ValidationError", str(exc))
    if not _token_redeemed(request):
        return _bad_token()
    lyrics_publish(
        title=publication.title,
        artist=publication.artist,
        album=publication.album,
        duration_ms=publication.duration_ms,
        text=publication.text,
        client=client_ip(request),
        accept=settings.LRCLIB_PUBLISH == "open",
    )
    return _created()


@csrf_exempt
def flag(request: HttpRequest) -> HttpResponse:
    """``POST /api/flag`` with ``X-Publish-Token`` and ``{"trackId", "content"}`` (or ``"reason"``): 201."""
    if (refusal := _refusal(request, "write", WRITES_PER_MINUTE)) is not None:
        return refusal
    try:
        data = _json_body(request)
        track_id = data.get("trackId")
        if isinstance(track_id, bool) or not isinstance(track_id, int) or not 0 < track_id < 2**63:
            raise Invalid("trackId must be a track's id")
        content = _text(data, "content", MAX_FLAG_CHARS) or _text(data, "reason", MAX_FLAG_CHARS)
    except Invalid as exc:
        return _answer(400, "ValidationError", str(exc))
    if not _token_redeemed(request):
        return _bad_token()
    track = Track.objects.filter(pk=track_id).first()
    if track is None:
        return _answer(404, "TrackNotFound", "Failed to find specified track")
    track_flag(track=track, content=content.strip(), client=client_ip(request))
    return _created()
