"""In-process requests to the routing table (channels' communicators), no server."""

from __future__ import annotations

from dataclasses import dataclass

from channels.testing import HttpCommunicator
from django.core.asgi import get_asgi_application

from project.routing import http_routes


def routed_app():  # type: ignore[no-untyped-def]
    """The one routing table over Django's ASGI application, as ``project.asgi`` builds it."""
    return http_routes(get_asgi_application())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _communicator(path: str, method: str, headers: dict[str, str] | None, query: str) -> HttpCommunicator:
    fields = {"host": "testserver", **{k.lower(): v for k, v in (headers or {}).items()}}
    return HttpCommunicator(
        routed_app(),
        method,
        path + (f"?{query}" if query else ""),
        headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in fields.items()],
    )


async def response_start(
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    query: str = "",
    timeout_s: float = 5,
) -> Answer:
    """The status and headers of an answer, without waiting for its body (streams never end)."""
    communicator = _communicator(path, method, headers, query)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout_s)
    assert start["type"] == "http.response.start"
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout_s)
    return Answer(
        start["status"],
        {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in start.get("headers", [])},
        b"",
    )


async def request(
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    query: str = "",
    timeout_s: float = 5,
) -> Answer:
    """One whole request through the routing table; ``Host: testserver`` unless given."""
    communicator = _communicator(path, method, headers, query)
    response = await communicator.get_response(timeout=timeout_s)
    await communicator.wait(timeout_s)  # let the application finish (close its files)
    return Answer(
        response["status"],
        {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in response["headers"]},
        response["body"],
    )
