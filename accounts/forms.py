from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User

from .client import USERNAME_MAX
from .models import WEEKDAYS, Profile


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; used only to reset your password.")

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


class ProfileForm(forms.ModelForm):
    strength_days = WeekdaysField(required=False, label="Days you usually do strength work")
    hard_run_days = WeekdaysField(required=False, label="Days with hard runs (intervals, tempo, hills)")
    long_run_day = forms.TypedChoiceField(
        choices=[("", "No regular long run")] + WEEKDAYS,
        coerce=int,
        empty_value=None,
        required=False,
        label="Long run day",
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
        fields = ["unit", "strength_days", "hard_run_days", "long_run_day", "timing", "bar_kg"]
        labels = {"unit": "Show loads in", "timing": "When should strength sessions go?"}
        widgets = {"unit": forms.RadioSelect, "timing": forms.RadioSelect}
        help_texts = {
            "timing": "Our sources disagree: one says lift on non-running days or after easy runs, "
            "another says lift after hard runs so easy days stay easy. Pick what suits you; "
            "Legwork uses it to suggest days."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "20", not "20.000": the stored value must match a choice to show as chosen.
        self.initial["bar_kg"] = f"{Decimal(self.instance.bar_kg).normalize():f}"

    def clean_bar_kg(self):
        # Left out (an older client, the API's settings): keep the bar already chosen.
        value = self.cleaned_data.get("bar_kg")
        return self.instance.bar_kg if value is None else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("long_run_day") is not None and cleaned["long_run_day"] in (cleaned.get("hard_run_days") or []):
            self.add_error("long_run_day", "Your long run day is also marked as a hard run day; pick one.")
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
