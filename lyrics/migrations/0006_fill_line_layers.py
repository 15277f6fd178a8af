"""Lines stored before the rich layers get every key the contract promises (absent layers null/[])."""

from django.db import migrations

DEFAULTS = {
    "end_ms": None,
    "words": [],
    "agent": None,
    "background": None,
    "translation": None,
    "pronunciation": None,
}
WORD_DEFAULTS = {"end_ms": None}


def fill(apps, schema_editor):
    Track = apps.get_model("lyrics", "Track")
    for track in Track.objects.only("lines").iterator(chunk_size=500):
        if all(DEFAULTS.keys() <= line.keys() for line in track.lines):
            continue
        track.lines = [
            {**DEFAULTS, **line, "words": [{**WORD_DEFAULTS, **word} for word in line.get("words") or []]}
            for line in track.lines
        ]
        track.save(update_fields=["lines"])


class Migration(migrations.Migration):
    dependencies = [
        ("lyrics", "0005_track_name_keys"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
