"""Logging sessions through the pages: pre-filled from the plan, ad hoc, edited, deleted, listed.

Forms are submitted the way a browser would: the page is fetched, its form read (inputs, the selected
option of each select, textareas), a few fields changed, and the whole form posted back.
"""

import datetime
import re
import uuid
from decimal import Decimal

import pytest

from exercises.models import Exercise
from logbook.forms import needing_load
from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import PlannedSession, Program

from .factories import UserFactory
from .helpers import ex, log_counts, log_session, messages_of, page_text, read_form

D = datetime.date
FIRST_LOAD = "20"  # what a runner types when the page asks how heavy a never-logged loaded move was


# --- reading forms like a browser ------------------------------------------------------------------------


def submit(client, url, changes=None, button=None, drop=(), load=FIRST_LOAD):
    """Fetch the page, change some fields, submit the form as a browser would (pressing `button`).

    A loaded move never logged before comes with no load, and the page asks for one: the runner types
    `load` there (None: they type nothing).
    """
    page = client.get(url)
    assert page.status_code == 200
    data = read_form(page)
    if load is not None:
        data = with_first_loads(data, load)
    data.update(changes or {})
    for name in drop:
        data.pop(name, None)
    if button:
        data[button] = "1"
    return client.post(url, data)


def with_first_loads(data, load=FIRST_LOAD):
    """The form's data with `load` typed into every empty load of a move that needs one (the page asks)."""
    loaded = {str(pk) for pk in needing_load(Exercise.objects.all())}
    data = dict(data)
    for i, row in enumerate(rows(data)):
        if row.get("exercise") in loaded and not row.get("load"):
            data[f"form-{i}-load"] = load
    return data


def rows(data):
    """The set rows of a read form, as a list of dicts keyed by field name."""
    total = int(data["form-TOTAL_FORMS"])
    found = []
    for i in range(total):
        prefix = f"form-{i}-"
        found.append({k[len(prefix) :]: v for k, v in data.items() if k.startswith(prefix)})
    return found


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture
def last_week(content, user):
    """Last time: deadlifts at 80, 82.5 and 85 kg, bodyweight hip thrusts; hamstring curls never."""
    return log_session(
        user,
        D(2026, 2, 25),
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal(80)},
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal("82.5")},
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal(85)},
        {"exercise": "hip-thrust", "reps": 15},
    )


@pytest.fixture
def lb_user(user):
    user.profile.unit = "lb"
    user.profile.save()
    return user


def url_for(planned):
    return f"/log/planned/{planned.pk}/"


# --- logging from the plan -------------------------------------------------------------------------------


def test_planned_form_is_prefilled_from_the_plan(client_logged_in, planned, last_week, today):
    response = client_logged_in.get(url_for(planned))
    assert response.status_code == 200
    data = read_form(response)
    assert data["date"] == "2026-03-04"
    assert data["name"] == "Four-week posterior-chain block · Session A"
    got = [(r["exercise"], r["reps"], r["duration_s"], r["load"], r["side"], r["rpe"]) for r in rows(data)]
    dl, ht, hc, calf = (
        str(ex(s).pk) for s in ("conventional-deadlift", "hip-thrust", "hamstring-curl", "bent-knee-calf-raise")
    )
    # 3 sets of each prescription, at the top of the prescribed range, with last time's heaviest load.
    assert got == (
        [(dl, "12", "", "85", "both", "")] * 3
        + [(ht, "14", "", "", "both", "")] * 3
        + [(hc, "12", "", "", "both", "")] * 3
        + [(calf, "15", "", "", "both", "")] * 3
    )
    page = page_text(response)
    assert "Conventional deadlift 3 × 10–12" in page
    assert "Last time (25 Feb): 10 @ 80 kg, 10 @ 82.5 kg, 10 @ 85 kg" in page
    assert "Last time (25 Feb): 15" in page  # the bodyweight hip thrusts
    assert page.count("Last time (") == 2  # nothing for hamstring curls, never logged
    assert log_counts() == (1, 4)  # looking at the form saves nothing


def test_prefilled_loads_are_plain_numbers_in_the_runner_s_unit(client_logged_in, user, planned):
    log_session(
        user,
        D(2026, 2, 25),
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal(100)},
        # Short of the top of each range, so the progression keeps last time's loads.
        {"exercise": "hip-thrust", "reps": 12, "load_kg": Decimal("61.25")},
        {"exercise": "hamstring-curl", "reps": 10, "load_kg": Decimal(20)},
    )
    loads = [r["load"] for r in rows(read_form(client_logged_in.get(url_for(planned))))]
    assert loads == ["100"] * 3 + ["61.25"] * 3 + ["20"] * 3 + [""] * 3  # calf raises: never logged
    user.profile.unit = "lb"
    user.profile.save()
    loads = [r["load"] for r in rows(read_form(client_logged_in.get(url_for(planned))))]
    assert loads == ["220.462"] * 3 + ["135.033"] * 3 + ["44.092"] * 3 + [""] * 3  # exact, so they save back unchanged
    # Saved as prescribed, the loads are last time's to the gram.
    submit(client_logged_in, url_for(planned), button="as_prescribed")
    logged = Session.objects.get(planned_session=planned).sets.order_by("order").values_list("load_kg", flat=True)
    # The calf raises, never logged, at the 20 lb the page asked for.
    assert list(logged) == [Decimal(100)] * 3 + [Decimal("61.25")] * 3 + [Decimal(20)] * 3 + [Decimal("9.072")] * 3


def test_done_as_prescribed_logs_every_set_and_today_moves_on(client_logged_in, user, planned, last_week):
    before = page_text(client_logged_in.get("/today/"))
    assert "Session A, week 1" in before
    response = submit(client_logged_in, url_for(planned), button="as_prescribed")
    session = Session.objects.exclude(pk=last_week.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/log/{session.pk}/"
    assert session.planned_session == planned and session.user == user
    assert session.date == D(2026, 3, 4)
    logged = list(session.sets.order_by("order").values_list("exercise__slug", "reps", "load_kg", "side"))
    assert (
        logged
        == [("conventional-deadlift", 12, Decimal(85), "both")] * 3
        + [("hip-thrust", 14, None, "both")] * 3
        + [("hamstring-curl", 12, Decimal(FIRST_LOAD), "both")] * 3  # never logged: the page asked for a load
        + [("bent-knee-calf-raise", 15, Decimal(FIRST_LOAD), "both")] * 3
    )
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.DONE
    after = page_text(client_logged_in.get("/today/"))
    assert "Session B, week 1" in after and "Session A, week 1" not in after
    # Opening the same planned session again offers the logged one to edit, not a second log.
    again = client_logged_in.get(url_for(planned))
    assert again.status_code == 302 and again["Location"] == f"/log/{session.pk}/edit/"


def test_a_set_can_be_changed_before_saving(client_logged_in, planned, last_week):
    response = submit(
        client_logged_in,
        url_for(planned),
        {
            "form-1-reps": "10",
            "form-1-load": "87.5",
            "form-1-rpe": "8.5",
            "form-1-note": "grip went",
            "form-4-duration_s": "45",
            "form-4-reps": "",
            "notes": "Windy",
            "effort": "7",
            "duration_min": "50",
        },
        button="save",
    )
    assert response.status_code == 302
    session = Session.objects.get(planned_session=planned)
    second = session.sets.get(order=2)
    assert (second.reps, second.load_kg, second.rpe, second.note) == (10, Decimal("87.5"), Decimal("8.5"), "grip went")
    timed = session.sets.get(order=5)
    assert (timed.reps, timed.duration_s) == (None, 45)
    assert session.sets.get(order=1).load_kg == Decimal(85)
    assert (session.notes, session.effort, session.duration_min) == ("Windy", 7, 50)


def test_adding_a_set_keeps_everything_typed_and_adds_a_row(client_logged_in, planned, last_week):
    page = client_logged_in.get(url_for(planned))
    data = read_form(page)
    data.update(
        {
            "date": "2026-03-03",
            "name": "Tuesday deadlifts",
            "notes": "Felt strong",
            "form-0-reps": "11",
            "form-0-load": "90",
            "form-6-load": "25",
            "form-7-load": "25",
            "form-8-load": "30",
            "form-8-rpe": "9",
            **{f"form-{i}-load": "40" for i in (9, 10, 11)},
            "form-8-note": "last one",
        }
    )
    typed = dict(data)
    response = client_logged_in.post(url_for(planned), {**data, "add_set": "1"})
    # Kept as a draft, then the form again (post, redirect, get: a reload posts nothing twice).
    assert response.status_code == 302 and response["Location"] == url_for(planned)
    assert log_counts() == (1, 4)  # adding a row saves nothing
    shown = read_form(client_logged_in.get(url_for(planned)))
    assert shown["form-TOTAL_FORMS"] == "13"
    for key, value in typed.items():
        if key not in ("form-TOTAL_FORMS", "form-INITIAL_FORMS", "csrfmiddlewaretoken"):
            assert shown[key] == value, key
    new_row = rows(shown)[12]
    # The new row starts as a copy of the last one (same exercise, reps, load) to edit.
    assert (new_row["exercise"], new_row["reps"], new_row["load"]) == (str(ex("bent-knee-calf-raise").pk), "15", "40")
    shown["form-12-reps"] = "8"
    shown["form-12-load"] = "30"
    response = client_logged_in.post(url_for(planned), {**shown, "save": "1"})
    assert response.status_code == 302
    session = Session.objects.get(planned_session=planned)
    assert session.sets.count() == 13
    assert session.date == D(2026, 3, 3) and session.name == "Tuesday deadlifts" and session.notes == "Felt strong"
    assert session.sets.get(order=1).load_kg == Decimal(90)
    assert session.sets.get(order=9).load_kg == Decimal(30)  # the hamstring curl typed before adding the row
    assert (session.sets.get(order=13).reps, session.sets.get(order=13).load_kg) == (8, Decimal(30))


def test_adding_two_sets_in_a_row(client_logged_in, content):
    page = client_logged_in.get("/log/new/")
    data = read_form(page)
    data.update({"form-0-exercise": str(ex("step-up").pk), "form-0-reps": "10", "form-0-side": "left"})
    first = read_form(client_logged_in.post("/log/new/", {**data, "add_set": "1"}, follow=True))
    second = read_form(client_logged_in.post("/log/new/", {**first, "add_set": "1"}, follow=True))
    assert second["form-TOTAL_FORMS"] == "3"
    assert [r["reps"] for r in rows(second)] == ["10", "10", "10"]
    assert log_counts() == (0, 0)


def test_removing_a_set(client_logged_in, planned, last_week):
    response = submit(client_logged_in, url_for(planned), {"form-3-DELETE": "on", "form-8-DELETE": "on"}, "save")
    assert response.status_code == 302
    session = Session.objects.get(planned_session=planned)
    assert list(session.sets.order_by("order").values_list("exercise__slug", flat=True)) == (
        ["conventional-deadlift"] * 3 + ["hip-thrust"] * 2 + ["hamstring-curl"] * 2 + ["bent-knee-calf-raise"] * 3
    )


def test_removing_every_set_is_refused(client_logged_in, planned):
    changes = {f"form-{i}-DELETE": "on" for i in range(12)}
    response = submit(client_logged_in, url_for(planned), changes, "save")
    assert response.status_code == 200
    assert "Log at least one set." in page_text(response)
    assert log_counts() == (0, 0)
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.PLANNED


def test_swapping_an_exercise_for_a_variation(client_logged_in, planned):
    deadlift = ex("conventional-deadlift")
    variation = deadlift.harder.get(slug="single-leg-romanian-deadlift")
    changes = {}
    for i, side in enumerate(["left", "right", "left"]):
        changes.update({f"form-{i}-exercise": str(variation.pk), f"form-{i}-side": side, f"form-{i}-load": "16"})
    response = submit(client_logged_in, url_for(planned), changes, "save")
    assert response.status_code == 302
    session = Session.objects.get(planned_session=planned)
    swapped = list(session.sets.filter(order__lte=3).values_list("exercise__slug", "side", "load_kg"))
    assert swapped == [
        ("single-leg-romanian-deadlift", "left", Decimal(16)),
        ("single-leg-romanian-deadlift", "right", Decimal(16)),
        ("single-leg-romanian-deadlift", "left", Decimal(16)),
    ]
    assert not session.sets.filter(exercise=deadlift).exists()


def test_someone_else_s_planned_session_is_not_found(client_logged_in, content, today):
    other = UserFactory(username="someone")
    theirs = program_services.enrol(other, Program.objects.get(slug="posterior-chain"), today, [2, 5])
    planned = theirs.planned_sessions.get(sequence=1)
    assert client_logged_in.get(url_for(planned)).status_code == 404
    assert client_logged_in.post(url_for(planned), {"date": "2026-03-04"}).status_code == 404


# --- ad hoc ---------------------------------------------------------------------------------------------


def test_ad_hoc_session_from_the_library(client_logged_in, user, content, today):
    page = client_logged_in.get("/log/new/")
    data = read_form(page)
    assert data["date"] == "2026-03-04" and data["form-TOTAL_FORMS"] == "1"
    options = re.findall(r'<option value="(\d+)">([^<]+)</option>', page.content.decode())
    assert len({value for value, _ in options}) == Exercise.objects.count()
    data.update(
        {
            "name": "Hotel gym",
            "form-0-exercise": str(ex("goblet-squat").pk),
            "form-0-reps": "8",
            "form-0-load": "24",
            "form-0-rpe": "7",
        }
    )
    with_row = read_form(client_logged_in.post("/log/new/", {**data, "add_set": "1"}, follow=True))
    with_row.update({"form-1-exercise": str(ex("single-leg-calf-raise").pk), "form-1-reps": "15"})
    with_row.update({"form-1-load": "", "form-1-rpe": "", "form-1-side": "right"})
    response = client_logged_in.post("/log/new/", {**with_row, "save": "1"})
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/log/{session.pk}/"
    assert (session.user, session.planned_session, session.name, session.date) == (user, None, "Hotel gym", today)
    assert list(session.sets.values_list("exercise__slug", "reps", "load_kg", "side", "rpe")) == [
        ("goblet-squat", 8, Decimal(24), "both", Decimal(7)),
        ("single-leg-calf-raise", 15, None, "right", None),
    ]
    detail = page_text(client_logged_in.get(f"/log/{session.pk}/"))
    assert "Goblet squat 8 reps 24 kg Both / each side 7.0" in detail
    assert "Single-leg calf raise 15 reps bodyweight Right" in detail


def adhoc(client, **changes):
    data = read_form(client.get("/log/new/"))
    data.update({"form-0-exercise": str(ex("back-squat").pk), "form-0-reps": "5", "form-0-load": "100"})
    data.update(changes)
    return data, client.post("/log/new/", {**data, "save": "1"})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"form-0-reps": "0"}, "reps", "Reps run from 1 to 1000"),
        ({"form-0-reps": "-5"}, "reps", "Reps run from 1 to 1000"),
        ({"form-0-reps": "1001"}, "reps", "Reps run from 1 to 1000"),
        ({"form-0-reps": "ten"}, "reps", "Enter a whole number"),
        ({"form-0-reps": "2.5"}, "reps", "Enter a whole number"),
        ({"form-0-load": "-2.5"}, "load", "A load runs from 0 to 1000 kg"),
        ({"form-0-load": "1000.5"}, "load", "A load runs from 0 to 1000 kg"),
        ({"form-0-load": "1e9"}, "load", "digits"),
        ({"form-0-load": "heavy"}, "load", "Enter a number"),
        ({"form-0-reps": "", "form-0-duration_s": "7201"}, "duration_s", "A timed set runs from 1 second to 2 hours"),
        ({"form-0-reps": "", "form-0-duration_s": "0"}, "duration_s", "A timed set runs from 1 second to 2 hours"),
        ({"form-0-rpe": "11"}, "rpe", "Select a valid choice"),
        ({"form-0-rpe": "5.5"}, "rpe", "Select a valid choice"),
        ({"form-0-rpe": "7.25"}, "rpe", "Select a valid choice"),
        ({"form-0-rpe": "abc"}, "rpe", "Select a valid choice"),
        ({"form-0-reps": "", "form-0-duration_s": ""}, "reps", "Enter the reps, or the seconds"),
        ({"form-0-side": "left"}, "side", "works both sides together"),
        ({"form-0-side": "right"}, "side", "works both sides together"),
        ({"form-0-side": "up"}, "side", "Select a valid choice"),
        ({"form-0-exercise": "999999"}, "exercise", "Select a valid choice"),
        ({"form-0-exercise": ""}, "exercise", "Choose an exercise"),
        ({"form-0-note": "x" * 501}, "note", "at most 500 characters"),
        ({"form-0-note": "nul\x00byte"}, "note", "Null characters are not allowed"),
    ],
)
def test_bad_set_input_is_refused_beside_its_field_and_nothing_is_saved(
    client_logged_in, content, today, changes, field, message
):
    data, response = adhoc(client_logged_in, **changes)
    assert response.status_code == 200
    assert log_counts() == (0, 0)
    form = response.context["formset"].forms[0]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "Nothing was saved yet" in page_text(response)
    shown = read_form(response)
    for key, value in changes.items():
        if key.rsplit("-", 1)[1] not in ("exercise", "side", "rpe"):  # a select can only show its options
            assert shown[key] == value, key  # what was typed is shown again, to fix
    assert shown["name"] == data["name"] and shown["date"] == data["date"]
    tag = re.search(rf'<(?:input|select)[^>]*name="form-0-{field}"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in tag and "is-invalid" in tag


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2026-03-06"}, "date", "more than a day in the future"),
        ({"date": "2030-01-01"}, "date", "more than a day in the future"),
        ({"date": "1899-12-31"}, "date", "before 1900"),
        ({"date": "0001-01-01"}, "date", "before 1900"),
        ({"date": "yesterday"}, "date", "Enter a valid date"),
        ({"date": ""}, "date", "This field is required"),
        ({"effort": "11"}, "effort", "less than or equal to 10"),
        ({"effort": "0"}, "effort", "greater than or equal to 1"),
        ({"duration_min": "0"}, "duration_min", "greater than or equal to 1"),
        ({"duration_min": "1441"}, "duration_min", "less than or equal to 1440"),
        ({"name": "n" * 201}, "name", "at most 200 characters"),
        ({"notes": "nul\x00byte"}, "notes", "Null characters are not allowed"),
    ],
)
def test_bad_session_input_is_refused_beside_its_field_and_nothing_is_saved(
    client_logged_in, content, today, changes, field, message
):
    data, response = adhoc(client_logged_in, **changes)
    assert response.status_code == 200
    assert log_counts() == (0, 0)
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in response.content.decode()
    shown = read_form(response)
    for key, value in changes.items():
        assert shown[key] == value
    assert rows(shown)[0]["reps"] == "5" and rows(shown)[0]["load"] == "100"


def test_a_load_over_the_limit_in_pounds(client_logged_in, lb_user, content, today):
    data, response = adhoc(client_logged_in, **{"form-0-load": "2300"})
    assert response.status_code == 200
    assert log_counts() == (0, 0)
    assert response.context["formset"].forms[0].errors["load"] == ["A load runs from 0 to 2204.6 lb."]
    assert read_form(response)["form-0-load"] == "2300"
    assert "Load (lb)" in response.content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"date": "2026-03-05"},  # tomorrow: time zones
        {"date": "1900-01-01"},
        {"form-0-reps": "1000"},
        {"form-0-reps": "1"},
        {"form-0-load": "1000"},
        {"form-0-load": "0", "exercise": "hip-thrust"},  # a move that may be done at bodyweight
        {"form-0-load": "", "exercise": "hip-thrust"},
        {"form-0-reps": "", "form-0-duration_s": "7200"},
        {"form-0-rpe": "6"},
        {"form-0-rpe": "6.5"},
        {"form-0-rpe": "10"},
        {"effort": "10", "duration_min": "1440"},
    ],
)
def test_values_at_the_limits_are_accepted(client_logged_in, content, today, changes):
    changes = dict(changes)
    if slug := changes.pop("exercise", None):
        changes["form-0-exercise"] = str(ex(slug).pk)
    data, response = adhoc(client_logged_in, **changes)
    assert response.status_code == 302, response.context["formset"].errors if response.context else ""
    assert log_counts() == (1, 1)


def test_bad_input_on_the_planned_form_keeps_all_rows_and_the_plan_open(client_logged_in, planned, last_week):
    changes = {"form-2-reps": "0", "form-5-load": "-1", "form-7-reps": "1001", "form-0-load": "95"}
    response = submit(client_logged_in, url_for(planned), changes, "as_prescribed")
    assert response.status_code == 200
    assert log_counts() == (1, 4)
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.PLANNED
    shown = read_form(response)
    assert shown["form-TOTAL_FORMS"] == "12"
    for key, value in changes.items():
        assert shown[key] == value
    errors = [sorted(f.errors) for f in response.context["formset"].forms]
    assert errors == [[], [], ["reps"], [], [], ["load"], [], ["reps"], [], [], [], []]


def test_pounds_are_stored_in_kg_and_shown_in_pounds(client_logged_in, lb_user, content, today):
    data, response = adhoc(client_logged_in, **{"form-0-load": "225"})
    assert response.status_code == 302
    logged = LoggedSet.objects.get()
    assert logged.load_kg == Decimal("102.058")
    detail = page_text(client_logged_in.get(f"/log/{logged.session_id}/"))
    assert "225 lb" in detail and "kg" not in detail.split("Back squat", 1)[1].split("Edit")[0]
    edit = read_form(client_logged_in.get(f"/log/{logged.session_id}/edit/"))
    assert edit["form-0-load"] == "225"


def test_double_submit_creates_one_session(client_logged_in, user, content, today):
    data = read_form(client_logged_in.get("/log/new/"))
    data.update({"form-0-exercise": str(ex("hip-thrust").pk), "form-0-reps": "12", "save": "1"})
    first = client_logged_in.post("/log/new/", data)
    second = client_logged_in.post("/log/new/", data)
    session = Session.objects.get()
    assert session.sets.count() == 1
    assert first["Location"] == second["Location"] == f"/log/{session.pk}/"
    assert "That session was already saved." in messages_of(second)
    # A fresh form is a new session.
    fresh = read_form(client_logged_in.get("/log/new/"))
    assert fresh["client_token"] != data["client_token"]


def test_double_submit_of_a_planned_session_creates_one_session(client_logged_in, planned):
    data = with_first_loads(read_form(client_logged_in.get(url_for(planned))))
    data["as_prescribed"] = "1"
    assert client_logged_in.post(url_for(planned), data).status_code == 302
    assert client_logged_in.post(url_for(planned), data).status_code == 302
    assert Session.objects.filter(planned_session=planned).count() == 1
    assert LoggedSet.objects.count() == 12


def test_a_mangled_client_token_is_not_a_server_error(client_logged_in, content, today):
    data, response = adhoc(client_logged_in, client_token="not-a-uuid")
    assert response.status_code in (200, 302)
    assert Session.objects.count() <= 1


def test_two_forms_opened_separately_save_two_sessions(client_logged_in, content, today):
    adhoc(client_logged_in)
    adhoc(client_logged_in)
    assert log_counts() == (2, 2)


# --- editing and deleting -------------------------------------------------------------------------------


@pytest.fixture
def logged(user, content):
    return log_session(
        user,
        D(2026, 3, 2),
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal("61.25"), "rpe": Decimal(7), "note": "easy"},
        {"exercise": "single-leg-calf-raise", "reps": 15, "side": "left", "rpe": Decimal("8.5")},
        {"exercise": "single-leg-calf-raise", "duration_s": 40, "side": "right"},
        {"exercise": "hip-thrust", "reps": 12, "load_kg": Decimal("52.163")},  # an import from pounds
        {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(20), "kind": "warmup"},
        {"exercise": "walking-lunge", "duration_s": 60, "distance_m": Decimal("40.00")},
        name="Monday",
        notes="Knees fine",
        effort=6,
        duration_min=45,
    )


def snapshot(session):
    session.refresh_from_db()
    fields = ("exercise__slug", "reps", "duration_s", "load_kg", "side", "rpe", "note", "kind")
    sets = list(session.sets.order_by("order").values_list(*fields))
    return (session.date, session.name, session.notes, session.effort, session.duration_min, sets)


def test_edit_form_shows_the_session_as_logged(client_logged_in, logged, today):
    data = read_form(client_logged_in.get(f"/log/{logged.pk}/edit/"))
    assert (data["date"], data["name"], data["notes"], data["effort"], data["duration_min"]) == (
        "2026-03-02",
        "Monday",
        "Knees fine",
        "6",
        "45",
    )
    got = [(r["reps"], r["duration_s"], r["side"], r["rpe"], r["note"]) for r in rows(data)]
    assert got == [
        ("5", "", "both", "7", "easy"),
        ("15", "", "left", "8.5", ""),
        ("", "40", "right", "", ""),
        ("12", "", "both", "", ""),
        ("10", "", "both", "", ""),
        ("", "60", "both", "", ""),
    ]
    assert [r["load"] for r in rows(data)] == ["61.25", "", "", "52.163", "20", ""]


def test_saving_an_edit_unchanged_changes_nothing(client_logged_in, logged, today):
    before = snapshot(logged)
    response = submit(client_logged_in, f"/log/{logged.pk}/edit/", button="save")
    assert response.status_code == 302
    assert snapshot(logged) == before


def test_saving_an_edit_unchanged_changes_nothing_in_pounds(client_logged_in, lb_user, logged, today):
    before = snapshot(logged)
    response = submit(client_logged_in, f"/log/{logged.pk}/edit/", button="save")
    assert response.status_code == 302
    assert snapshot(logged) == before


def test_edit_changes_anything_including_the_date(client_logged_in, logged, today):
    changes = {
        "date": "2026-02-27",
        "name": "Friday",
        "notes": "Moved",
        "effort": "8",
        "form-0-load": "65",
        "form-0-reps": "4",
        "form-1-side": "right",
        "form-2-DELETE": "on",
        "form-3-exercise": str(ex("glute-bridge").pk),
        "form-3-load": "",
    }
    response = submit(client_logged_in, f"/log/{logged.pk}/edit/", changes, "save")
    assert response.status_code == 302 and response["Location"] == f"/log/{logged.pk}/"
    date, name, notes, effort, minutes, sets = snapshot(logged)
    assert (date, name, notes, effort, minutes) == (D(2026, 2, 27), "Friday", "Moved", 8, 45)
    assert [s[:5] for s in sets] == [
        ("back-squat", 4, None, Decimal(65), "both"),
        ("single-leg-calf-raise", 15, None, None, "right"),
        ("glute-bridge", 12, None, None, "both"),
        ("hip-thrust", 10, None, Decimal(20), "both"),
        ("walking-lunge", None, 60, None, "both"),
    ]
    assert sets[0][5:] == (Decimal(7), "easy", "working") and sets[3][7] == "warmup"
    assert Session.objects.count() == 1
    page = page_text(client_logged_in.get("/progress/back-squat/"))
    assert "27 Feb 2026 1 4 65" in page and "2 Mar 2026" not in page


def test_bad_input_on_edit_changes_nothing(client_logged_in, logged, today):
    before = snapshot(logged)
    response = submit(client_logged_in, f"/log/{logged.pk}/edit/", {"date": "2026-03-09", "form-1-reps": "0"}, "save")
    assert response.status_code == 200
    assert snapshot(logged) == before
    shown = read_form(response)
    assert shown["date"] == "2026-03-09" and shown["form-1-reps"] == "0"


def test_delete_asks_first(client_logged_in, logged):
    response = client_logged_in.get(f"/log/{logged.pk}/delete/")
    assert response.status_code == 200
    page = page_text(response)
    assert "Delete this session?" in page and "Monday on Monday 2 March 2026, with 6 sets" in page
    assert Session.objects.filter(pk=logged.pk).exists()
    response = client_logged_in.post(f"/log/{logged.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/log/"
    assert log_counts() == (0, 0)
    assert client_logged_in.get(f"/log/{logged.pk}/").status_code == 404


def test_deleting_a_planned_session_s_log_makes_it_due_again(client_logged_in, planned):
    submit(client_logged_in, url_for(planned), button="as_prescribed")
    session = Session.objects.get()
    assert "Session B, week 1" in page_text(client_logged_in.get("/today/"))
    page = page_text(client_logged_in.get(f"/log/{session.pk}/delete/"))
    assert "The planned session becomes due again." in page
    client_logged_in.post(f"/log/{session.pk}/delete/")
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.PLANNED
    today = page_text(client_logged_in.get("/today/"))
    assert "Session A, week 1" in today and "Due today." in today
    assert client_logged_in.get(url_for(planned)).status_code == 200


def test_editing_a_planned_session_s_log_keeps_it_done(client_logged_in, planned):
    submit(client_logged_in, url_for(planned), button="as_prescribed")
    session = Session.objects.get()
    submit(client_logged_in, f"/log/{session.pk}/edit/", {"date": "2026-03-03"}, "save")
    planned.refresh_from_db()
    session.refresh_from_db()
    assert planned.status == PlannedSession.Status.DONE and session.planned_session == planned
    assert session.date == D(2026, 3, 3)


# --- the history list -----------------------------------------------------------------------------------


def test_log_lists_newest_first_and_paginates(client_logged_in, user, content):
    for day in range(1, 26):
        log_session(user, D(2026, 1, day), {"exercise": "hip-thrust", "reps": 10 + day}, name=f"Day {day:02d}")
    log_session(
        UserFactory(username="neighbour"), D(2026, 1, 30), {"exercise": "hip-thrust", "reps": 5}, name="Not mine"
    )
    first = page_text(client_logged_in.get("/log/"))
    assert "25 sessions" in first and "Page 1 of 2" in first
    names = re.findall(r"Day (\d\d)", first)
    assert names == [f"{d:02d}" for d in range(25, 5, -1)]
    second = page_text(client_logged_in.get("/log/?page=2"))
    assert re.findall(r"Day (\d\d)", second) == ["05", "04", "03", "02", "01"]
    assert "Not mine" not in first + second
    # Same date: the later-logged session first.
    log_session(user, D(2026, 1, 25), {"exercise": "hip-thrust", "reps": 9}, name="Day 25 again")
    assert re.findall(r"Day \d\d(?: again)?", page_text(client_logged_in.get("/log/")))[:2] == [
        "Day 25 again",
        "Day 25",
    ]


def test_log_filters_by_program_and_by_exercise(client_logged_in, user, content, today):
    posterior = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), D(2026, 2, 2), [0, 3])
    plyo = program_services.enrol(user, Program.objects.get(slug="plyometric"), D(2026, 2, 3), [1, 4])
    a = log_session(
        user,
        D(2026, 2, 2),
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal(80)},
        name="PC one",
        planned=posterior.planned_sessions.get(sequence=1),
    )
    b = log_session(
        user,
        D(2026, 2, 3),
        {"exercise": "squat-jump", "reps": 5},
        name="Plyo one",
        planned=plyo.planned_sessions.get(sequence=1),
    )
    c = log_session(
        user,
        D(2026, 2, 5),
        {"exercise": "hip-thrust", "reps": 12},
        {"exercise": "squat-jump", "reps": 5},
        name="Own thing",
    )
    by_program = page_text(client_logged_in.get("/log/?program=posterior-chain"))
    assert "1 session" in by_program and "PC one" in by_program and "Plyo one" not in by_program
    by_exercise = page_text(client_logged_in.get("/log/?exercise=squat-jump"))
    assert "2 sessions" in by_exercise and "Own thing" in by_exercise and "Plyo one" in by_exercise
    assert "PC one" not in by_exercise
    both = page_text(client_logged_in.get("/log/?program=plyometric&exercise=squat-jump"))
    assert "1 session" in both and "Plyo one" in both
    assert "No sessions yet" in page_text(client_logged_in.get("/log/?exercise=box-jump"))
    assert {a.pk, b.pk, c.pk} == set(Session.objects.values_list("pk", flat=True))
    # Paging keeps the filter.
    for day in range(1, 25):
        log_session(user, D(2025, 12, day), {"exercise": "squat-jump", "reps": 5})
    page = client_logged_in.get("/log/?exercise=squat-jump").content.decode()
    assert "?exercise=squat-jump&amp;page=2" in page


def test_log_rows_show_title_sets_volume_and_exercises(client_logged_in, user, planned, last_week):
    submit(client_logged_in, url_for(planned), button="as_prescribed")
    page = page_text(client_logged_in.get("/log/"))
    # 3060 kg as before, plus the hamstring curls and calf raises at the load the page asked for (20 kg).
    assert "Four-week posterior-chain block · Session A Wed 4 Mar 2026 12 sets · volume 4680 kg" in page
    assert "Conventional deadlift, Hip thrust, Hamstring curl, Bent-knee calf raise" in page


# --- personal records on save ---------------------------------------------------------------------------


def test_the_log_confirms_a_new_pr_on_save(client_logged_in, planned, last_week):
    response = submit(client_logged_in, url_for(planned), {"form-0-reps": "10", "form-0-load": "90"}, "save")
    follow = client_logged_in.get(response["Location"])
    page = page_text(follow)
    assert "New personal record! Conventional deadlift: best estimated one-rep max yet (120 kg)" in page
    assert "Saved: Four-week posterior-chain block · Session A, Wed 4 Mar." in page


def test_no_pr_message_without_a_record(client_logged_in, planned, last_week):
    response = submit(client_logged_in, url_for(planned), {f"form-{i}-load": "80" for i in range(3)}, "save")
    msgs = messages_of(client_logged_in.get(response["Location"]))
    assert not any("personal record" in m for m in msgs)


def test_pr_message_in_pounds(client_logged_in, lb_user, planned, last_week):
    response = submit(client_logged_in, url_for(planned), {"form-0-reps": "10", "form-0-load": "200"}, "save")
    assert LoggedSet.objects.filter(load_kg=Decimal("90.718")).exists()
    page = page_text(client_logged_in.get(response["Location"]))
    assert "New personal record! Conventional deadlift: best estimated one-rep max yet (266.7 lb)" in page


def test_a_pr_from_an_edit_is_confirmed_too(client_logged_in, planned, last_week):
    submit(client_logged_in, url_for(planned), button="as_prescribed")
    session = Session.objects.get(planned_session=planned)
    response = submit(client_logged_in, f"/log/{session.pk}/edit/", {"form-2-reps": "8", "form-2-load": "100"}, "save")
    assert any("New personal record! Conventional deadlift" in m for m in messages_of(response))


def test_client_tokens_are_unique_per_form(client_logged_in, content):
    tokens = {read_form(client_logged_in.get("/log/new/"))["client_token"] for _ in range(3)}
    assert len(tokens) == 3
    assert all(uuid.UUID(t) for t in tokens)


@pytest.mark.parametrize("button", ["add_set", "save"])
@pytest.mark.parametrize("total", ["abc", "", None, "-1", "99999"])
def test_a_tampered_management_form_is_not_a_server_error(client_logged_in, content, today, button, total):
    data = read_form(client_logged_in.get("/log/new/"))
    data.update({"form-0-exercise": str(ex("hip-thrust").pk), "form-0-reps": "12", button: "1"})
    if total is None:
        del data["form-TOTAL_FORMS"]
    else:
        data["form-TOTAL_FORMS"] = total
    response = client_logged_in.post("/log/new/", data)
    assert response.status_code in (200, 302)
    assert Session.objects.count() <= 1 and LoggedSet.objects.count() <= 1


def test_pages_follow_edits_and_deletes_with_caching_on(caching, client_logged_in, logged, today):
    assert "5 @ 61.3 kg" in page_text(client_logged_in.get("/progress/"))  # shown to one decimal
    assert "1 session" in page_text(client_logged_in.get("/log/"))
    submit(client_logged_in, f"/log/{logged.pk}/edit/", {"form-0-load": "70"}, "save")
    assert "5 @ 70 kg" in page_text(client_logged_in.get("/progress/"))
    assert "78.8 kg – 81.7 kg" in page_text(client_logged_in.get("/progress/back-squat/"))
    client_logged_in.post(f"/log/{logged.pk}/delete/")
    assert "No sessions yet" in page_text(client_logged_in.get("/log/"))
    assert "Log a session and your progress shows up here" in page_text(client_logged_in.get("/progress/"))


def test_typed_garbage_in_a_choice_is_refused_when_adding_a_set_too(client_logged_in, content):
    data = read_form(client_logged_in.get("/log/new/"))
    data.update({"form-0-exercise": str(ex("back-squat").pk), "form-0-reps": "5", "form-0-rpe": "abc"})
    response = client_logged_in.post("/log/new/", {**data, "add_set": "1"}, follow=True)
    assert response.status_code == 200
    assert log_counts() == (0, 0)
    # Kept in the draft as typed, it matches no RPE choice, so the select shows none chosen.
    assert [r["rpe"] for r in rows(read_form(response))] == ["", ""]
