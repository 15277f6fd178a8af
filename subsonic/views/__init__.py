"""The API's methods, one module per concern; importing this package registers them all."""

from subsonic.views import bookkeeping, browsing, media, search, songlyrics, system  # noqa: F401
