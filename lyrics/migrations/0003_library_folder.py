from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lyrics", "0002_lyric_layers"),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryFolder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("path", models.CharField(max_length=2048, unique=True)),
                ("imported_at", models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
