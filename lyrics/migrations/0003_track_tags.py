from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lyrics", "0003_library_folder"),
    ]

    operations = [
        migrations.AddField(
            model_name="track",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="track",
            name="genre",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="track",
            name="track_number",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="track",
            name="disc_number",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
    ]
