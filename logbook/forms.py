import uuid
from decimal import Decimal

from django import forms
from django.forms import formset_factory

from exercises.models import Exercise
from programs.models import Program

from .models import MAX_DURATION_S, MAX_LOAD_KG, MAX_REPS, RPE_CHOICES, LoggedSet, Session
from .units import from_kg, to_kg


class SessionForm(forms.ModelForm):
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = ["date", "name", "notes", "effort", "duration_min"]
        labels = {
            "name": "Session name",
            "effort": "Overall effort (1–10)",
            "duration_min": "Duration (minutes)",
            "notes": "Notes",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("client_token", uuid.uuid4())


class SetForm(forms.Form):
    """One logged set; the load is typed in the runner's unit and stored in kg."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.order_by("name"), empty_label="Choose an exercise")
    reps = forms.IntegerField(min_value=1, max_value=MAX_REPS, required=False)
    duration_s = forms.IntegerField(min_value=1, max_value=MAX_DURATION_S, required=False, label="Seconds")
    load = forms.DecimalField(min_value=0, max_digits=8, decimal_places=3, required=False)
    side = forms.ChoiceField(choices=LoggedSet.Side.choices, initial=LoggedSet.Side.BOTH)
    rpe = forms.TypedChoiceField(
        choices=[("", "—")] + [(str(v), label) for v, label in RPE_CHOICES],
        coerce=Decimal,
        empty_value=None,
        required=False,
        label="RPE",
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, unit="kg", exercises=None, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)
        if exercises is not None:
            self.fields["exercise"].queryset = exercises
        self.fields["load"].label = f"Load ({unit})"
        self.fields["load"].help_text = "Empty for bodyweight"
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
            if self.is_bound and name in self.errors:
                field.widget.attrs["class"] += " is-invalid"
                field.widget.attrs["aria-invalid"] = "true"
        self.fields["reps"].widget.attrs.update(inputmode="numeric")
        self.fields["duration_s"].widget.attrs.update(inputmode="numeric")
        self.fields["load"].widget.attrs.update(inputmode="decimal", step="any")

    def clean_load(self):
        load = self.cleaned_data.get("load")
        if load is None:
            return None
        kg = to_kg(load, self.unit)
        if kg > MAX_LOAD_KG:
            raise forms.ValidationError(f"At most {from_kg(MAX_LOAD_KG, self.unit)} {self.unit}.")
        return kg

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("reps") is None and cleaned.get("duration_s") is None:
            self.add_error("reps", "Enter the reps, or the seconds for a timed set.")
        exercise = cleaned.get("exercise")
        if exercise and not exercise.unilateral and cleaned.get("side") not in (None, LoggedSet.Side.BOTH):
            self.add_error("side", f"{exercise.name} works both sides together; choose “Both”.")
        return cleaned

    def as_row(self):
        """The LoggedSet fields this form stands for."""
        data = self.cleaned_data
        return {
            "exercise": data["exercise"],
            "reps": data.get("reps"),
            "duration_s": data.get("duration_s"),
            "load_kg": data.get("load"),
            "side": data.get("side") or LoggedSet.Side.BOTH,
            "rpe": data.get("rpe"),
            "note": data.get("note") or "",
        }


class BaseSetFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not kept:
            raise forms.ValidationError("Log at least one set.")

    def rows(self):
        return [f.as_row() for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]


SetFormSet = formset_factory(
    SetForm, formset=BaseSetFormSet, extra=0, min_num=1, validate_min=False, can_delete=True, max_num=200
)


def set_initial(logged, unit):
    """Initial form data for an existing set, in the runner's unit."""
    return {
        "exercise": logged.exercise_id,
        "reps": logged.reps,
        "duration_s": logged.duration_s,
        "load": from_kg(logged.load_kg, unit) if logged.load_kg else None,
        "side": logged.side,
        "rpe": str(logged.rpe) if logged.rpe is not None else "",
        "note": logged.note,
    }


class HistoryFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("name"), to_field_name="slug", required=False, empty_label="Any program"
    )
    exercise = forms.ModelChoiceField(
        queryset=Exercise.objects.order_by("name"), to_field_name="slug", required=False, empty_label="Any exercise"
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Strong CSV export", help_text="In Strong: Settings → Export data.")
    unit = forms.ChoiceField(
        choices=[("kg", "kg"), ("lb", "lb")],
        label="Weights in the file are in",
        help_text="Strong's current export has no unit column; older ones say so per row, which wins.",
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("That file is over 10 MB; is it a Strong export?")
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("That file is not UTF-8 text; export it from Strong again.") from None
