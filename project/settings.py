"""Byeol's one settings file.

Every value has a working local default (SQLite, in-memory layers, the bundled
demo library); production is switched on by environment variables such as
``DATABASE_URL``, ``REDIS_URL`` and ``DJANGO_SECRET_KEY``.
"""

import contextlib
import ipaddress
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Generic admin and queryset classes (ModelAdmin[Track]) at run time, as the type stubs see them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BYEOL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    # A key from the environment wins; otherwise a random one is made once and
    # kept in VAR_DIR so sessions survive restarts of a local server.
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Written whole under a private name (0600 from its creation), then
        # linked into place: of processes starting together one wins, and the
        # others read its key, never a half-written file.
        draft = VAR_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        with os.fdopen(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only, unless it exists already."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


SECRET_KEY = _secret_key()
# DEBUG is on only under `runserver`, unless DJANGO_DEBUG says otherwise.
DEBUG = env_bool("DJANGO_DEBUG", default=sys.argv[1:2] == ["runserver"])
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_eventstream",
    "lyrics",
    "stations",
    "subsonic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "project.headers.PolicyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'byeol.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Streams and the importer write concurrently; WAL lets readers go on.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # SQLite gives its -wal and -shm files the database file's mode: create it private.
    _sqlite_name = str(DATABASES["default"].get("NAME") or "")
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        private_file(Path(_sqlite_name))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `manage.py collectstatic` writes hashed, compressed copies here (scripts/demo and
# scripts/test do it); one per checkout, whatever BYEOL_VAR_DIR says.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}

# --- Lyrics -----------------------------------------------------------------
DEMO_LIBRARY_DIR = BASE_DIR / "demo" / "library"
# The folder `/music/text?file_name=` may read from, and nothing outside it.
LYRICS_TEXT_ROOT = Path(os.environ.get("LYRICS_TEXT_ROOT", DEMO_LIBRARY_DIR))
LYRICS_HEARTBEAT_S = float(os.environ.get("LYRICS_HEARTBEAT_S", "15"))
LYRICS_RETRY_MS = int(os.environ.get("LYRICS_RETRY_MS", "2000"))
# Event streams older than this end at an event boundary with a randomised
# retry:, and clients resume with Last-Event-ID (spreads long-lived load).
LYRICS_STREAM_MAX_AGE_S = float(os.environ.get("LYRICS_STREAM_MAX_AGE_S", "3600"))
# Generate the pronunciation layer (romanization) of Korean, Japanese and Chinese lines.
LYRICS_PRONUNCIATION = env_bool("LYRICS_PRONUNCIATION", True)
# Limits on open lyric streams (0 = no limit): past them, 503 / 429 with Retry-After.
STREAMS_MAX_TOTAL = int(os.environ.get("STREAMS_MAX_TOTAL", "10000"))
STREAMS_MAX_PER_CLIENT = int(os.environ.get("STREAMS_MAX_PER_CLIENT", "64"))
# Requests bodies are small here (forms, JSON); refuse anything larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
# What daphne itself refuses, before the application sees a request
# (project/request_limits.py; 0 = no limit). nginx in front enforces the same.
REQUEST_MAX_BODY_BYTES = int(os.environ.get("REQUEST_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
# A request's line and headers must arrive within this time of its first byte (else 408)…
REQUEST_HEADER_TIMEOUT_S = float(os.environ.get("REQUEST_HEADER_TIMEOUT_S", "20"))
# …and its body within this time of its headers.
REQUEST_BODY_TIMEOUT_S = float(os.environ.get("REQUEST_BODY_TIMEOUT_S", "60"))

# --- Audio ------------------------------------------------------------------
# Make daphne wait for slow readers instead of buffering whole responses in RAM
# (project/backpressure.py); off only to measure what it saves.
WRITE_BACKPRESSURE = env_bool("WRITE_BACKPRESSURE", True)
# A client that reads nothing for this long is disconnected.
WRITE_STALL_TIMEOUT_S = float(os.environ.get("WRITE_STALL_TIMEOUT_S", "60"))
# "" serves bytes from Django; "nginx" answers with X-Accel-Redirect under
# AUDIO_ACCEL_PREFIX; "sendfile" answers with X-Sendfile (Apache).
AUDIO_ACCEL = os.environ.get("AUDIO_ACCEL", "")
AUDIO_ACCEL_PREFIX = os.environ.get("AUDIO_ACCEL_PREFIX", "/_protected_audio/")
# The only folders audio is served from (checked on the opened file). Empty:
# the folders `import_library` has read.
AUDIO_ROOTS = env_list("AUDIO_ROOTS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Serve /static/ from daphne with ServeStatic (false when nginx serves STATIC_ROOT).
SERVE_STATIC = env_bool("SERVE_STATIC", True)

# --- Security ---------------------------------------------------------------
# Behind TLS (DJANGO_HTTPS=true) cookies are secure, HTTP redirects to HTTPS and
# HSTS is sent; `manage.py check --deploy` is clean with that and a secret key.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages use only our own static JS and CSS: no inline script, no other host.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
# How many proxies stand in front of Byeol (each appends to X-Forwarded-For):
# the client's address is read that many entries from the right; 0 never reads it.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
# Who may read /healthz: comma-separated addresses or networks (CIDR), matched
# against the client address above; empty (the default): everyone.
HEALTHZ_ALLOW = [ipaddress.ip_network(item, strict=False) for item in env_list("HEALTHZ_ALLOW", "")]
# The folder the front proxy's internal audio location aliases (X-Accel-Redirect).
AUDIO_ACCEL_ROOT = Path(os.environ.get("AUDIO_ACCEL_ROOT", "/"))

# --- Stations ---------------------------------------------------------------
# Stored events: a burst never overflows a listener's queue, and Last-Event-ID
# replays what a listener missed.
EVENTSTREAM_STORAGE_CLASS = "stations.storage.StationStorage"
# A token for the control API (besides staff sessions with CSRF); empty = none.
STATIONS_API_TOKEN = os.environ.get("STATIONS_API_TOKEN", "")
# A clock's lease: renewed every STATIONS_LEASE_S / 3, taken over after it lapses.
STATIONS_LEASE_S = float(os.environ.get("STATIONS_LEASE_S", "6"))
# Fault injection for tests only: seconds between a clock step's commit and its publish.
STATIONS_FAULT_PUBLISH_DELAY_S = float(os.environ.get("STATIONS_FAULT_PUBLISH_DELAY_S", "0"))
# "asgi": every web process runs station clocks (leases keep one per station);
# "off": only `manage.py run_stations` does.
STATIONS_CLOCK = os.environ.get("STATIONS_CLOCK", "asgi")
if REDIS_URL:
    # Several processes: django-eventstream publishes every event through Redis
    # so that listeners on every process get it.
    from urllib.parse import urlsplit

    _redis = urlsplit(REDIS_URL)
    EVENTSTREAM_REDIS = {
        "host": _redis.hostname or "127.0.0.1",
        "port": _redis.port or 6379,
        "db": int((_redis.path or "/0").lstrip("/") or 0),
    }
    if _redis.password:
        EVENTSTREAM_REDIS["password"] = _redis.password

# Pushpin in front (GRIP): the station endpoint answers each listener once and
# django-eventstream publishes events to Pushpin, which holds the connections.
# GRIP_URL carries Pushpin's key, e.g.
# http://127.0.0.1:5561?iss=pushpin&key=<the sig_key in pushpin.conf>.
GRIP_URL = os.environ.get("GRIP_URL", "")
# Pushpin's stats socket (listener counts); empty: GRIP_URL's host, its port + 3.
PUSHPIN_STATS_URL = os.environ.get("PUSHPIN_STATS_URL", "")

# --- Subsonic API (/rest/, docs/subsonic.md) ----------------------------------
# Failed logins allowed per client address within the window, before that address waits it out.
SUBSONIC_AUTH_FAILURES = int(os.environ.get("SUBSONIC_AUTH_FAILURES", "10"))
SUBSONIC_AUTH_WINDOW_S = int(os.environ.get("SUBSONIC_AUTH_WINDOW_S", "300"))
# How long a process keeps the album list built from the tracks' tags (subsonic/catalog.py).
SUBSONIC_LIBRARY_CACHE_S = float(os.environ.get("SUBSONIC_LIBRARY_CACHE_S", "30"))

# --- LRCLIB publishing (docs/editing.md) ---------------------------------------
# The proof of work a publisher does: sha256(prefix + nonce), as bytes, at most
# this (64 hex digits). The default is LRCLIB's own base target.
LRCLIB_CHALLENGE_TARGET = os.environ.get("LRCLIB_CHALLENGE_TARGET", "000000FF" + "0" * 56)
# "review": published lyrics wait as pending revisions until staff accept them
# in the admin; "open": they are accepted at once; "off": publishing is refused.
LRCLIB_PUBLISH = os.environ.get("LRCLIB_PUBLISH", "review")
