from django.contrib import admin

from .models import LoggedSet, Session


class LoggedSetInline(admin.TabularInline):
    model = LoggedSet
    extra = 0
    autocomplete_fields = ["exercise"]
    readonly_fields = ["volume_kg", "e1rm_kg", "contacts"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "name", "planned_session"]
    list_filter = ["date"]
    search_fields = ["user__username", "name", "notes"]
    date_hierarchy = "date"
    raw_id_fields = ["user", "planned_session"]
    inlines = [LoggedSetInline]


@admin.register(LoggedSet)
class LoggedSetAdmin(admin.ModelAdmin):
    list_display = ["session", "order", "exercise", "exercise_name", "reps", "duration_s", "load_kg", "side"]
    list_filter = ["side", "kind"]
    search_fields = ["session__user__username", "exercise__name", "exercise_name"]
    raw_id_fields = ["session", "exercise"]
