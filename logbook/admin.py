from django.contrib import admin

from .models import LoggedSet, Session


class OneByOneDelete:
    """ "Delete selected" goes through each object's delete(), which keeps a runner's figures and plan right."""

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            obj.delete()


class LoggedSetInline(admin.TabularInline):
    model = LoggedSet
    extra = 0
    autocomplete_fields = ["exercise"]
    readonly_fields = ["volume_kg", "e1rm_kg", "contacts"]


@admin.register(Session)
class SessionAdmin(OneByOneDelete, admin.ModelAdmin):
    list_display = ["date", "user", "name", "planned_session"]
    list_select_related = ["user", "planned_session__enrollment__program", "planned_session__workout"]
    list_filter = ["date"]
    search_fields = ["user__username", "name", "notes"]
    date_hierarchy = "date"
    raw_id_fields = ["user", "planned_session"]
    inlines = [LoggedSetInline]


@admin.register(LoggedSet)
class LoggedSetAdmin(OneByOneDelete, admin.ModelAdmin):
    list_display = ["session", "order", "exercise", "exercise_name", "reps", "duration_s", "load_kg", "side"]
    list_select_related = [
        "exercise",
        "session__planned_session__enrollment__program",
        "session__planned_session__workout",
    ]
    list_filter = ["side", "kind"]
    search_fields = ["session__user__username", "exercise__name", "exercise_name"]
    raw_id_fields = ["session", "exercise"]
