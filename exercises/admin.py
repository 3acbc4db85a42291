from django.contrib import admin

from .models import ContentVersion, Equipment, Exercise, Muscle, Source
from .services import bump_content_version


class ContentAdmin(admin.ModelAdmin):
    """An admin for library or program content: every save or delete bumps the content version once.

    Django's admin runs each of these inside the request's change-form transaction, so the bump commits
    with the edit.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after save_model: many-to-many and inlines
        bump_content_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_content_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_content_version()


@admin.register(Muscle)
class MuscleAdmin(ContentAdmin):
    list_display = ["name", "slug", "region"]
    list_filter = ["region"]


@admin.register(Equipment)
class EquipmentAdmin(ContentAdmin):
    list_display = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "slug"]


@admin.register(Exercise)
class ExerciseAdmin(ContentAdmin):
    list_display = ["name", "slug", "pattern", "unilateral", "difficulty", "impact"]
    list_filter = ["pattern", "unilateral", "impact", "difficulty", "equipment"]
    search_fields = ["name", "aliases", "slug"]
    filter_horizontal = ["primary_muscles", "secondary_muscles", "equipment", "harder", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["owner"]

    def get_queryset(self, request):
        # The library only: runners' own exercises are their data, not content.
        return super().get_queryset(request).filter(owner__isnull=True)


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    """Read-only: the number moves by itself whenever content is saved or reloaded."""

    list_display = ["number", "changed_at"]
    readonly_fields = ["number", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
