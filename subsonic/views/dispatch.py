"""``/rest/<method>[.view]``: read the parameters, authenticate, run the method, answer in the envelope.

Every answer but the binary ones is HTTP 200 in the ``subsonic-response``
envelope, errors included (the spec's way), also for methods Byeol does not
have. Parameters come from the query string and, for formPost clients, an
``application/x-www-form-urlencoded`` body.
"""

from __future__ import annotations

import logging
import re

from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from subsonic import auth, errors, render, throttle
from subsonic.errors import SubsonicError
from subsonic.params import Params
from subsonic.registry import METHODS, Call

logger = logging.getLogger(__name__)
_METHOD_NAME = re.compile(r"[A-Za-z0-9]{1,64}")
_FORMATS = {"xml", "json", "jsonp"}
SUPPORTED_MAJOR = 1


def _values(request: HttpRequest) -> dict[str, list[str]]:
    values = {key: request.GET.getlist(key) for key in request.GET}
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        for key in request.POST:
            values[key] = values.get(key, []) + request.POST.getlist(key)
    return values


def answer(payload: dict[str, object], params: Params | None, *, failed: bool = False) -> HttpResponse:
    fmt = (params.raw("f") if params else None) or "xml"
    callback = (params.raw("callback") if params else None) or ""
    rendered = render.render(payload, fmt=fmt if fmt in _FORMATS else "xml", failed=failed, callback=callback)
    return HttpResponse(rendered.body, content_type=rendered.content_type)


def error_answer(error: SubsonicError, params: Params | None) -> HttpResponse:
    return answer(render.error_payload(error.code, error.message), params, failed=True)


def _authenticate(request: HttpRequest, params: Params) -> User:
    from subsonic.accounts import authenticate

    address = throttle.client_address(request)
    if throttle.blocked(address):
        raise SubsonicError(
            errors.WRONG_CREDENTIALS, "Too many failed attempts from this address; wait a while"
        )
    try:
        return authenticate(auth.read_credentials(params))
    except SubsonicError as exc:
        if exc.code in (errors.WRONG_CREDENTIALS, errors.INVALID_API_KEY):
            throttle.record_failure(address)
        raise


def _check_version(params: Params) -> None:
    version = params.raw("v") or ""
    major = version.split(".", 1)[0]
    if len(version) <= 16 and major.isdigit() and int(major) > SUPPORTED_MAJOR:
        raise SubsonicError(
            errors.SERVER_TOO_OLD, "Incompatible Subsonic REST protocol version: server must upgrade"
        )


@csrf_exempt
async def endpoint(request: HttpRequest, name: str) -> HttpResponseBase:
    params = None
    try:
        params = Params(_values(request))
        if request.method not in ("GET", "HEAD", "POST"):
            raise SubsonicError(errors.GENERIC, "Use GET or POST")
        name = name.removesuffix(".view")
        found = METHODS.get(name.lower()) if _METHOD_NAME.fullmatch(name) else None
        user = None
        if found is None or found.needs_auth:
            user = await sync_to_async(_authenticate)(request, params)
        if found is None:
            raise SubsonicError(errors.GENERIC, f"Unknown method: {name[:64]}")
        _check_version(params)
        call = Call(request, params, user)
        if found.binary:
            return await found.handler(call)
        payload = await sync_to_async(found.handler)(call)
        return answer(payload, params)
    except SubsonicError as exc:
        return error_answer(exc, params)
    except (RequestDataTooBig, SuspiciousOperation):
        # Too many fields, a body too large: still an answer a client can read.
        return error_answer(SubsonicError(errors.GENERIC, "Request too large"), params)
    except Exception:
        # Players show an error envelope; an HTML 500 page they cannot read.
        logger.exception("Subsonic method %s failed", name[:64])
        return error_answer(SubsonicError(errors.GENERIC, "Server error"), params)
