"""Subsonic passwords and API keys in the admin: set a password, view and revoke keys."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from subsonic.accounts import PasswordRefused, check_password_allowed, encrypted
from subsonic.models import ApiKey, SubsonicAccount


class AccountForm(forms.ModelForm[SubsonicAccount]):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="The password Subsonic players use (not the login password). Stored encrypted; "
        "leave empty to keep the current one.",
    )

    class Meta:
        model = SubsonicAccount
        fields = ["user"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        password, user = data.get("password"), data.get("user")
        if password and user is not None:
            try:
                check_password_allowed(user, password)
            except PasswordRefused as exc:
                self.add_error("password", str(exc))
        elif not password and self.instance.pk is None:
            self.add_error("password", "a new account needs a password")
        return data


@admin.register(SubsonicAccount)
class SubsonicAccountAdmin(admin.ModelAdmin[SubsonicAccount]):
    form = AccountForm
    list_display = ["user", "has_password", "updated_at"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    @admin.display(boolean=True)
    def has_password(self, account: SubsonicAccount) -> bool:
        return bool(account.password_encrypted)

    def save_model(self, request: HttpRequest, obj: SubsonicAccount, form: forms.Form, change: bool) -> None:
        if password := form.cleaned_data.get("password"):
            obj.password_encrypted = encrypted(password)
        super().save_model(request, obj, form, change)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are made by ``manage.py subsonic_user <name> --api-key``; here they are seen and revoked."""

    list_display = ["prefix", "user", "created_at", "last_used_at"]
    list_filter = ["user"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
