from django.contrib import admin

from .models import Enrollment, PlannedSession, Prescription, Program, ProgramWeek, Workout


class PrescriptionInline(admin.TabularInline):
    model = Prescription
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "level", "weeks", "sessions_per_week", "is_plyometric"]
    list_filter = ["level", "is_plyometric"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["equipment", "sources"]


@admin.register(ProgramWeek)
class ProgramWeekAdmin(admin.ModelAdmin):
    list_display = ["program", "number", "focus"]
    list_filter = ["program"]


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ["__str__", "week", "order", "name"]
    list_filter = ["week__program"]
    inlines = [PrescriptionInline]


@admin.register(Prescription)
class PrescriptionAdmin(admin.ModelAdmin):
    list_display = ["workout", "order", "exercise", "sets", "reps_min", "reps_max", "duration_s", "per_side", "rest_s"]
    list_filter = ["workout__week__program"]
    autocomplete_fields = ["exercise"]


class PlannedSessionInline(admin.TabularInline):
    model = PlannedSession
    extra = 0
    fields = ["sequence", "week", "workout", "date", "status"]
    raw_id_fields = ["workout"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "start_date", "status", "created_at"]
    list_filter = ["status", "program"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
    inlines = [PlannedSessionInline]


@admin.register(PlannedSession)
class PlannedSessionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "sequence", "week", "date", "status"]
    list_filter = ["status"]
    search_fields = ["enrollment__user__username"]
    raw_id_fields = ["enrollment", "workout"]
