from django.contrib import admin

from exercises.admin import ContentAdmin

from . import services
from .models import CalendarFeed, Enrollment, PlannedSession, Prescription, Program, ProgramWeek, Race, Workout


class PrescriptionInline(admin.TabularInline):
    model = Prescription
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.register(Program)
class ProgramAdmin(ContentAdmin):
    list_display = ["name", "slug", "level", "weeks", "sessions_per_week", "is_plyometric"]
    list_filter = ["level", "is_plyometric"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["equipment", "sources"]


@admin.register(ProgramWeek)
class ProgramWeekAdmin(ContentAdmin):
    list_display = ["program", "number", "focus"]
    list_filter = ["program"]


@admin.register(Workout)
class WorkoutAdmin(ContentAdmin):
    list_display = ["__str__", "week", "order", "name"]
    list_filter = ["week__program"]
    inlines = [PrescriptionInline]


@admin.register(Prescription)
class PrescriptionAdmin(ContentAdmin):
    list_display = ["workout", "order", "exercise", "sets", "reps_min", "reps_max", "duration_s", "per_side", "rest_s"]
    list_filter = ["workout__week__program"]
    autocomplete_fields = ["exercise"]


class ViewOnly:
    """A runner's schedule is theirs: the admin shows it; leaving a program goes through programs.services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlannedSessionInline(ViewOnly, admin.TabularInline):
    model = PlannedSession
    extra = 0
    fields = ["sequence", "week", "workout", "date", "status"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["user", "program", "start_date", "status", "created_at"]
    list_filter = ["status", "program"]
    search_fields = ["user__username"]
    inlines = [PlannedSessionInline]

    def get_deleted_objects(self, objs, request):
        # An enrolment's schedule goes with it: no separate permission to delete it is asked for.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        services.leave(obj)

    def delete_queryset(self, request, queryset):
        for enrollment in queryset:
            services.leave(enrollment)


@admin.register(PlannedSession)
class PlannedSessionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["enrollment", "sequence", "week", "date", "status"]
    list_select_related = ["enrollment__program", "enrollment__user", "workout"]
    list_filter = ["status"]
    search_fields = ["enrollment__user__username"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Race)
class RaceAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["user", "name", "date", "distance", "priority", "taper_days"]
    list_filter = ["distance", "priority"]
    search_fields = ["user__username", "name"]

    def delete_model(self, request, obj):
        services.delete_race(obj)

    def delete_queryset(self, request, queryset):
        for race in queryset:
            services.delete_race(race)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ViewOnly, admin.ModelAdmin):
    """Who has a calendar address; the token itself stays out of sight. Deleting one revokes it."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def delete_model(self, request, obj):
        services.revoke_feed(obj.user)

    def delete_queryset(self, request, queryset):
        for feed in queryset.select_related("user"):
            services.revoke_feed(feed.user)
