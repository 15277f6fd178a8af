"""Short JSON error answers, the one shape every endpoint uses."""

from django.http import JsonResponse


def json_error(status: int, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)
