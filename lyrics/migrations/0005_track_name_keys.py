from django.db import migrations, models

from lyrics.lrclib import normalise_name


def fill_name_keys(apps, schema_editor):
    """Existing tracks get the keys Track.save() keeps for new ones (LRCLIB's matching names)."""
    Track = apps.get_model("lyrics", "Track")
    batch = []
    for track in Track.objects.only("title", "artist", "album").iterator(chunk_size=500):
        track.title_key = normalise_name(track.title)[:500]
        track.artist_key = normalise_name(track.artist)[:500]
        track.album_key = normalise_name(track.album)[:500]
        batch.append(track)
        if len(batch) >= 500:
            Track.objects.bulk_update(batch, ["title_key", "artist_key", "album_key"])
            batch = []
    Track.objects.bulk_update(batch, ["title_key", "artist_key", "album_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("lyrics", "0004_revisions_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="track",
            name="title_key",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="track",
            name="artist_key",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="track",
            name="album_key",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddIndex(
            model_name="track",
            index=models.Index(fields=["title_key", "artist_key"], name="track_lrclib_match"),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
    ]
