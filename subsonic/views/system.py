"""The server itself: ping, licence, extensions, folders, the user, and the lists Byeol keeps empty."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lyrics.models import Track
from subsonic import errors
from subsonic.errors import SubsonicError
from subsonic.registry import Call, Payload, method

MUSIC_FOLDER = {"id": 1, "name": "Byeol"}
# What getOpenSubsonicExtensions lists. No transcoding: streams are the files
# as they are (format=raw), so neither transcodeOffset nor transcoding is here.
EXTENSIONS = [
    {"name": "songLyrics", "versions": [1, 2]},
    {"name": "apiKeyAuthentication", "versions": [1]},
    {"name": "formPost", "versions": [1]},
]


@method("ping")
def ping(call: Call) -> Payload:
    return {}


@method("getLicense")
def get_license(call: Call) -> Payload:
    return {"license": {"valid": True}}


@method("getOpenSubsonicExtensions", needs_auth=False)
def get_open_subsonic_extensions(call: Call) -> Payload:
    return {"openSubsonicExtensions": EXTENSIONS}


@method("getMusicFolders")
def get_music_folders(call: Call) -> Payload:
    return {"musicFolders": {"musicFolder": [MUSIC_FOLDER]}}


@method("getScanStatus")
def get_scan_status(call: Call) -> Payload:
    # The library changes by `manage.py import_library`, never by a scan a client starts.
    return {"scanStatus": {"scanning": False, "count": Track.objects.with_audio().count()}}


def _roles(user: object) -> dict[str, bool]:
    admin = bool(getattr(user, "is_staff", False))
    return {
        "scrobblingEnabled": True,
        "adminRole": admin,
        "settingsRole": False,
        "downloadRole": True,
        "uploadRole": False,
        "playlistRole": False,
        "coverArtRole": False,
        "commentRole": False,
        "podcastRole": False,
        "streamRole": True,
        "jukeboxRole": False,
        "shareRole": False,
        "videoConversionRole": False,
    }


@method("getUser")
def get_user(call: Call) -> Payload:
    assert call.user is not None
    username = call.params.required("username", max_chars=150)
    if username != call.user.get_username():
        if not getattr(call.user, "is_staff", False):
            raise SubsonicError(errors.NOT_AUTHORISED, "Only staff may see other users")
        model = get_user_model()
        if not model._default_manager.filter(**{model.USERNAME_FIELD: username}).exists():
            raise errors.not_found("User")
        user: object = model._default_manager.get(**{model.USERNAME_FIELD: username})
    else:
        user = call.user
    email = getattr(user, "email", "") or None
    data: dict[str, object] = {"username": username, **_roles(user), "folder": [MUSIC_FOLDER["id"]]}
    if email:
        data["email"] = email
    return {"user": data}


# Methods clients call at start-up or on a detail screen, for things Byeol does
# not keep: answered empty, so those screens show nothing rather than an error.
@method("getPlaylists")
def get_playlists(call: Call) -> Payload:
    return {"playlists": {"playlist": []}}


@method("getPlaylist")
def get_playlist(call: Call) -> Payload:
    call.params.required("id", max_chars=64)
    raise errors.not_found("Playlist")


@method("getBookmarks")
def get_bookmarks(call: Call) -> Payload:
    return {"bookmarks": {"bookmark": []}}


@method("getPlayQueue")
def get_play_queue(call: Call) -> Payload:
    return {}


@method("getArtistInfo2")
def get_artist_info(call: Call) -> Payload:
    call.params.required("id", max_chars=64)
    return {"artistInfo2": {}}


@method("getAlbumInfo2")
def get_album_info(call: Call) -> Payload:
    call.params.required("id", max_chars=64)
    return {"albumInfo": {}}


@method("getTopSongs")
def get_top_songs(call: Call) -> Payload:
    call.params.required("artist")
    return {"topSongs": {"song": []}}


@method("getSimilarSongs2")
def get_similar_songs(call: Call) -> Payload:
    call.params.required("id", max_chars=64)
    return {"similarSongs2": {"song": []}}
