from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User

from .client import USERNAME_MAX
from .models import WEEKDAY_NAMES, WEEKDAYS, Profile, RunKind, RunTime, rest_week, time_zone_names


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; used only to reset your password.")
    # Filled in by static/js/timezone.js from the browser; changeable in settings.
    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        return value if value in time_zone_names() else ""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


class WeekdaysField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=WEEKDAYS, coerce=int, **kwargs)


# Bars as sold, stored in kg to the gram ("20.412" is 45 lb).
BAR_CHOICES = [
    ("20", "20 kg (standard Olympic bar)"),
    ("15", "15 kg (women's Olympic bar)"),
    ("10", "10 kg (technique bar)"),
    ("20.412", "45 lb"),
    ("15.876", "35 lb"),
]


def day_field(day):
    return f"day_{day}"


def time_field(day):
    return f"time_{day}"


class ProfileForm(forms.ModelForm):
    """Settings: the unit, the running week day by day, when strength goes, and the runner's time zone."""

    strength_days = WeekdaysField(required=False, label="Days you would like to do strength work")
    leg_sessions_per_week_max = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=7,
        label="Most leg sessions a week, across all programs",
        help_text="Strength and plyometric sessions together. Three suits most runners.",
    )
    time_zone = forms.ChoiceField(
        required=False,
        widget=forms.Select(attrs={"data-browser-time-zone": ""}),
        label="Time zone",
        help_text="Your today, your schedule and your calendar follow it. Filled in from your browser when empty.",
    )
    bar_kg = forms.TypedChoiceField(
        choices=BAR_CHOICES,
        coerce=Decimal,
        empty_value=None,
        required=False,
        label="Your barbell",
        help_text="The plate calculator loads plates onto this bar.",
    )

    class Meta:
        model = Profile
        fields = ["unit", "strength_days", "timing", "leg_sessions_per_week_max", "time_zone", "bar_kg"]
        labels = {"unit": "Show loads in", "timing": "When should strength sessions go?"}
        widgets = {"unit": forms.RadioSelect, "timing": forms.RadioSelect}
        help_texts = {
            "timing": "The articles disagree: one says lift on non-running days or after easy runs so hard days "
            "stay fresh, another says lift after hard runs so easy days stay easy. Pick what suits you; Legwork "
            "uses it to suggest days. A strength session on a hard day goes after the run, with some hours between."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "20", not "20.000": the stored value must match a choice to show as chosen.
        self.initial["bar_kg"] = f"{Decimal(self.instance.bar_kg).normalize():f}"
        self.fields["time_zone"].choices = [("", "The site's time zone (UTC)")] + [
            (name, name.replace("_", " ")) for name in sorted(time_zone_names())
        ]
        week = self.instance.running_week if len(self.instance.running_week or []) == 7 else rest_week()
        for day, name in enumerate(WEEKDAY_NAMES):
            self.fields[day_field(day)] = forms.ChoiceField(
                choices=RunKind.choices,
                required=False,
                label=name,
                initial=week[day].get("kind", RunKind.REST),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[time_field(day)] = forms.ChoiceField(
                choices=RunTime.choices,
                required=False,
                label=f"{name}: time of day",
                initial=week[day].get("time", ""),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def clean_bar_kg(self):
        # Left out (an older client, the API's settings): keep the bar already chosen.
        value = self.cleaned_data.get("bar_kg")
        return self.instance.bar_kg if value is None else value

    def day_rows(self):
        """(weekday name, kind field, time field) for the settings page's week table."""
        return [(name, self[day_field(d)], self[time_field(d)]) for d, name in enumerate(WEEKDAY_NAMES)]

    def clean_time_zone(self):
        return self.cleaned_data["time_zone"] if "time_zone" in self.data else self.instance.time_zone

    def clean_leg_sessions_per_week_max(self):
        value = self.cleaned_data["leg_sessions_per_week_max"]
        return self.instance.leg_sessions_per_week_max if value is None else value

    def clean(self):
        cleaned = super().clean()
        if any(day_field(d) in self.errors or time_field(d) in self.errors for d in range(7)):
            return cleaned
        # A day left out of the post keeps what it was (a script may send only the days it changes).
        current = self.instance.running_week if len(self.instance.running_week or []) == 7 else rest_week()
        week = [
            {
                "kind": cleaned.get(day_field(d)) or current[d].get("kind", RunKind.REST),
                "time": cleaned.get(time_field(d)) if day_field(d) in self.data else current[d].get("time", ""),
            }
            for d in range(7)
        ]
        longs = [d for d, day in enumerate(week) if day["kind"] == RunKind.LONG]
        if len(longs) > 1:
            self.add_error(day_field(longs[1]), "Pick one day for your long run.")
        cleaned["running_week"] = week
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password, to confirm")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class LoginForm(AuthenticationForm):
    """Django's log-in form; a username longer than any can be is refused in the field, so authenticate()
    (and the lockout's failure record) never sees it."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX:
            raise forms.ValidationError(f"A username is at most {USERNAME_MAX} characters.")
        return username


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=60,
        initial="API",
        label="Token name",
        help_text="Say where it is used, e.g. “phone” or “backup script”. A name in use is rotated.",
    )
