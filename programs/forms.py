from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.forms import WeekdaysField

from .models import Enrollment

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
