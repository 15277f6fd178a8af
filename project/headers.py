"""The security headers every answer carries, Django's and the lean endpoints' alike.

Django's SecurityMiddleware and XFrameOptionsMiddleware give its own answers
most of them; :class:`PolicyHeadersMiddleware` adds what Django 5.2 lacks (a
Content-Security-Policy). The lean ASGI endpoints bypass Django's middleware,
so :func:`security_headers` states the whole set once, from the same settings,
for ``project.guard``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


def policy_headers() -> dict[str, str]:
    """What Django's own middleware does not send: the CSP and the Permissions-Policy."""
    return {
        "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
    }


def security_headers(*, secure: bool) -> dict[str, str]:
    """Every security header Django's middleware stack would add, plus :func:`policy_headers`."""
    headers = policy_headers()
    if settings.SECURE_HSTS_SECONDS and secure:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_REFERRER_POLICY:
        headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return headers


class PolicyHeadersMiddleware:
    """Adds :func:`policy_headers` to Django's answers unless a view set them (sync and async)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return self._add(response)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        assert not isinstance(response, HttpResponseBase)
        return self._add(await response)

    @staticmethod
    def _add(response: HttpResponseBase) -> HttpResponseBase:
        for name, value in policy_headers().items():
            response.headers.setdefault(name, value)
        return response
