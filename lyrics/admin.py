"""The Track admin: search, filters, a preview of every lyric layer, and uploads that name what is wrong."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lyrics.audio_answers import audio_roots
from lyrics.files import inside
from lyrics.lrc import LrcError, format_stamp
from lyrics.models import Track
from lyrics.reading import read_lyrics
from lyrics.services import track_lyrics_set
from lyrics.text import TextDecodeError, decode_text
from lyrics.ttml import TtmlError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PREVIEW_LINES = 40


def check_lyrics(text: str) -> None:
    """Raise a ValidationError naming the line or element that cannot be read."""
    try:
        read_lyrics(text, strict=True, pronunciation=False)
    except LrcError as exc:
        raise forms.ValidationError(f"Not a valid LRC file: {exc}") from exc
    except TtmlError as exc:
        raise forms.ValidationError(f"Not a readable TTML file: {exc}") from exc


class TrackForm(forms.ModelForm):
    lyrics_file = forms.FileField(
        required=False,
        help_text="An .lrc, .ttml or .txt file in any common encoding; it replaces the lyrics above.",
    )

    class Meta:
        model = Track
        fields = ["title", "artist", "album", "duration_ms", "language", "audio_path", "lyrics_text"]

    def clean_audio_path(self) -> str:
        value = str(self.cleaned_data.get("audio_path") or "")
        if not value or ("audio_path" in self.initial and value == self.initial["audio_path"]):
            return value
        real = Path(os.path.realpath(value))
        if "\0" in value or not real.is_file() or not inside(real, audio_roots()):
            raise forms.ValidationError(
                "Audio is served only from the library folders (or AUDIO_ROOTS): "
                "give the path of an audio file inside one of them."
            )
        return value

    def clean_lyrics_text(self) -> str:
        text = str(self.cleaned_data.get("lyrics_text") or "")
        if "lyrics_text" in self.changed_data and text.strip():
            check_lyrics(text)
        return text

    def clean_lyrics_file(self) -> str | None:
        upload = self.cleaned_data.get("lyrics_file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: not a lyrics file.")
        try:
            text = decode_text(upload.read()).text
        except TextDecodeError as exc:
            raise forms.ValidationError(f"Could not read the file as text: {exc}") from exc
        check_lyrics(text)
        return text

    def save(self, commit: bool = True) -> Track:
        track: Track = super().save(commit=False)
        uploaded = self.cleaned_data.get("lyrics_file")
        if uploaded is not None:
            track_lyrics_set(track=track, text=uploaded, source="upload", save=False)
        elif "lyrics_text" in self.changed_data:
            track_lyrics_set(track=track, text=self.cleaned_data["lyrics_text"], source="admin", save=False)
        if commit:
            track.save()
        return track


class HasAudioFilter(admin.SimpleListFilter):
    title = "audio"
    parameter_name = "has_audio"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "With audio"), ("no", "Without audio")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.with_audio()
        if self.value() == "no":
            return queryset.filter(audio_path="")
        return queryset


def _preview_row(line: dict[str, Any]) -> tuple[str, str, str, str]:
    stamp = format_stamp(line["time_ms"]) if line.get("time_ms") is not None else ""
    voice = line.get("agent") or ""
    layers = [line.get("translation"), line.get("pronunciation")]
    if line.get("background"):
        layers.append(f"({line['background']['text']})")
    return stamp, voice, line["text"], " · ".join(layer for layer in layers if layer)


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = ["title", "artist", "album", "duration_label", "synced", "has_audio_flag", "lyrics_source"]
    list_filter = ["synced", HasAudioFilter, "language", "lyrics_source", "lyrics_format"]
    search_fields = ["title", "artist", "album", "lyrics_text"]
    readonly_fields = [
        "lyrics_preview",
        "synced",
        "offset_ms",
        "lyrics_source",
        "lyrics_format",
        "source_path",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "artist", "album", "duration_ms", "language", "audio_path"]}),
        (
            "Lyrics",
            {
                "fields": [
                    "lyrics_file",
                    "lyrics_text",
                    "lyrics_preview",
                    "synced",
                    "offset_ms",
                    "lyrics_format",
                    "lyrics_source",
                ]
            },
        ),
        ("Import", {"fields": ["source_path", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Track | None = None) -> list[str]:
        # A file path decides what anyone can download: only superusers may set one.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("audio_path")
        return fields

    @admin.display(boolean=True, description="audio")
    def has_audio_flag(self, track: Track) -> bool:
        return track.has_audio

    @admin.display(description="preview")
    def lyrics_preview(self, track: Track) -> SafeString | str:
        lines = track.lines[:PREVIEW_LINES]
        if not lines:
            return "—"
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (_preview_row(line) for line in lines),
        )
        names = ", ".join(f"{a['id']}: {a.get('name') or '?'}" for a in track.agents)
        columns = ("time", "voice", "line", "translation · pronunciation · background")
        head = format_html("<tr>{}</tr>", format_html_join("", "<th>{}</th>", ((c,) for c in columns)))
        more = f"… {len(track.lines) - PREVIEW_LINES} more lines" if len(track.lines) > PREVIEW_LINES else ""
        return format_html("<p>{}</p><table>{}{}</table>{}", names, head, rows, more)
