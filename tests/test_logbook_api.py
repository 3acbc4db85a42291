"""The sessions API: whole sessions with their sets in one request, filters, bad input, progress."""

import copy
import datetime
import json
from decimal import Decimal

import pytest

from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import PlannedSession, Program

from .factories import UserFactory
from .helpers import log_counts
from .helpers import log_session as log

D = datetime.date
SESSIONS = "/api/v1/sessions/"


def set_errors(response):
    """{set index: field errors} from a 400, whether DRF lists every set or keys only the bad ones."""
    errors = response.json()["sets"]
    if isinstance(errors, list):
        return {i: e for i, e in enumerate(errors) if e}
    return {int(i): e for i, e in errors.items()}


def snapshot(session):
    session.refresh_from_db()
    sets = session.sets.order_by("order").values_list("exercise__slug", "reps", "duration_s", "load_kg", "side", "rpe")
    return (session.date, session.notes, session.planned_session_id, list(sets))


VALID = {
    "date": "2026-03-03",
    "notes": "Tempo run legs",
    "sets": [
        {"exercise": "back-squat", "reps": 5, "load_kg": "100", "rpe": "8"},
        {"exercise": "back-squat", "reps": 5, "load_kg": "102.5", "rpe": "8.5", "note": "grindy"},
        {"exercise": "single-leg-calf-raise", "reps": 15, "side": "left"},
        {"exercise": "single-leg-calf-raise", "reps": 15, "side": "right"},
        {"exercise": "eccentric-calf-raise", "duration_s": 45},
    ],
}


def body(**changes):
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def with_set(index=0, **changes):
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is ...:
            data["sets"][index].pop(key, None)
        else:
            data["sets"][index][key] = value
    return data


# --- create and read ------------------------------------------------------------------------------------


def test_post_creates_the_whole_session_with_its_sets(api_user, user, content, today):
    response = api_user.post(SESSIONS, VALID, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert {"id", "date", "planned_session", "notes", "sets"} <= set(data)
    assert (data["date"], data["planned_session"], data["notes"]) == ("2026-03-03", None, "Tempo run legs")
    assert [{"exercise", "reps", "duration_s", "load_kg", "side", "rpe", "note"} <= set(s) for s in data["sets"]] == [
        True
    ] * 5
    first = data["sets"][0]
    assert (first["exercise"], first["reps"], Decimal(first["load_kg"]), Decimal(first["rpe"]), first["side"]) == (
        "back-squat",
        5,
        Decimal(100),
        Decimal(8),
        "both",
    )
    assert data["sets"][4]["duration_s"] == 45 and data["sets"][4]["reps"] is None
    session = Session.objects.get(pk=data["id"])
    assert session.user == user
    assert snapshot(session)[3] == [
        ("back-squat", 5, None, Decimal(100), "both", Decimal(8)),
        ("back-squat", 5, None, Decimal("102.5"), "both", Decimal("8.5")),
        ("single-leg-calf-raise", 15, None, None, "left", None),
        ("single-leg-calf-raise", 15, None, None, "right", None),
        ("eccentric-calf-raise", None, 45, None, "both", None),
    ]
    assert api_user.get(f"{SESSIONS}{session.pk}/").json() == data


def test_post_linked_to_a_planned_session_marks_it_done(api_user, planned):
    response = api_user.post(SESSIONS, body(date="2026-03-04", planned_session=planned.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["planned_session"] == planned.pk
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.DONE


def test_a_planned_session_logged_already_is_a_400(api_user, planned):
    assert api_user.post(SESSIONS, body(planned_session=planned.pk), format="json").status_code == 201
    response = api_user.post(SESSIONS, body(planned_session=planned.pk), format="json")
    assert response.status_code == 400
    assert "planned_session" in response.json()
    assert Session.objects.count() == 1


def test_someone_else_s_planned_session_is_a_400_not_a_link(api_user, content, today):
    other = UserFactory(username="someone")
    theirs = program_services.enrol(other, Program.objects.get(slug="posterior-chain"), today, [2, 5])
    planned = theirs.planned_sessions.get(sequence=1)
    response = api_user.post(SESSIONS, body(planned_session=planned.pk), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["planned_session"]
    assert log_counts() == (0, 0)
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.PLANNED
    mine = api_user.post(SESSIONS, VALID, format="json").json()
    response = api_user.patch(f"{SESSIONS}{mine['id']}/", {"planned_session": planned.pk}, format="json")
    assert response.status_code == 400 and "planned_session" in response.json()
    assert Session.objects.get(pk=mine["id"]).planned_session is None


def test_list_is_the_runner_s_own_newest_first_and_paginated(api_user, user, content):
    for day in range(1, 24):
        log(user, D(2026, 1, day), {"exercise": "hip-thrust", "reps": day})
    log(UserFactory(username="other"), D(2026, 2, 1), {"exercise": "hip-thrust", "reps": 99})
    page = api_user.get(SESSIONS).json()
    assert page["count"] == 23 and page["next"] and page["previous"] is None
    assert [s["date"] for s in page["results"]] == [str(D(2026, 1, d)) for d in range(23, 3, -1)]
    second = api_user.get(page["next"]).json()
    assert [s["sets"][0]["reps"] for s in second["results"]] == [3, 2, 1]


def test_filters_date_after_date_before_and_exercise(api_user, user, content):
    a = log(user, D(2026, 1, 5), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(80)})
    b = log(user, D(2026, 1, 12), {"exercise": "hip-thrust", "reps": 10}, {"exercise": "back-squat", "reps": 5})
    c = log(user, D(2026, 1, 19), {"exercise": "hip-thrust", "reps": 10})
    log(UserFactory(username="other"), D(2026, 1, 12), {"exercise": "back-squat", "reps": 1})

    def ids(query):
        response = api_user.get(SESSIONS + query)
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["results"]]

    assert ids("?date_after=2026-01-12") == [c.pk, b.pk]
    assert ids("?date_before=2026-01-12") == [b.pk, a.pk]
    assert ids("?date_after=2026-01-06&date_before=2026-01-18") == [b.pk]
    assert ids("?exercise=back-squat") == [b.pk, a.pk]
    assert ids("?exercise=hip-thrust&date_before=2026-01-15") == [b.pk]
    assert ids("?exercise=box-jump") == []


@pytest.mark.parametrize("query", ["?date_after=yesterday", "?date_before=2026-13-01", "?exercise=no-such-move"])
def test_bad_filters_are_a_400(api_user, content, query):
    response = api_user.get(SESSIONS + query)
    assert response.status_code == 400
    assert set(response.json()) & {"date_after", "date_before", "exercise"}


# --- replace, patch, delete -----------------------------------------------------------------------------


@pytest.fixture
def existing(api_user, content, today):
    response = api_user.post(SESSIONS, VALID, format="json")
    assert response.status_code == 201
    return Session.objects.get(pk=response.json()["id"])


def test_put_replaces_the_whole_session_and_its_sets(api_user, existing):
    replacement = {
        "date": "2026-02-27",
        "notes": "",
        "planned_session": None,
        "sets": [{"exercise": "hip-thrust", "reps": 12, "load_kg": "60", "rpe": "7.5"}],
    }
    response = api_user.put(f"{SESSIONS}{existing.pk}/", replacement, format="json")
    assert response.status_code == 200, response.content
    assert snapshot(existing) == (
        D(2026, 2, 27),
        "",
        None,
        [("hip-thrust", 12, None, Decimal(60), "both", Decimal("7.5"))],
    )
    assert LoggedSet.objects.count() == 1


def test_put_without_sets_is_a_400_and_changes_nothing(api_user, existing):
    before = snapshot(existing)
    response = api_user.put(f"{SESSIONS}{existing.pk}/", {"date": "2026-02-27"}, format="json")
    assert response.status_code == 400 and "sets" in response.json()
    assert snapshot(existing) == before


def test_patch_changes_only_what_is_sent(api_user, existing):
    before = snapshot(existing)
    response = api_user.patch(f"{SESSIONS}{existing.pk}/", {"notes": "Edited", "date": "2026-03-01"}, format="json")
    assert response.status_code == 200, response.content
    after = snapshot(existing)
    assert after[:2] == (D(2026, 3, 1), "Edited") and after[3] == before[3]
    response = api_user.patch(
        f"{SESSIONS}{existing.pk}/", {"sets": [{"exercise": "box-jump", "reps": 6}]}, format="json"
    )
    assert response.status_code == 200
    assert snapshot(existing)[3] == [("box-jump", 6, None, None, "both", None)]
    assert existing.sets.get().contacts == 6


def test_delete_removes_the_session_and_reopens_its_plan(api_user, planned):
    created = api_user.post(SESSIONS, body(planned_session=planned.pk), format="json").json()
    response = api_user.delete(f"{SESSIONS}{created['id']}/")
    assert response.status_code == 204
    assert log_counts() == (0, 0)
    planned.refresh_from_db()
    assert planned.status == PlannedSession.Status.PLANNED
    assert api_user.get(f"{SESSIONS}{created['id']}/").status_code == 404


def test_relinking_to_another_planned_session_moves_done(api_user, planned):
    created = api_user.post(SESSIONS, body(planned_session=planned.pk), format="json").json()
    second = planned.enrollment.planned_sessions.get(sequence=2)
    response = api_user.patch(f"{SESSIONS}{created['id']}/", {"planned_session": second.pk}, format="json")
    assert response.status_code == 200
    planned.refresh_from_db()
    second.refresh_from_db()
    assert (planned.status, second.status) == (PlannedSession.Status.PLANNED, PlannedSession.Status.DONE)


# --- bad input ------------------------------------------------------------------------------------------

BAD_SETS = [
    ({"reps": 0}, "reps"),
    ({"reps": -3}, "reps"),
    ({"reps": 1001}, "reps"),
    ({"reps": 100000}, "reps"),
    ({"reps": "ten"}, "reps"),
    ({"reps": 2.5}, "reps"),
    ({"reps": True}, "reps"),
    ({"load_kg": "-2.5"}, "load_kg"),
    ({"load_kg": -1}, "load_kg"),
    ({"load_kg": "1000.5"}, "load_kg"),
    ({"load_kg": 1001}, "load_kg"),
    ({"load_kg": "1e9"}, "load_kg"),
    ({"load_kg": "heavy"}, "load_kg"),
    ({"load_kg": "NaN"}, "load_kg"),
    ({"load_kg": "Infinity"}, "load_kg"),
    ({"load_kg": "60.0001"}, "load_kg"),
    ({"reps": None, "duration_s": 7201}, "duration_s"),
    ({"reps": None, "duration_s": 0}, "duration_s"),
    ({"reps": None, "duration_s": -30}, "duration_s"),
    ({"rpe": "5.5"}, "rpe"),
    ({"rpe": "10.5"}, "rpe"),
    ({"rpe": 11}, "rpe"),
    ({"rpe": "7.25"}, "rpe"),
    ({"rpe": "7.3"}, "rpe"),
    ({"rpe": "hard"}, "rpe"),
    ({"reps": None, "duration_s": None}, "reps"),
    ({"reps": ...}, "reps"),
    ({"side": "left"}, "side"),  # the back squat works both legs together
    ({"side": "sideways"}, "side"),
    ({"exercise": "no-such-move"}, "exercise"),
    ({"exercise": None}, "exercise"),
    ({"exercise": ...}, "exercise"),
    ({"exercise": ["back-squat"]}, "exercise"),
    ({"kind": "bogus"}, "kind"),
    ({"note": "x" * 501}, "note"),
    ({"note": "null\x00byte"}, "note"),
    ({"note": {"a": 1}}, "note"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_SETS)
def test_bad_set_input_is_a_400_with_the_field_and_nothing_is_saved(api_user, content, today, changes, field):
    response = api_user.post(SESSIONS, with_set(0, **changes), format="json")
    assert response.status_code == 400, response.content
    errors = set_errors(response)
    assert list(errors) == [0]
    assert field in errors[0] and all(isinstance(m, str) and m for m in errors[0][field])
    assert log_counts() == (0, 0)


@pytest.mark.parametrize(("changes", "field"), BAD_SETS)
def test_bad_set_input_on_put_changes_nothing(api_user, existing, changes, field):
    before = snapshot(existing)
    bad = {"exercise": "back-squat", "reps": 5, "load_kg": "100"}
    bad.update(changes)
    data = body(sets=[VALID["sets"][0], VALID["sets"][1], {k: v for k, v in bad.items() if v is not ...}])
    response = api_user.put(f"{SESSIONS}{existing.pk}/", data, format="json")
    assert response.status_code == 400, response.content
    assert list(set_errors(response)) == [2] and field in set_errors(response)[2]
    assert snapshot(existing) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "2026-03-06"}, "date"),
        ({"date": "2031-01-01"}, "date"),
        ({"date": "1899-12-31"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"date": None}, "date"),
        ({"date": 20260303}, "date"),
        ({"sets": []}, "sets"),
        ({"sets": None}, "sets"),
        ({"sets": {"exercise": "back-squat", "reps": 5}}, "sets"),
        ({"sets": ["back-squat"]}, "sets"),
        ({"effort": 11}, "effort"),
        ({"effort": 0}, "effort"),
        ({"duration_min": 0}, "duration_min"),
        ({"duration_min": 1441}, "duration_min"),
        ({"planned_session": 999999}, "planned_session"),
        ({"planned_session": "abc"}, "planned_session"),
        ({"name": "n" * 201}, "name"),
        ({"notes": "a\x00b"}, "notes"),
    ],
)
def test_bad_session_input_is_a_400_with_the_field_and_nothing_is_saved(api_user, content, today, changes, field):
    response = api_user.post(SESSIONS, body(**changes), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert log_counts() == (0, 0)


def test_a_missing_date_or_missing_sets_is_a_400(api_user, content):
    for missing in ("date", "sets"):
        data = body()
        del data[missing]
        response = api_user.post(SESSIONS, data, format="json")
        assert response.status_code == 400 and missing in response.json()
    assert log_counts() == (0, 0)


def test_one_bad_set_among_many_saves_none_of_them(api_user, content, today):
    data = body()
    data["sets"] = data["sets"] * 20
    data["sets"][77] = {"exercise": "back-squat", "reps": 0}
    response = api_user.post(SESSIONS, data, format="json")
    assert response.status_code == 400
    assert list(set_errors(response)) == [77]
    assert log_counts() == (0, 0)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"date": "2026-03-03", "sets": [',
        b"{date: 2026-03-03}",
        b"not json at all",
        b"",
        b"\xff\xfe\x00",
        b'{"date": "2026-03-03", "sets": [{"exercise": "back-squat", "reps": 5}],}',
    ],
)
def test_malformed_json_is_a_400_not_a_500(api_user, content, raw):
    response = api_user.generic("POST", SESSIONS, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    assert log_counts() == (0, 0)


@pytest.mark.parametrize("document", [[], "a string", 42, None, [VALID]])
def test_json_that_is_not_an_object_is_a_400(api_user, content, document):
    response = api_user.generic("POST", SESSIONS, json.dumps(document), content_type="application/json")
    assert response.status_code == 400
    assert log_counts() == (0, 0)


def test_malformed_json_on_put_and_patch_changes_nothing(api_user, existing):
    before = snapshot(existing)
    for method in ("PUT", "PATCH"):
        response = api_user.generic(method, f"{SESSIONS}{existing.pk}/", b'{"notes": ', content_type="application/json")
        assert response.status_code == 400
    assert snapshot(existing) == before


def test_values_at_the_limits_are_accepted(api_user, content, today):
    data = body(date="2026-03-05", effort=10, duration_min=1440)  # tomorrow is allowed (time zones)
    data["sets"] = [
        {"exercise": "back-squat", "reps": 1000, "load_kg": "1000", "rpe": "10"},
        {"exercise": "back-squat", "reps": 1, "load_kg": "0", "rpe": "6"},
        {"exercise": "eccentric-calf-raise", "duration_s": 7200, "rpe": "6.5"},
    ]
    assert api_user.post(SESSIONS, data, format="json").status_code == 201
    assert api_user.post(SESSIONS, body(date="1900-01-01"), format="json").status_code == 201


def test_the_api_is_in_kilograms_whatever_the_runner_s_unit(api_user, user, content, today):
    user.profile.unit = "lb"
    user.profile.save()
    created = api_user.post(SESSIONS, VALID, format="json").json()
    assert Decimal(created["sets"][0]["load_kg"]) == 100
    assert LoggedSet.objects.filter(load_kg=Decimal(100)).count() == 1


def test_anonymous_requests_are_refused(api_client, content):
    assert api_client.get(SESSIONS).status_code in (401, 403)
    assert api_client.post(SESSIONS, VALID, format="json").status_code in (401, 403)
    assert log_counts() == (0, 0)


# --- progress -------------------------------------------------------------------------------------------


def test_progress_gives_best_set_e1rm_range_and_history(api_user, user, content):
    first = log(
        user,
        D(2026, 1, 5),
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(90)},
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(90)},
    )
    second = log(
        user,
        D(2026, 1, 12),
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100)},
        {"exercise": "back-squat", "reps": 12, "load_kg": Decimal(80)},
        {"exercise": "hip-thrust", "reps": 12, "load_kg": Decimal(150)},
    )
    log(UserFactory(username="other"), D(2026, 1, 6), {"exercise": "back-squat", "reps": 3, "load_kg": Decimal(200)})
    response = api_user.get("/api/v1/progress/back-squat/")
    assert response.status_code == 200
    data = response.json()
    assert data["exercise"] == "back-squat"
    best = data["best_set"]
    assert (best["session"], best["date"], best["reps"], Decimal(best["load_kg"])) == (
        second.pk,
        "2026-01-12",
        5,
        Decimal(100),
    )
    assert (Decimal(data["e1rm"]["low_kg"]), Decimal(data["e1rm"]["high_kg"])) == (Decimal("112.5"), Decimal("116.7"))
    history = [
        (h["session"], h["date"], h["sets"], h["total_reps"], Decimal(h["max_load_kg"]), Decimal(h["volume_kg"]))
        for h in data["history"]
    ]
    assert history == [
        (first.pk, "2026-01-05", 2, 10, Decimal(90), Decimal(900)),
        (second.pk, "2026-01-12", 2, 17, Decimal(100), Decimal(1460)),
    ]
    assert Decimal(data["history"][0]["best_e1rm_kg"]) == Decimal(105)
    assert Decimal(data["history"][1]["best_e1rm_kg"]) == Decimal("116.67")


def test_progress_for_an_exercise_not_logged_yet_and_an_unknown_one(api_user, content):
    data = api_user.get("/api/v1/progress/hip-thrust/").json()
    assert (data["best_set"], data["e1rm"], data["history"]) == (None, None, [])
    assert api_user.get("/api/v1/progress/no-such-move/").status_code == 404


def test_progress_of_bodyweight_work_has_no_e1rm(api_user, user, content):
    log(user, D(2026, 1, 5), {"exercise": "prisoner-squat", "reps": 20})
    data = api_user.get("/api/v1/progress/prisoner-squat/").json()
    assert data["best_set"]["reps"] == 20 and data["best_set"]["load_kg"] is None
    assert data["e1rm"] is None


def test_patch_with_a_set_missing_its_exercise_is_a_400(api_user, existing):
    before = snapshot(existing)
    response = api_user.patch(f"{SESSIONS}{existing.pk}/", {"sets": [{"reps": 5}]}, format="json")
    assert response.status_code == 400
    assert response.json()["sets"]["0"]["exercise"] == ["Choose an exercise."]  # DRF keys a PATCH's list errors
    assert snapshot(existing) == before


def test_moving_a_session_to_another_date_moves_its_figures(api_user, user, existing):
    from logbook.models import ExerciseStat

    earlier = api_user.post(SESSIONS, body(date="2026-03-02"), format="json").json()["id"]
    stat = ExerciseStat.objects.get(user=user, exercise=existing.sets.first().exercise)
    assert (stat.last_session_id, stat.last_date) == (existing.pk, D(2026, 3, 3))
    response = api_user.patch(f"{SESSIONS}{existing.pk}/", {"date": "2026-03-01"}, format="json")
    assert response.status_code == 200
    stat.refresh_from_db()
    assert (stat.last_session_id, stat.last_date) == (earlier, D(2026, 3, 2))
