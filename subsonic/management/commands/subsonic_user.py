"""``manage.py subsonic_user <username> [--password PW] [--api-key] …``: Subsonic credentials."""

from __future__ import annotations

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from subsonic.accounts import PasswordRefused, account_password_set, api_key_create, passwords_reencrypt
from subsonic.models import ApiKey, SubsonicAccount

HELP = """\
Set up a user for Subsonic players (creating the Django user if missing).

--password PW sets the Subsonic password: players send it (or md5 tokens of
it), so Byeol keeps it encrypted under a key derived from SECRET_KEY, apart
from the login password, which it may not equal. --api-key prints a new API
key once (only its hash is kept); --list-keys shows the user's keys and
--revoke-keys deletes them. After rotating SECRET_KEY (old one in
SECRET_KEY_FALLBACKS), --reencrypt rewrites every stored password under the
new key; USERNAME is then ignored.

Examples:
  python manage.py subsonic_user alice --password 'long player password'
  python manage.py subsonic_user alice --api-key
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", nargs="?", help="the Django user (created if missing)")
        parser.add_argument("--password", help="set the Subsonic password")
        parser.add_argument("--api-key", action="store_true", help="print a new API key")
        parser.add_argument("--list-keys", action="store_true", help="list the user's API keys")
        parser.add_argument("--revoke-keys", action="store_true", help="delete all the user's API keys")
        parser.add_argument(
            "--reencrypt", action="store_true", help="re-encrypt all passwords (key rotation)"
        )

    def handle(self, *args: object, **options: Any) -> None:
        if options["reencrypt"]:
            done, unreadable = passwords_reencrypt()
            self.stdout.write(f"{done} passwords re-encrypted, {unreadable} unreadable (set those again)")
            return
        username = options["username"]
        if not username:
            raise CommandError("give a username")
        model = get_user_model()
        user, created = model._default_manager.get_or_create(**{model.USERNAME_FIELD: username})
        if created:
            user.set_unusable_password()
            user.save()
            self.stderr.write(f"created user {username} (no login password; set one with changepassword)")
        if options["revoke_keys"]:
            count, _ = ApiKey.objects.filter(user=user).delete()
            self.stdout.write(f"{count} API keys revoked")
        if options["password"] is not None:
            try:
                account_password_set(user, str(options["password"]))
            except PasswordRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(f"Subsonic password set for {username}")
        if options["api_key"]:
            self.stdout.write(api_key_create(user))
        if options["list_keys"]:
            for key in ApiKey.objects.filter(user=user).order_by("created_at"):
                used = key.last_used_at.isoformat() if key.last_used_at else "never"
                self.stdout.write(f"{key.prefix}…  created {key.created_at.isoformat()}  last used {used}")
        if (
            not any(options[name] for name in ("api_key", "list_keys", "revoke_keys"))
            and options["password"] is None
        ):
            has = SubsonicAccount.objects.filter(user=user).exclude(password_encrypted="").exists()
            self.stdout.write(f"{username}: Subsonic password {'set' if has else 'not set'}")
