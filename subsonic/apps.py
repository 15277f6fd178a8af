from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SubsonicConfig(AppConfig):
    name = "subsonic"
    verbose_name = "Subsonic API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lyrics.models import Track
        from subsonic.catalog import forget_albums

        post_save.connect(forget_albums, sender=Track, dispatch_uid="subsonic-albums-save")
        post_delete.connect(forget_albums, sender=Track, dispatch_uid="subsonic-albums-delete")
