from django.contrib import admin

from .models import ContentVersion, Equipment, Exercise, Muscle, Source


@admin.register(Muscle)
class MuscleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region"]
    list_filter = ["region"]


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "pattern", "unilateral", "difficulty", "impact"]
    list_filter = ["pattern", "unilateral", "impact", "difficulty", "equipment"]
    search_fields = ["name", "aliases", "slug"]
    filter_horizontal = ["primary_muscles", "secondary_muscles", "equipment", "harder", "sources"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    """Read-only: the number moves by itself whenever content is saved or reloaded."""

    list_display = ["number", "changed_at"]
    readonly_fields = ["number", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
