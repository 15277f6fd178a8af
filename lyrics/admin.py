"""The Track admin: search, filters, a lyrics preview, and an LRC upload that names bad lines."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from lyrics.lrc import LrcError, format_stamp, parse_lrc_strict
from lyrics.models import Track
from lyrics.text import TextDecodeError, decode_text

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PREVIEW_LINES = 40


class TrackForm(forms.ModelForm):
    lyrics_file = forms.FileField(
        required=False,
        help_text="An .lrc or .txt file in any common encoding; it replaces the lyrics above.",
    )

    class Meta:
        model = Track
        fields = ["title", "artist", "album", "duration_ms", "language", "audio_path", "lyrics_text"]

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
        try:
            parse_lrc_strict(text)
        except LrcError as exc:
            raise forms.ValidationError(f"Not a valid LRC file: {exc}") from exc
        return text

    def save(self, commit: bool = True) -> Track:
        track = super().save(commit=False)
        uploaded = self.cleaned_data.get("lyrics_file")
        if uploaded is not None:
            track.set_lyrics(uploaded, source="upload")
        elif "lyrics_text" in self.changed_data:
            track.set_lyrics(self.cleaned_data["lyrics_text"], source="admin")
        if commit:
            track.save()
        return track


class HasAudioFilter(admin.SimpleListFilter):
    title = "audio"
    parameter_name = "has_audio"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("yes", "With audio"), ("no", "Without audio")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "yes":
            return queryset.with_audio()
        if self.value() == "no":
            return queryset.filter(audio_path="")
        return queryset


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = ["title", "artist", "album", "duration_label", "synced", "has_audio_flag", "lyrics_source"]
    list_filter = ["synced", HasAudioFilter, "language", "lyrics_source"]
    search_fields = ["title", "artist", "album", "lyrics_text"]
    readonly_fields = ["lyrics_preview", "synced", "offset_ms", "lyrics_source", "source_path", "updated_at"]
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
                    "lyrics_source",
                ]
            },
        ),
        ("Import", {"fields": ["source_path", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(boolean=True, description="audio")
    def has_audio_flag(self, track: Track) -> bool:
        return track.has_audio

    @admin.display(description="preview")
    def lyrics_preview(self, track: Track) -> str:
        lines = track.lines[:PREVIEW_LINES]
        if not lines:
            return "—"
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (format_stamp(line["time_ms"]) if line["time_ms"] is not None else "", line["text"])
                for line in lines
            ),
        )
        more = f"… {len(track.lines) - PREVIEW_LINES} more lines" if len(track.lines) > PREVIEW_LINES else ""
        return format_html("<table>{}</table>{}", rows, more)
