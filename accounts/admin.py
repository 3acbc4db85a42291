from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "long_run_day", "timing"]
    search_fields = ["user__username"]
