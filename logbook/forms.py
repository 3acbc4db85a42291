import uuid
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.fields import DecimalFormField, IntegerFormField
from exercises import widgets
from exercises.models import Exercise
from programs.models import Program

from . import importers, rules
from .models import RPE_CHOICES, LoggedSet, Session
from .units import exact, from_kg, to_kg


class SessionForm(forms.ModelForm):
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # The version the edit page was loaded at: saving over a newer one is refused (logbook.services).
    version = IntegerFormField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Session
        fields = ["date", "name", "notes", "effort", "duration_min"]
        field_classes = {"effort": IntegerFormField, "duration_min": IntegerFormField}
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
        if not self.is_bound and self.instance.pk is not None:
            self.initial["version"] = self.instance.version

    def clean_date(self):
        value = self.cleaned_data["date"]
        if problem := rules.date_problem(value, timezone.localdate()):
            raise forms.ValidationError(problem)
        return value

    def details(self):
        """The session fields for logbook.services, from the cleaned form."""
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}

    def clean_client_token(self):
        # A mangled token is no reason to refuse a session: it just gets a fresh one.
        return parse_token(self.cleaned_data.get("client_token"))


def parse_token(value):
    """The form's client token as a UUID, or None when it is missing or not a UUID."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def exercise_library(user=None):
    """What the runner may log (the library and their own exercises), for the exercise select of every set
    row: one query, and its options written once a page."""
    return widgets.ExerciseOptions(Exercise.objects.loggable_by(user).order_by("name"))


# Kit that means the move is done with a weight: logged without a load, it would be saved as bodyweight.
WEIGHTS = {"barbell", "dumbbell", "kettlebell", "machine"}
FREE = {"bodyweight", "resistance-band", "mini-band"}


def kit_of(exercises):
    """{exercise id: set of equipment slugs} for `exercises`, in one query, kept on the page's library."""
    if (found := getattr(exercises, "kit", None)) is not None:
        return found
    found = {e.pk: set() for e in exercises}
    pairs = Exercise.equipment.through.objects.filter(exercise_id__in=list(found)).values_list(
        "exercise_id", "equipment__slug"
    )
    for exercise_id, slug in pairs:
        found[exercise_id].add(slug)
    if isinstance(exercises, widgets.ExerciseOptions):
        exercises.kit = found
    return found


def needing_load(exercises):
    """The ids of `exercises` always done with a weight (a weight among their kit, and no bodyweight or band)."""
    return {pk for pk, slugs in kit_of(exercises).items() if slugs & WEIGHTS and not slugs & FREE}


def barbell_ids(exercises):
    return {pk for pk, slugs in kit_of(exercises).items() if "barbell" in slugs}


def to_decimal(value):
    """Decimal(value), failing the way form fields expect (a formset coerces raw input to see what changed)."""
    try:
        return Decimal(value)
    except ArithmeticError as exc:
        raise ValueError(value) from exc


class Checkbox(forms.CheckboxInput):
    """A checkbox written without Django's widget template (as exercises.widgets writes its inputs)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.check_test(value):
            attrs["checked"] = True
        return mark_safe(f'<input type="checkbox" name="{widgets.escape(name)}"{widgets.attributes(attrs)}>')


class SharedChoicesMixin:
    """A choice field whose choices every form of a formset shares.

    Django deep-copies a field's choices for each form it builds; these are never changed in place (a form
    that needs others assigns new ones), so each form's copy shares them: a 28-set page built 28 copies of
    every list, most of the time its forms took to make.
    """

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class SharedChoiceField(SharedChoicesMixin, forms.ChoiceField):
    pass


class SharedTypedChoiceField(SharedChoicesMixin, forms.TypedChoiceField):
    pass


class SetForm(forms.Form):
    """One logged set; the load is typed in the runner's unit and stored in kg."""

    # Choices come from one list shared by every row of the formset: one query per page, not per row.
    exercise = SharedTypedChoiceField(choices=[], required=False, empty_value=None, widget=widgets.ExercisePicker)
    # Fields only parse what was typed; logbook.rules says what is allowed (clean()).
    reps = IntegerFormField(required=False, widget=widgets.NumberInput)
    duration_s = IntegerFormField(required=False, label="Seconds", widget=widgets.NumberInput)
    load = DecimalFormField(max_digits=8, decimal_places=3, required=False, widget=widgets.NumberInput)
    side = SharedChoiceField(choices=LoggedSet.Side.choices, initial=LoggedSet.Side.BOTH, widget=widgets.Select)
    rpe = SharedTypedChoiceField(
        choices=[("", "—")] + [(str(v), label) for v, label in RPE_CHOICES],
        coerce=to_decimal,
        empty_value=None,
        required=False,
        label="RPE",
        widget=widgets.Select,
    )
    note = forms.CharField(required=False, widget=widgets.TextInput)
    # Ticked in the gym as each set is done. Finishing a session with ticks saves the ticked sets.
    done = forms.BooleanField(required=False, label="Done", widget=Checkbox)
    # Not edited on the page, but kept: a warm-up stays a warm-up, an imported distance stays, and
    # a set imported under a name the library does not know keeps that name until one is chosen.
    exercise_name = forms.CharField(required=False, widget=widgets.HiddenInput)
    kind = SharedChoiceField(choices=LoggedSet.Kind.choices, required=False, widget=widgets.HiddenInput)
    distance_m = DecimalFormField(max_digits=9, decimal_places=2, required=False, widget=widgets.HiddenInput)

    def __init__(self, *args, unit="kg", exercises=None, needs_load=(), **kwargs):
        self.unit = unit
        self.needs_load = needs_load
        super().__init__(*args, **kwargs)
        exercises = exercise_library() if exercises is None else exercises
        if not isinstance(exercises, widgets.ExerciseOptions):
            exercises = widgets.ExerciseOptions(exercises)
        by_pk = exercises.by_pk
        imported = (
            self.data.get(self.add_prefix("exercise_name")) if self.is_bound else self.initial.get("exercise_name")
        )
        field = self.fields["exercise"]
        empty = f"{imported} (not in library)" if imported else "Choose an exercise"
        field.choices = exercises.choices(empty)
        field.coerce = lambda pk: by_pk.get(str(pk), pk)
        field.widget.library = exercises  # the page's options, written once for every row
        self.fields["load"].label = f"Load ({unit})"
        self.fields["load"].help_text = "Empty for bodyweight"
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["done"].widget.attrs["class"] = "btn-check set-done"
        # The browser's own hints, from the same limits the rules check.
        self.fields["reps"].widget.attrs.update(inputmode="numeric", min=1, max=rules.MAX_REPS)
        self.fields["duration_s"].widget.attrs.update(inputmode="numeric", min=1, max=rules.MAX_DURATION_S)
        self.fields["load"].widget.attrs.update(inputmode="decimal", step="any", min=0)
        self.fields["note"].widget.attrs.update(maxlength=rules.MAX_NOTE)

    def clean_load(self):
        load = self.cleaned_data.get("load")
        if load is None:
            return None
        if not 0 <= to_kg(load, self.unit) <= rules.MAX_LOAD_KG:  # said in the runner's unit, not in kg
            raise forms.ValidationError(f"A load runs from 0 to {from_kg(rules.MAX_LOAD_KG, self.unit):f} {self.unit}.")
        return to_kg(load, self.unit)

    def full_clean(self):
        super().full_clean()
        # Marked after validating, not in __init__: validating there ran before the formset added
        # its DELETE field, so "Remove" was never seen.
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"

    # The rule set's field names, where the form calls a field otherwise.
    FIELD_FOR = {"load_kg": "load"}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # a field could not even be read; its own message says why
        row = self.as_row()
        for name, message in rules.set_problems(**row).items():
            name = self.FIELD_FOR.get(name, name)
            self.add_error(name if name in self.fields else None, message)
        exercise = row["exercise"]
        if exercise is not None and exercise.pk in self.needs_load and not row["load_kg"] and not self.errors:
            # A barbell lift saved at bodyweight would throw off every suggestion after it: ask instead.
            self.add_error("load", f"How heavy was it? Type the load in {self.unit}; {exercise.name} needs one.")
        return cleaned

    def as_row(self):
        """The LoggedSet fields this form stands for."""
        data = self.cleaned_data
        exercise = data.get("exercise")
        # The name a set came in under stays while it is logged as the same exercise; choosing another
        # exercise for it drops the name.
        same = exercise is None or str(getattr(exercise, "pk", "")) == str(self.initial.get("exercise") or "")
        return {
            "exercise": exercise,
            "exercise_name": (data.get("exercise_name") or "") if same else "",
            "reps": data.get("reps"),
            "duration_s": data.get("duration_s"),
            "load_kg": data.get("load"),
            "side": data.get("side") or LoggedSet.Side.BOTH,
            "rpe": data.get("rpe"),
            "note": data.get("note") or "",
            "kind": data.get("kind") or LoggedSet.Kind.WORKING,
            "distance_m": data.get("distance_m"),
        }


class BaseSetFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if problem := rules.sets_problem(len(kept)):
            raise forms.ValidationError(problem)

    def rows(self, ticked_only=False):
        """The sets to save, in order; with `ticked_only`, only the ones ticked done (all, when none is)."""
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        ticked = [f for f in kept if f.cleaned_data.get("done")]
        return [f.as_row() for f in (ticked if ticked_only and ticked else kept)]


SetFormSet = formset_factory(
    SetForm,
    formset=BaseSetFormSet,
    extra=0,
    min_num=1,
    validate_min=False,
    can_delete=True,
    max_num=rules.MAX_SETS,
    # Never build more forms than that, whatever TOTAL_FORMS says (Django's default allows 1,200,
    # which takes one request half a minute to render).
    absolute_max=rules.MAX_SETS,
)


def set_initial(logged, unit):
    """Initial form data for an existing set, in the runner's unit."""
    return {
        "exercise": logged.exercise_id,
        "exercise_name": logged.exercise_name,
        "reps": logged.reps,
        "duration_s": logged.duration_s,
        "load": exact(logged.load_kg, unit),
        "side": logged.side,
        # "7", not "7.0": the value must match an RPE option or saving the form drops it.
        "rpe": f"{logged.rpe.normalize():f}" if logged.rpe is not None else "",
        "note": logged.note,
        "done": True,
        "kind": logged.kind,
        "distance_m": logged.distance_m,
    }


class HistoryFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("name").only("slug", "name"),  # all the select shows
        to_field_name="slug",
        required=False,
        empty_label="Any program",
        widget=widgets.Select(attrs={"class": "form-select"}),
    )
    exercise = forms.ModelChoiceField(
        queryset=Exercise.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any exercise",
        widget=widgets.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = Exercise.objects.loggable_by(user).order_by("name").only("slug", "name")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Strong or Hevy CSV export",
        help_text="In Strong: Settings → Export data. In Hevy: Settings → Export & import data → Export workouts.",
    )
    unit = forms.ChoiceField(
        choices=[("kg", "kg"), ("lb", "lb")],
        label="Weights in the file are in",
        help_text="Strong's current export has no unit column; a unit in the file's header or rows wins.",
    )
    distance_unit = forms.ChoiceField(
        choices=[
            ("", "Same as the weights: km with kg, miles with lb"),
            ("km", "km"),
            ("mi", "miles"),
            ("m", "metres"),
        ],
        required=False,
        label="Distances in the file are in",
        help_text="Only for a plain “Distance” column; a unit in the header or rows wins.",
    )

    MAX_BYTES = importers.MAX_BYTES

    def clean_file(self):
        try:
            return importers.read_upload(self.cleaned_data["file"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class OwnExerciseForm(forms.ModelForm):
    """Name, movement, muscles, equipment and sidedness of a runner's own exercise."""

    class Meta:
        model = Exercise
        fields = ["name", "pattern", "primary_muscles", "equipment", "unilateral"]
        labels = {
            "primary_muscles": "Muscles worked",
            "equipment": "Equipment (Bodyweight for a bodyweight move)",
            "unilateral": "One side at a time",
        }
        widgets = {
            "primary_muscles": forms.CheckboxSelectMultiple,
            "equipment": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_muscles"].required = False
        self.fields["equipment"].required = False
        self.fields["pattern"].initial = Exercise.Pattern.OTHER

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the exercise a name.")
        return name

    def details(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "pattern": data["pattern"],
            "unilateral": data["unilateral"],
            "primary_muscles": list(data["primary_muscles"]),
            "equipment": list(data["equipment"]),
        }


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Exercise.objects.none(), label="Merge into", empty_label="Choose an exercise"
    )

    def __init__(self, *args, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Exercise.objects.loggable_by(exercise.owner).exclude(pk=exercise.pk).order_by("owner", "name")
        )
        self.fields["into"].label_from_instance = lambda e: f"{e.name} (yours)" if e.owner_id else e.name


NEW = "new"


class ReviewForm(forms.Form):
    """One choice per name in an upload: a library exercise, one of the runner's own, or a new own one."""

    def __init__(self, *args, proposals, user, **kwargs):
        super().__init__(*args, **kwargs)
        options = list(Exercise.objects.loggable_by(user).order_by("owner", "name").only("pk", "name", "owner"))
        self.by_pk = {str(e.pk): e for e in options}
        library = [(str(e.pk), e.name) for e in options if not e.owner_id]
        own = [(str(e.pk), e.name) for e in options if e.owner_id]
        self.rows = []
        for number, proposal in enumerate(proposals.values()):
            name = f"name_{number}"
            choices = [(NEW, f"New exercise of yours: {proposal.name}")]
            choices += [("Your exercises", own)] if own else []
            choices += [("Library", library)]
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                initial=proposal.choice,
                label=f"{proposal.name} ({proposal.sets} set{'s' if proposal.sets != 1 else ''})",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.rows.append((proposal, name))

    def bound_rows(self):
        """(proposal, bound field) per name, for the page."""
        return [(proposal, self[name]) for proposal, name in self.rows]

    def choices(self):
        """{source name: exercise, or None for a new own exercise}."""
        return {
            proposal.name: (None if self.cleaned_data[field] == NEW else self.by_pk[self.cleaned_data[field]])
            for proposal, field in self.rows
        }
