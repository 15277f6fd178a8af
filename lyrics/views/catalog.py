"""The catalog as JSON (contract: "Catalog")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_safe

from lyrics.models import Track, search_query
from project.answers import json_error

PER_PAGE = 50
MAX_PER_PAGE = 200


def _whole_number(request: HttpRequest, name: str, default: int) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 9) or int(value) < 1:
        return None
    return int(value)


def _link_header(request: HttpRequest, page: Page[Track], per_page: int) -> str:
    """RFC 8288 links to the next and previous pages, keeping the other query parameters."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query["page"], query["per_page"] = str(number), str(per_page)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    links = []
    if page.has_next():
        links.append(f'<{url(page.next_page_number())}>; rel="next"')
    if page.has_previous():
        links.append(f'<{url(page.previous_page_number())}>; rel="prev"')
    return ", ".join(links)


@require_safe
def track_list(request: HttpRequest) -> HttpResponseBase:
    """``GET /api/tracks[?q=&page=&per_page=]``: a page of tracks (two queries, whatever the count).

    ``per_page`` is 50 unless given, at most 200; ``Link`` names the next and
    previous pages; ``count`` and ``pages`` say how many there are in all.
    """
    page_number = _whole_number(request, "page", 1)
    per_page = _whole_number(request, "per_page", PER_PAGE)
    if page_number is None or per_page is None:
        return json_error(400, "page and per_page are whole numbers from 1").as_response()
    query = search_query(request.GET.get("q", ""))
    tracks = Track.objects.search(query) if query else Track.objects.all()
    paginator = Paginator(tracks.defer("lyrics_text", "lines"), min(per_page, MAX_PER_PAGE))
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return json_error(404, "no such page", pages=paginator.num_pages).as_response()
    response = JsonResponse(
        {
            "tracks": [track.summary() for track in page],
            "page": page.number,
            "pages": paginator.num_pages,
            "count": paginator.count,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    if links := _link_header(request, page, paginator.per_page):
        response["Link"] = links
    return response


@require_safe
def track_detail(request: HttpRequest, track_id: int) -> HttpResponseBase:
    """``GET /api/tracks/<id>``: the track with its lyric lines."""
    try:
        track = Track.objects.get(pk=track_id)
    except Track.DoesNotExist:
        return json_error(404, "no such track", track_id=track_id).as_response()
    return JsonResponse(track.detail(), json_dumps_params={"ensure_ascii": False})
