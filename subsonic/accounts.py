"""Subsonic credentials of Django users: setting them, and checking what a client sent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from subsonic import auth, errors
from subsonic.crypto import PasswordUnreadable, decrypt_password, encrypt_password, reencrypt
from subsonic.errors import SubsonicError
from subsonic.models import ApiKey, SubsonicAccount

logger = logging.getLogger(__name__)

# A key's last use is written at most this often (not on every request of a busy player).
LAST_USED_RESOLUTION = timedelta(minutes=5)
MIN_PASSWORD_CHARS = 8


class PasswordRefused(ValueError):
    """A Subsonic password that may not be used; the message says why."""


def secrets() -> list[str]:
    """The current SECRET_KEY first, then the fallbacks that still decrypt older passwords."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def check_password_allowed(user: User, password: str) -> None:
    """Refuse (:class:`PasswordRefused`) a password too short, too long, or the user's login password."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRefused(f"a Subsonic password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > auth.MAX_PASSWORD_CHARS:
        raise PasswordRefused(f"a Subsonic password has at most {auth.MAX_PASSWORD_CHARS} characters")
    if user.has_usable_password() and user.check_password(password):
        # Token auth means the server can recover this password: keep it apart from the login.
        raise PasswordRefused("use a password other than the user's login password")


def encrypted(password: str) -> str:
    return encrypt_password(password, secrets=secrets())


def account_password_set(user: User, password: str) -> None:
    """Give ``user`` this Subsonic password (encrypted; never the login password)."""
    check_password_allowed(user, password)
    SubsonicAccount.objects.update_or_create(user=user, defaults={"password_encrypted": encrypted(password)})


def api_key_create(user: User) -> str:
    """A new API key for ``user``: returned once, stored as its hash."""
    key = auth.new_api_key()
    ApiKey.objects.create(user=user, key_hash=auth.hash_api_key(key), prefix=key[:12])
    return key


def passwords_reencrypt() -> tuple[int, int]:
    """Re-encrypt every password under the current SECRET_KEY: (rewritten, unreadable)."""
    done = unreadable = 0
    with transaction.atomic():
        for account in SubsonicAccount.objects.select_for_update().exclude(password_encrypted=""):
            try:
                account.password_encrypted = reencrypt(account.password_encrypted, secrets=secrets())
            except PasswordUnreadable:
                unreadable += 1
                continue
            account.save(update_fields=["password_encrypted", "updated_at"])
            done += 1
    return done, unreadable


def _wrong() -> SubsonicError:
    return SubsonicError(errors.WRONG_CREDENTIALS, "Wrong username or password")


def _by_key(credentials: auth.KeyAuth) -> User:
    found = ApiKey.objects.select_related("user").filter(key_hash=auth.hash_api_key(credentials.key)).first()
    if found is None or not found.user.is_active:
        raise SubsonicError(errors.INVALID_API_KEY, "Invalid API key")
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def authenticate(credentials: auth.Credentials) -> User:
    """The active user the credentials prove, or code 40 / 44."""
    if isinstance(credentials, auth.KeyAuth):
        return _by_key(credentials)
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: credentials.username}).first()
    account = SubsonicAccount.objects.filter(user=user).first() if user is not None else None
    if user is None or account is None or not account.password_encrypted or not user.is_active:
        raise _wrong()
    try:
        stored = decrypt_password(account.password_encrypted, secrets=secrets())
    except PasswordUnreadable:
        logger.warning(
            "the Subsonic password of %s was encrypted under another SECRET_KEY; set it again "
            "(manage.py subsonic_user %s --password …)",
            credentials.username,
            credentials.username,
        )
        raise _wrong() from None
    if not auth.password_matches(stored, credentials):
        raise _wrong()
    return user
