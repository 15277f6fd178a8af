"""schemathesis against daphne: every JSON answer fits the description served at /api/schema, none is a 5xx.

The demo library is imported and the station ``radio`` plays it, so the
generated requests meet real tracks and a real station as well as misses. The
control endpoints get no credentials here: they must answer 403 as described.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.servers import ROOT, Daphne, Project, running

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# One process sets everything up: the demo library, and the station "radio" playing it round and round.
SETUP = """
from django.core.management import call_command
from lyrics.models import Track
from stations.control import station_enqueue, station_loop, station_play
from stations.models import Station

call_command("migrate", "--noinput", verbosity=0)
call_command("import_library", {library!r}, "--no-progress", verbosity=0)
station = Station.objects.create(slug="radio", name="Byeol Radio")
station_enqueue(station, list(Track.objects.values_list("pk", flat=True)))
station_loop(station, True)
station_play(station)
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daphne]:
    project = Project(var_dir=tmp_path_factory.mktemp("openapi") / "var")
    project.var_dir.mkdir()
    project.manage("shell", "-c", SETUP.format(library=str(ROOT / "demo" / "library")))
    yield from running(project)


def _served(live: Daphne) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{live.url}/api/schema", timeout=10)
    schema.config.update(base_url=live.url, request_timeout=10)
    return schema


@pytest.fixture
def api_schema(live: Daphne) -> schemathesis.BaseSchema:
    return _served(live)


@pytest.fixture
def control_schema(live: Daphne) -> schemathesis.BaseSchema:
    """Without credentials every case is one refusal: random cases are enough, no coverage phase."""
    schema = _served(live)
    schema.config.phases.coverage.enabled = False
    return schema


# The station control endpoints.
CONTROL = {"path_regex": r"^/api/stations/\{slug\}/", "method": "POST"}


@pytest.mark.live
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@schemathesis.pytest.from_fixture("api_schema").exclude(**CONTROL).parametrize()
def test_every_answer_fits_the_description(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.live
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@schemathesis.pytest.from_fixture("control_schema").include(**CONTROL).parametrize()
def test_control_without_credentials_is_forbidden_as_described(case: schemathesis.Case) -> None:
    response = case.call_and_validate(checks=CHECKS)
    routed = re.fullmatch(r"[-a-zA-Z0-9_]+", str((case.path_parameters or {}).get("slug", "")))
    # Also tried: slugs no route matches (the HTML 404), and bodies sent as
    # multipart/form-data, which Twisted itself refuses (a bare 400) unless they parse.
    sent_type = response.request.headers.get("Content-Type", "application/json")
    if case.method.upper() == "POST" and routed and sent_type.startswith("application/json"):
        assert response.status_code == 403, (
            case.as_curl_command(),
            response.status_code,
            response.text[:200],
        )
