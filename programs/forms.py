from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.forms import WeekdaysField

from .models import Enrollment, Race

# A start date further away than this is a typo, not a plan.
MAX_START_AHEAD_DAYS = 365
MAX_START_BEHIND_DAYS = 28


def check_start_date(value, today=None):
    """Return an error message for an absurd start date, or None."""
    today = today or timezone.localdate()
    if value > today + timedelta(days=MAX_START_AHEAD_DAYS):
        return "Pick a start date within the next year."
    if value < today - timedelta(days=MAX_START_BEHIND_DAYS):
        return f"Pick a start date no more than {MAX_START_BEHIND_DAYS} days ago."
    return None


def check_weekdays(values):
    """Return an error message for an empty or invalid weekday list, or None."""
    if not values:
        return "Pick at least one training day."
    if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 6 for v in values):
        return "Weekdays are numbers from 0 (Monday) to 6 (Sunday)."
    if len(set(values)) != len(values):
        return "Each weekday can be picked once."
    return None


class EnrollForm(forms.Form):
    # <input type="date"> only accepts ISO dates; the en-gb default (04/03/2026) would show an empty box.
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="Start date")
    weekdays = WeekdaysField(label="Training days")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, program, **kwargs):
        self.user, self.program = user, program
        super().__init__(*args, **kwargs)

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        if error := check_start_date(value):
            raise forms.ValidationError(error)
        return value

    def clean_weekdays(self):
        value = self.cleaned_data["weekdays"]
        if error := check_weekdays(value):
            raise forms.ValidationError(error)
        return sorted(value)

    def clean(self):
        if Enrollment.objects.for_user(self.user).current().filter(program=self.program).exists():
            raise forms.ValidationError("You are already following this program. Restart it from My programs.")
        return super().clean()


class MoveForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="New date")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_date(self):
        value = self.cleaned_data["date"]
        today = timezone.localdate()
        if not today - timedelta(days=7) <= value <= today + timedelta(days=MAX_START_AHEAD_DAYS):
            raise forms.ValidationError("Pick a date from the last week up to a year ahead.")
        return value


class RaceForm(forms.ModelForm):
    """A race: date, distance, priority; the taper defaults by distance and can be changed."""

    class Meta:
        model = Race
        fields = ["name", "date", "distance", "priority", "taper_days", "primer"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "priority": forms.RadioSelect,
        }
        labels = {"taper_days": "Last leg session, days before the race", "primer": "Keep a short primer session"}
        help_texts = {
            "taper_days": "Leave empty for the default: 14 days for a marathon or ultra, 10 for a half, 7 for a 5K "
            "or 10K (see the race-week guide). A races only.",
            "primer": "One or two light sets, far from failure, two to four days out. Leaves no soreness.",
        }

    def clean_date(self):
        value = self.cleaned_data["date"]
        today = timezone.localdate()
        if not today - timedelta(days=MAX_START_BEHIND_DAYS) <= value <= today + timedelta(days=2 * 365):
            raise forms.ValidationError("Pick a date from the last four weeks up to two years ahead.")
        return value

    def clean_taper_days(self):
        value = self.cleaned_data["taper_days"]
        if value is not None and not 1 <= value <= 28:
            raise forms.ValidationError("Pick from 1 to 28 days, or leave it empty for the default.")
        return value
