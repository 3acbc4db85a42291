"""One filter set for the library page and the library API, so both accept the same query."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import widgets
from .models import Equipment, Exercise, Muscle

TRUE_VALUES = {"true", "on", "1", "yes"}
FALSE_VALUES = {"false", "off", "0", "no", ""}


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox that passes an unrecognised value on to the field instead of reading it as "ticked"."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return False
        value = str(data.get(name)).strip().lower()
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        return value


class FlagField(forms.NullBooleanField):
    widget = FlagCheckbox

    def to_python(self, value):
        if value in (True, False, None):
            return value
        raise forms.ValidationError("Use true or false.", code="invalid")


class FlagFilter(django_filters.BooleanFilter):
    field_class = FlagField


class ExerciseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)
    search = django_filters.CharFilter(method="filter_search", label="Search", max_length=100)
    # The selects write their options in Python (exercises.widgets): the same markup, without a template each.
    muscle = django_filters.ModelChoiceFilter(
        queryset=Muscle.objects.all(),
        to_field_name="slug",
        method="filter_muscle",
        empty_label="Any muscle",
        widget=widgets.Select,
    )
    equipment = django_filters.ModelChoiceFilter(
        queryset=Equipment.objects.all(),
        to_field_name="slug",
        field_name="equipment",
        empty_label="Any equipment",
        widget=widgets.Select,
    )
    pattern = django_filters.ChoiceFilter(
        choices=[c for c in Exercise.Pattern.choices if c[0] != Exercise.Pattern.OTHER],
        empty_label="Any pattern",
        widget=widgets.Select,
    )
    no_equipment = FlagFilter(method="filter_no_equipment", label="No equipment (home-friendly)")

    class Meta:
        model = Exercise
        fields = ["q", "search", "muscle", "equipment", "pattern", "no_equipment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("muscle", "equipment", "pattern"):
            self.form.fields[name].widget.attrs["class"] = "form-select"
        self.form.fields["no_equipment"].widget.attrs["class"] = "form-check-input"

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @extend_schema_field(OpenApiTypes.STR)  # a muscle slug
    def filter_muscle(self, queryset, name, value):
        return queryset.works_muscle(value) if value else queryset

    def filter_no_equipment(self, queryset, name, value):
        return queryset.no_equipment() if value else queryset
