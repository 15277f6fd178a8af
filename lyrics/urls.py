from django.urls import path

from lyrics.views import audio, catalog, events, lrclib, pages, seed

app_name = "lyrics"

urlpatterns = [
    path("", pages.library, name="library"),
    path("tracks/<int:track_id>/", pages.player, name="track-page"),
    path("tracks/<int:track_id>/lyrics/events", events.lyrics_events, name="track-events"),
    path("tracks/<int:track_id>/lyrics/text", events.lyrics_text, name="track-text"),
    path("tracks/<int:track_id>/audio", audio.track_audio, name="track-audio"),
    path("api/tracks", catalog.track_list, name="api-tracks"),
    path("api/tracks/<int:track_id>", catalog.track_detail, name="api-track"),
    path("music/text", seed.music_text, name="music-text"),
    path("music/audio", seed.music_audio, name="music-audio"),
    path("api/get", lrclib.get, name="lrclib-get"),
    path("api/get/<int:track_id>", lrclib.get_by_id, name="lrclib-get-id"),
    path("api/search", lrclib.search, name="lrclib-search"),
]
