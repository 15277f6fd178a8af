from django.urls import path

import project.converters  # noqa: F401  (registers <id:...>)
from lyrics.views import catalog, exports, lrclib, pages, publish, schema, sync

app_name = "lyrics"

# The lyric streams and the audio are lean endpoints: see project/routing.py.
urlpatterns = [
    path("", pages.library, name="library"),
    path("tracks/<id:track_id>/", pages.player, name="track-page"),
    path("tracks/<id:track_id>/lyrics.lrc", exports.lyrics_lrc, name="track-lrc"),
    path("tracks/<id:track_id>/lyrics.vtt", exports.lyrics_vtt, name="track-vtt"),
    path("api/tracks", catalog.track_list, name="api-tracks"),
    path("api/tracks/<id:track_id>", catalog.track_detail, name="api-track"),
    path("api/get", lrclib.get, name="lrclib-get"),
    path("api/get/<id:track_id>", lrclib.get_by_id, name="lrclib-get-id"),
    path("api/search", lrclib.search, name="lrclib-search"),
    path("api/request-challenge", publish.request_challenge, name="lrclib-request-challenge"),
    path("api/publish", publish.publish, name="lrclib-publish"),
    path("api/flag", publish.flag, name="lrclib-flag"),
    path("api/schema", schema.openapi, name="api-schema"),
    path("tracks/<id:track_id>/sync", sync.sync, name="track-sync"),
]
