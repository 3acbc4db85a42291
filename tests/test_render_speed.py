"""The server-rendered pages render cold in a bounded time, in-process.

The bounds are generous, about five times what these pages take under pytest on a two-core machine
(0.04 s for the 28-set log form, 0.02 s for the library), so a loaded CI machine passes; the log form's
bound still fails the way it rendered before, every set row's widgets and the ~50 options of its exercise
picker through Django's widget templates (0.29 s for the planned form, 0.22 s for the edit form, here).
Each page is requested once to compile its templates, then timed cold: the cache cleared before every
request, best of five. `python -m tests.bench.render` measures every page, with a five-year history.

The widgets and the URL filter that make them fast are checked against what Django itself writes.
"""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.core.cache import cache
from django.urls import reverse

from exercises import widgets
from exercises.models import Exercise
from exercises.templatetags.lean import route
from programs import services as plans
from tests.bench.render import SETS_IN_PLANNED, block_of_28

from .helpers import log_session


def best_cold_seconds(client, url, tries=5):
    assert client.get(url).status_code == 200
    best = float("inf")
    for _ in range(tries):
        cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - start)
        assert response.status_code == 200
    return best


@pytest.fixture
def block(content, user, today):
    """The runner follows a block whose sessions have 28 sets; they logged the first one last week."""
    loaded = list(Exercise.objects.filter(pattern__in=["hinge", "squat", "lunge", "bridge"]).order_by("slug")[:7])
    enrollment = plans.enrol(user, block_of_28(loaded), today - timedelta(days=7), [0, 3])
    first, second = enrollment.planned_sessions.order_by("sequence")[:2]
    sets = [
        {"exercise": p.exercise.slug, "reps": 10, "load_kg": Decimal(40)}
        for p in first.workout.prescriptions.select_related("exercise")
        for _ in range(p.sets)
    ]
    logged = log_session(user, first.date, *sets, planned=first)
    return {"planned": second, "logged": logged}


@pytest.mark.slow
def test_the_log_form_for_28_sets_renders_in_a_fifth_of_a_second(client_logged_in, block):
    page = client_logged_in.get(f"/log/planned/{block['planned'].pk}/").content.decode()
    assert page.count('class="set-row"') == SETS_IN_PLANNED
    assert best_cold_seconds(client_logged_in, f"/log/planned/{block['planned'].pk}/") < 0.2


@pytest.mark.slow
def test_editing_a_session_of_28_sets_renders_in_a_fifth_of_a_second(client_logged_in, block):
    assert block["logged"].sets.count() == SETS_IN_PLANNED
    assert best_cold_seconds(client_logged_in, f"/log/{block['logged'].pk}/edit/") < 0.2


@pytest.mark.slow
def test_the_library_list_renders_in_a_tenth_of_a_second(client, content):
    assert best_cold_seconds(client, "/exercises/") < 0.1


# --- what makes them fast writes the same markup ------------------------------------------------------------


def same(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", 0, 12, "7.5", "a \"quoted\" <b> & 'it'"])
@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (widgets.NumberInput, forms.NumberInput),
        (widgets.TextInput, forms.TextInput),
        (widgets.HiddenInput, forms.HiddenInput),
    ],
)
def test_inputs_write_what_djangos_input_template_writes(ours, djangos, value):
    attrs = {"id": "id_x", "required": True, "aria-invalid": "true", "disabled": False, "class": "a b"}
    base = {"min": 1, "inputmode": "numeric"}
    assert same(ours(base).render("form-0-x", value, attrs)) == same(djangos(base).render("form-0-x", value, attrs))


@pytest.mark.parametrize("value", [None, "", "6", "6.5", "x", 7])
def test_a_select_writes_what_djangos_select_template_writes(value):
    choices = [("", "—"), ("6", "6"), ("6.5", "6.5 <hard>"), ("7", "7")]
    attrs = {"id": "id_rpe", "aria-invalid": "true"}
    ours = widgets.Select({"class": "form-select"}, choices).render("rpe", value, attrs)
    assert same(ours) == same(forms.Select({"class": "form-select"}, choices).render("rpe", value, attrs))


@pytest.mark.parametrize("value", [None, "", "1", "12", 2, "13", "abc"])
def test_the_exercise_picker_marks_its_own_choice_among_the_shared_options(value):
    class Move:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    library = widgets.ExerciseOptions([Move(1, "Hip & thigh"), Move(12, "Zercher squat"), Move(2, "Box jump")])
    picker = widgets.ExercisePicker({"class": "form-select"})
    picker.choices, picker.library = library.choices("Bulgarian <x> (not in library)"), library
    djangos = forms.Select({"class": "form-select"}, list(library.choices("Bulgarian <x> (not in library)")))
    assert same(picker.render("e", value, {"id": "id_e"})) == same(djangos.render("e", value, {"id": "id_e"}))


def test_route_gives_what_the_url_tag_gives(db):
    assert route("back-squat", "exercises:detail") == reverse("exercises:detail", args=["back-squat"])
    assert route(42, "logbook:detail") == reverse("logbook:detail", args=[42])
    assert route("hip-thrust", "logbook:progress_exercise") == reverse("logbook:progress_exercise", args=["hip-thrust"])
