from django.contrib import admin

from stations.models import QueueEntry, Station


class QueueEntryInline(admin.TabularInline[QueueEntry, Station]):
    model = QueueEntry
    autocomplete_fields = ["track"]
    extra = 1


@admin.register(Station)
class StationAdmin(admin.ModelAdmin[Station]):
    list_display = ["name", "slug", "playing", "current_track", "started_at", "clock_holder"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "playing",
        "current_track",
        "started_at",
        "last_line_index",
        "clock_holder",
        "clock_expires_at",
    ]
    fields = ["name", "slug", *readonly_fields]
    inlines = [QueueEntryInline]
