"""``GET /api/schema``: a valid OpenAPI 3.1 description that covers every JSON route and the real shapes."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from lyrics.models import Track
from stations.models import Station
from tests.support.servers import ROOT

DATA = ROOT / "tests" / "data"
RICH_FIXTURES = ["apple.ttml", "amll.ttml", "dual.lrc", "enhanced.lrc"]


@pytest.fixture
def description(client) -> dict[str, Any]:
    response = client.get("/api/schema")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    return response.json()


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def _shape(path: str) -> str:
    """A path with its parameters blanked: ``api/tracks/<id:track_id>`` and ``/api/tracks/{id}`` agree."""
    return re.sub(r"<(?:\w+:)?\w+>|\{[^}]+\}", "{}", path.lstrip("/"))


def _validator(description: dict[str, Any], schema_name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": description["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _assert_fits(description: dict[str, Any], schema_name: str, instance: object) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in _validator(description, schema_name).iter_errors(instance)
    ]
    assert not errors, errors


def test_the_served_description_is_valid_openapi_3_1(description):
    assert description["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(description).validate()


def test_the_served_description_is_the_one_in_docs(description):
    assert description == yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))


def test_every_api_route_is_described(description):
    described = {_shape(path) for path in description["paths"]}
    routes = {_shape(route) for route in _routes(get_resolver().url_patterns) if route.startswith("api/")}
    assert routes, "no api/ routes found in the URLconf"
    assert routes - described == set()


def test_every_described_path_is_routed(description):
    for path in description["paths"]:
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
        assert match.func is not None, path


@pytest.mark.django_db(transaction=True)
def test_rich_tracks_fit_the_described_shapes(client, description, tmp_path):
    for name in RICH_FIXTURES:
        shutil.copy(DATA / name, tmp_path / name)
    call_command("import_library", str(tmp_path), "--no-progress", verbosity=0)
    _assert_fits(description, "TrackList", client.get("/api/tracks").json())
    for track in Track.objects.all():
        detail = client.get(f"/api/tracks/{track.pk}").json()
        _assert_fits(description, "TrackDetail", detail)
        _assert_fits(description, "LrclibTrack", client.get(f"/api/get/{track.pk}").json())
    assert any(line["background"] for track in Track.objects.all() for line in track.lines)
    _assert_fits(description, "TrackNotFoundError", client.get("/api/tracks/999999").json())


@pytest.mark.django_db
def test_a_station_fits_the_described_state(client, description):
    Station.objects.create(slug="radio", name="Radio")
    _assert_fits(description, "StationState", client.get("/api/stations/radio").json())
    refused = client.post("/api/stations/radio/play", content_type="application/json")
    assert refused.status_code == 403
    _assert_fits(description, "Error", refused.json())
