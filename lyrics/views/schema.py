"""``GET /api/schema``: the OpenAPI 3.1 description of the JSON APIs, kept in ``docs/openapi.yaml``."""

from __future__ import annotations

import json
from functools import cache

import yaml
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

SOURCE = settings.BASE_DIR / "docs" / "openapi.yaml"
MEDIA_TYPE = "application/vnd.oai.openapi+json"


@cache
def description_json() -> bytes:
    """The description as JSON, read and converted once per process."""
    with SOURCE.open(encoding="utf-8") as source:
        document = yaml.safe_load(source)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@require_safe
def openapi(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(description_json(), content_type=MEDIA_TYPE)
    response["Cache-Control"] = "public, max-age=300"
    return response
