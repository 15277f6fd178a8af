"""Loading what a response needs, then giving the database connection back."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.db import connections

from lyrics.models import Track


def _release_connections() -> None:
    # A stream may last a whole song: never hold a database connection across it.
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


async def load_track(track_id: int) -> Track | None:
    """The track, loaded whole, with the database connection given back."""
    try:
        return await Track.objects.aget(pk=track_id)
    except Track.DoesNotExist:
        return None
    finally:
        await sync_to_async(_release_connections)()
