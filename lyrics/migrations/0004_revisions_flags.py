import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def keep_current_lyrics(apps, schema_editor):
    """Every track's lyrics as they are become its first revision: the first edit loses nothing."""
    Track = apps.get_model("lyrics", "Track")
    Revision = apps.get_model("lyrics", "Revision")
    tracks = Track.objects.exclude(lyrics_text="").only("lyrics_text", "lyrics_format", "lyrics_source", "updated_at")
    batch = []
    for track in tracks.iterator():
        batch.append(
            Revision(
                track_id=track.pk,
                text=track.lyrics_text,
                lyrics_format=track.lyrics_format or "lrc",
                source=track.lyrics_source or "unrecorded",
                created_at=track.updated_at,
            )
        )
        if len(batch) >= 500:
            Revision.objects.bulk_create(batch)
            batch = []
    Revision.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("lyrics", "0003_track_tags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(blank=True)),
                ("lyrics_format", models.CharField(default="lrc", max_length=10)),
                (
                    "source",
                    models.CharField(help_text="import, admin, upload, sync editor, lrclib, restore…", max_length=50),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("accepted", "Accepted"), ("pending", "Pending"), ("rejected", "Rejected")],
                        db_index=True,
                        default="accepted",
                        max_length=10,
                    ),
                ),
                (
                    "client",
                    models.CharField(blank=True, help_text="the client's address, for API writes", max_length=100),
                ),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                ("title", models.CharField(blank=True, max_length=500)),
                ("artist", models.CharField(blank=True, max_length=500)),
                ("album", models.CharField(blank=True, max_length=500)),
                ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "origin",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="lyrics.revision",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "track",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="lyrics.track",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.CreateModel(
            name="Flag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("content", models.TextField(blank=True)),
                ("client", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("resolved", models.BooleanField(default=False)),
                (
                    "track",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="flags", to="lyrics.track"
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="flags",
                        to="lyrics.revision",
                    ),
                ),
            ],
            options={"ordering": ["resolved", "-created_at", "-id"]},
        ),
        migrations.RunPython(keep_current_lyrics, migrations.RunPython.noop),
    ]
