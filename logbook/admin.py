"""The training log in the admin: for looking, and for deleting through the log's own services.

A runner's log is theirs: the admin shows it for support but does not edit sets (an edit there would
bypass the rules and the figures that logbook.services keeps). Deleting goes through the service, so
figures and the runner's plan stay right.
"""

from django.contrib import admin

from . import services
from .models import LoggedSet, Session


class ViewAndDeleteOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LoggedSetInline(ViewAndDeleteOnly, admin.TabularInline):
    model = LoggedSet
    extra = 0
    fields = ["order", "exercise", "exercise_name", "kind", "reps", "duration_s", "load_kg", "side", "rpe", "note"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False  # a set goes with an edit of its session, by the runner


@admin.register(Session)
class SessionAdmin(ViewAndDeleteOnly, admin.ModelAdmin):
    list_display = ["date", "user", "name", "planned_session"]
    list_select_related = ["user", "planned_session__enrollment__program", "planned_session__workout"]
    list_filter = ["date"]
    search_fields = ["user__username", "name", "notes"]
    date_hierarchy = "date"
    inlines = [LoggedSetInline]

    def get_deleted_objects(self, objs, request):
        # A session's sets go with it: no separate permission to delete them is asked for.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        services.delete_session(obj)

    def delete_queryset(self, request, queryset):
        for session in queryset.select_related("planned_session__enrollment"):
            services.delete_session(session)


@admin.register(LoggedSet)
class LoggedSetAdmin(ViewAndDeleteOnly, admin.ModelAdmin):
    list_display = ["session", "order", "exercise", "exercise_name", "reps", "duration_s", "load_kg", "side"]
    list_select_related = [
        "exercise",
        "session__planned_session__enrollment__program",
        "session__planned_session__workout",
    ]
    list_filter = ["side", "kind"]
    search_fields = ["session__user__username", "exercise__name", "exercise_name"]

    def has_delete_permission(self, request, obj=None):
        return False
