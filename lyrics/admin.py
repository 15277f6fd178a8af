"""The Track admin: search, filters, a preview of every lyric layer, and uploads that name what is wrong.

Revisions (``lyrics.revisions``): each track's page lists them; a revision's
page shows a line diff against any other, restores it, or accepts or rejects
a published one. Flags from LRCLIB clients are listed for staff to resolve.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from lyrics import revisions
from lyrics.audio_answers import audio_roots
from lyrics.files import inside
from lyrics.lrc import LrcError, format_stamp
from lyrics.models import Flag, Revision, Track
from lyrics.reading import read_lyrics
from lyrics.services import (
    RevisionError,
    revision_accept,
    revision_reject,
    revision_restore,
    track_lyrics_set,
    track_matching,
)
from lyrics.text import TextDecodeError, decode_text
from lyrics.ttml import TtmlError
from project.clients import client_ip

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


class TrackForm(forms.ModelForm[Track]):
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
class TrackAdmin(admin.ModelAdmin[Track]):
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
        "revision_list",
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

    def get_fieldsets(self, request: HttpRequest, obj: Track | None = None) -> list[Any]:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(("Revisions", {"fields": ["revision_list"]}))
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Track, form: Any, change: bool) -> None:
        # The form's write (track_lyrics_set) is recorded at this save: say who made it.
        revisions.attribute(obj, user=request.user, client=client_ip(request))
        super().save_model(request, obj, form, change)

    @admin.display(description="revisions")
    def revision_list(self, track: Track) -> SafeString | str:
        return revision_table(track)

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


# --- Revisions ------------------------------------------------------------------

REVISION_ROWS = 50
EXCERPT_CHARS = 120

COMPARE_PAGE = """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">Home</a>
› <a href="{% url 'admin:lyrics_revision_changelist' %}">Revisions</a>
{% if track %}› <a href="{% url 'admin:lyrics_track_change' track.pk %}">{{ track }}</a>{% endif %}
› #{{ revision.pk }}</div>{% endblock %}
{% block content %}<div id="content-main" class="revision-compare">
<table>
<tr><th>Track</th><td>
{% if track %}<a href="{% url 'admin:lyrics_track_change' track.pk %}">{{ track }}</a>
{% if not revision.track_id %} (matches what the publisher named){% endif %}
{% else %}“{{ revision.title }}” by {{ revision.artist|default:"?" }}
{% if revision.album %}, {{ revision.album }}{% endif %}:
not in the library yet; accepting adds it, without audio{% endif %}
</td></tr>
<tr><th>Status</th><td>{{ revision.get_status_display }}
{% if is_current %} (the track's lyrics now){% endif %}</td></tr>
<tr><th>Source</th><td>{{ revision.source }}</td></tr>
<tr><th>By</th><td>{{ revision.author }}</td></tr>
<tr><th>When</th><td>{{ revision.created_at }}</td></tr>
<tr><th>Format</th><td>{{ revision.lyrics_format }}</td></tr>
{% if revision.origin_id %}<tr><th>Restores or accepts</th><td>
<a href="{% url 'admin:lyrics_revision_change' revision.origin_id %}">#{{ revision.origin_id }}</a>
</td></tr>{% endif %}
{% if revision.reviewed_at %}<tr><th>Reviewed</th>
<td>{{ revision.reviewed_at }} by {{ revision.reviewed_by|default:"—" }}</td></tr>{% endif %}
</table>
{% if can_restore or can_accept or can_reject %}<div class="submit-row">
{% if can_restore %}
<form method="post" action="{% url 'admin:lyrics_revision_restore' revision.pk %}">{% csrf_token %}
<input type="submit" class="default" name="restore" value="Restore this version"></form>
{% endif %}
{% if can_accept %}
<form method="post" action="{% url 'admin:lyrics_revision_accept' revision.pk %}">{% csrf_token %}
<input type="submit" class="default" name="accept" value="Accept: make these the track's lyrics"></form>
{% endif %}
{% if can_reject %}
<form method="post" action="{% url 'admin:lyrics_revision_reject' revision.pk %}">{% csrf_token %}
<input type="submit" name="reject" value="Reject"></form>
{% endif %}
</div>{% endif %}
<h2>Changes</h2>
{% if choices %}<form method="get"><label>Compare with <select name="with">
{% for choice in choices %}
<option value="{{ choice.pk }}"{% if choice == other %} selected{% endif %}>#{{ choice.pk }}
· {{ choice.created_at|date:"Y-m-d H:i" }} · {{ choice.source }} · {{ choice.status }}</option>
{% endfor %}
</select></label> <input type="submit" value="Compare"></form>{% endif %}
<p>{% if other %}From #{{ older.pk }} ({{ older.source }}, {{ older.status }}) to #{{ newer.pk }}
({{ newer.source }}, {{ newer.status }}): <del>removed lines</del>, <ins>added lines</ins>.
{% else %}Against no lyrics: every line is new.{% endif %}</p>
{{ diff }}
<h2>The text of #{{ revision.pk }}</h2>
<pre class="revision-text">{{ revision.text }}</pre>
</div>{% endblock %}
"""


@functools.cache
def _compare_page() -> Any:
    return engines["django"].from_string(COMPARE_PAGE)


def _excerpt(text: str) -> str:
    lines = [line for line in text.split("\n") if line.strip()]
    excerpt = " / ".join(lines[:3])
    return excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[: EXCERPT_CHARS - 1] + "…"


def _when(revision: Revision) -> str:
    return timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M:%S")


def revision_table(track: Track) -> SafeString | str:
    """The track's revisions, newest first, each linked to its page (diff, restore)."""
    if track.pk is None:
        return "—"
    found = list(track.revisions.select_related("user").order_by("-id")[: REVISION_ROWS + 1])
    if not found:
        return "—"
    now = revisions.current(track)
    rows = format_html_join(
        "\n",
        '<tr><td><a href="{}">#{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                reverse("admin:lyrics_revision_change", args=[revision.pk]),
                revision.pk,
                " (now)" if now is not None and revision.pk == now.pk else "",
                _when(revision),
                revision.source,
                revision.author,
                revision.get_status_display(),
                _excerpt(revision.text) or "(no lyrics)",
            )
            for revision in found[:REVISION_ROWS]
        ),
    )
    columns = ("revision", "when", "source", "by", "status", "text")
    head = format_html_join("", "<th>{}</th>", ((column,) for column in columns))
    more = ""
    if len(found) > REVISION_ROWS:
        every = reverse("admin:lyrics_revision_changelist") + f"?track__id__exact={track.pk}"
        more = format_html('<p><a href="{}">All revisions of this track</a></p>', every)
    flags = track.flags.filter(resolved=False).count()
    flagged = ""
    if flags:
        listing = reverse("admin:lyrics_flag_changelist") + f"?track__id__exact={track.pk}&resolved__exact=0"
        flagged = format_html('<p><a href="{}">{} open flag(s) on these lyrics</a></p>', listing, flags)
    return format_html(
        '{}<table class="revisions"><tr>{}</tr>{}</table>{}<p>Open a revision to compare it with any other '
        "and to restore it.</p>",
        flagged,
        head,
        rows,
        more,
    )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin[Revision]):
    """Read-only: a revision is never edited, only reviewed (pending ones) or restored (a new revision)."""

    list_display = ["id", "track_link", "created_at", "source", "status", "author", "excerpt"]
    list_filter = ["status", "source"]
    search_fields = ["track__title", "track__artist", "title", "artist", "text"]
    list_select_related = ["track", "user"]
    actions = ["accept_selected", "reject_selected", "compare_selected"]

    # One permission governs lyrics: who may change tracks reviews and restores their revisions.
    def has_view_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return request.user.has_perm("lyrics.view_track") or request.user.has_perm("lyrics.change_track")

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("lyrics.change_track")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        return False

    @admin.display(description="track", ordering="track__title")
    def track_link(self, revision: Revision) -> SafeString | str:
        if revision.track is None:
            return f"(new) {revision.artist} – {revision.title}"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:lyrics_track_change", args=[revision.track_id]),
            revision.track,
        )

    @admin.display(description="text")
    def excerpt(self, revision: Revision) -> str:
        return _excerpt(revision.text) or "(no lyrics)"

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any, name: str) -> URLPattern:
            pattern: URLPattern = path(
                f"<int:revision_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"lyrics_revision_{name}",
            )
            return pattern

        return [
            view(self.restore_view, "restore"),
            view(self.accept_view, "accept"),
            view(self.reject_view, "reject"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A revision's page: what it is, a diff against any other, and what staff may do with it."""
        revision = self.get_object(request, object_id)
        if revision is None:
            raise Http404("no such revision")
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        track = revision.track or track_matching(
            title=revision.title,
            artist=revision.artist,
            album=revision.album,
            duration_ms=revision.duration_ms,
        )
        now = revisions.current(track) if track is not None else None
        choices = (
            list(Revision.objects.filter(track=track).order_by("-id")[:200]) if track is not None else []
        )
        other = _compare_with(request, revision, choices, now)
        older, newer = sorted([other, revision], key=lambda r: r.pk) if other else (None, revision)
        reviewer = self.has_review_permission(request)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revision #{revision.pk}",
            "subtitle": str(track or revision.title),
            "opts": self.opts,
            "revision": revision,
            "track": track,
            "is_current": now is not None and now.pk == revision.pk,
            "choices": [choice for choice in choices if choice.pk != revision.pk],
            "other": other,
            "older": older,
            "newer": newer,
            "diff": revisions.diff_html(older.text if older else "", newer.text),
            "can_restore": reviewer
            and revision.status == Revision.Status.ACCEPTED
            and revision.track_id is not None
            and (now is None or now.pk != revision.pk),
            "can_accept": reviewer and revision.status != Revision.Status.ACCEPTED,
            "can_reject": reviewer and revision.status == Revision.Status.PENDING,
        }
        return HttpResponse(_compare_page().render(context, request))

    def _reviewed(self, request: HttpRequest, revision_id: int) -> Revision:
        if not self.has_review_permission(request):
            raise PermissionDenied
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None:
            raise PermissionDenied
        return revision

    def _back(self, revision: Revision) -> HttpResponseRedirect:
        if revision.track_id is not None:
            return HttpResponseRedirect(reverse("admin:lyrics_track_change", args=[revision.track_id]))
        return HttpResponseRedirect(reverse("admin:lyrics_revision_changelist"))

    def _again(self, revision: Revision) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:lyrics_revision_change", args=[revision.pk]))

    def restore_view(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        return require_POST(self._restore)(request, revision_id)

    def _restore(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        revision = self._reviewed(request, revision_id)
        try:
            restored = revision_restore(revision=revision, user=request.user, client=client_ip(request))
        except RevisionError as exc:
            messages.error(request, str(exc))
            return self._again(revision)
        if restored is None:
            messages.info(request, f"Revision #{revision.pk} already is the track's lyrics.")
        else:
            messages.success(request, f"Restored revision #{revision.pk} as revision #{restored.pk}.")
        return self._back(revision)

    def accept_view(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        return require_POST(self._accept)(request, revision_id)

    def _accept(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        revision = self._reviewed(request, revision_id)
        try:
            revision = revision_accept(revision=revision, user=request.user, client=client_ip(request))
        except RevisionError as exc:
            messages.error(request, str(exc))
            return self._again(revision)
        messages.success(request, f"Accepted revision #{revision.pk}: these are the track's lyrics now.")
        return self._back(revision)

    def reject_view(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        return require_POST(self._reject)(request, revision_id)

    def _reject(self, request: HttpRequest, revision_id: int) -> HttpResponse:
        revision = self._reviewed(request, revision_id)
        try:
            revision_reject(revision=revision, user=request.user)
        except RevisionError as exc:
            messages.error(request, str(exc))
            return self._again(revision)
        messages.success(request, f"Rejected revision #{revision.pk}.")
        return HttpResponseRedirect(reverse("admin:lyrics_revision_changelist") + "?status__exact=pending")

    @admin.action(
        permissions=["review"], description="Accept the selected revisions (their text becomes the lyrics)"
    )
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Revision]) -> None:
        done = 0
        for revision in queryset.exclude(status=Revision.Status.ACCEPTED).order_by("id"):
            revision_accept(revision=revision, user=request.user, client=client_ip(request))
            done += 1
        messages.success(request, f"Accepted {done} revision(s).")

    @admin.action(permissions=["review"], description="Reject the selected pending revisions")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Revision]) -> None:
        done = 0
        for revision in queryset.filter(status=Revision.Status.PENDING).order_by("id"):
            revision_reject(revision=revision, user=request.user)
            done += 1
        messages.success(request, f"Rejected {done} revision(s).")

    @admin.action(permissions=["view"], description="Compare the two selected revisions")
    def compare_selected(self, request: HttpRequest, queryset: QuerySet[Revision]) -> HttpResponse | None:
        chosen = list(queryset.order_by("id").values_list("pk", flat=True)[:3])
        if len(chosen) != 2:
            messages.warning(request, "Select exactly two revisions to compare.")
            return None
        older, newer = chosen
        return HttpResponseRedirect(reverse("admin:lyrics_revision_change", args=[newer]) + f"?with={older}")


def _compare_with(
    request: HttpRequest, revision: Revision, choices: list[Revision], now: Revision | None
) -> Revision | None:
    """The revision to diff against: ``?with=<id>``, else the lyrics now, else the one before."""
    wanted = request.GET.get("with", "")
    if wanted.isdigit():
        return Revision.objects.filter(pk=int(wanted)).exclude(pk=revision.pk).first()
    if now is not None and now.pk != revision.pk:
        return now
    earlier = [
        choice for choice in choices if choice.pk < revision.pk and choice.status == Revision.Status.ACCEPTED
    ]
    return earlier[0] if earlier else None


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin[Flag]):
    """Reports from LRCLIB clients (``POST /api/flag``) that a track's lyrics are wrong."""

    list_display = ["id", "track", "content_excerpt", "flagged_revision", "client", "created_at", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["track__title", "track__artist", "content"]
    list_select_related = ["track"]
    actions = ["resolve_selected", "reopen_selected"]

    def has_view_permission(self, request: HttpRequest, obj: Flag | None = None) -> bool:
        return request.user.has_perm("lyrics.view_track") or request.user.has_perm("lyrics.change_track")

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("lyrics.change_track")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Flag | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Flag | None = None) -> bool:
        return request.user.has_perm("lyrics.change_track")

    @admin.display(description="content")
    def content_excerpt(self, flag: Flag) -> str:
        return _excerpt(flag.content) or "(no reason given)"

    @admin.display(description="lyrics flagged")
    def flagged_revision(self, flag: Flag) -> SafeString | str:
        if flag.revision_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:lyrics_revision_change", args=[flag.revision_id]),
            flag.revision_id,
        )

    @admin.action(permissions=["review"], description="Mark the selected flags resolved")
    def resolve_selected(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        done = queryset.update(resolved=True)
        messages.success(request, f"Resolved {done} flag(s).")

    @admin.action(permissions=["review"], description="Reopen the selected flags")
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        done = queryset.update(resolved=False)
        messages.success(request, f"Reopened {done} flag(s).")
