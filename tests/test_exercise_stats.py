"""The per-exercise figures kept on write always equal a full recomputation."""

import datetime
import random

import pytest

from logbook.models import ExerciseStat, LoggedSet, Session
from logbook.services import delete_session, rebuild_figures

# Figures are tables, not cache entries: they must hold whatever the cache backend.
pytestmark = pytest.mark.cache


def snapshot(user):
    stats = sorted(
        ExerciseStat.objects.filter(user=user).values_list(
            "exercise_id", "sessions_logged", "last_session_id", "last_date", "best_set_id"
        )
    )
    records = sorted(LoggedSet.objects.filter(session__user=user, is_record=True).values_list("id", flat=True))
    return stats, records


def test_appending_sessions_matches_a_full_refresh(content, api_user, user):
    rng = random.Random(7)
    start = datetime.date(2025, 1, 1)
    for day in range(30):
        sets = []
        for exercise in rng.sample(["goblet-squat", "hip-thrust", "single-leg-romanian-deadlift", "toe-raise"], 2):
            for _ in range(rng.randint(1, 3)):
                load = rng.choice([None, 20, 24, 32, 40])
                side = "left" if exercise == "single-leg-romanian-deadlift" and rng.random() < 0.5 else "both"
                sets.append({"exercise": exercise, "reps": rng.randint(3, 15), "load_kg": load, "side": side})
        # Mostly in order, sometimes back-dated (the slow path).
        date = start + datetime.timedelta(days=day if rng.random() < 0.8 else rng.randint(0, day))
        response = api_user.post("/api/v1/sessions/", {"date": str(date), "sets": sets}, format="json")
        assert response.status_code == 201, response.content
    kept = snapshot(user)
    assert kept[1], "the data should hold some records"
    rebuild_figures(user.pk)
    assert snapshot(user) == kept


def test_edits_and_deletes_keep_figures_right(content, api_user, user):
    ids = []
    for day, load in enumerate([40, 50, 60]):
        body = {"date": f"2025-02-0{day + 1}", "sets": [{"exercise": "goblet-squat", "reps": 5, "load_kg": load}]}
        ids.append(api_user.post("/api/v1/sessions/", body, format="json").json()["id"])

    def stat():
        return ExerciseStat.objects.get(user=user, exercise__slug="goblet-squat")

    assert stat().sessions_logged == 3 and stat().best_set.load_kg == 60
    assert LoggedSet.objects.filter(session__user=user, is_record=True).count() == 2
    delete_session(Session.objects.get(pk=ids[2]))
    assert stat().sessions_logged == 2 and stat().best_set.load_kg == 50
    edit = {"date": "2025-02-02", "sets": [{"exercise": "goblet-squat", "reps": 5, "load_kg": 30}]}
    assert api_user.put(f"/api/v1/sessions/{ids[1]}/", edit, format="json").status_code == 200
    assert stat().best_set.load_kg == 40
    assert not LoggedSet.objects.filter(session__user=user, is_record=True).exists()
    for pk in ids[:2]:
        delete_session(Session.objects.get(pk=pk))
    assert not ExerciseStat.objects.filter(user=user).exists()


def test_the_admin_cannot_edit_a_set_behind_the_figures_back(content, api_user, user, admin_client):
    """Sets change only with their session, through the log's services; the admin shows them read-only."""
    body = {"date": "2025-03-01", "sets": [{"exercise": "back-squat", "reps": 5, "load_kg": 100}]}
    api_user.post("/api/v1/sessions/", body, format="json")
    logged = LoggedSet.objects.get(exercise__slug="back-squat")
    kept = snapshot(user)
    assert admin_client.get(f"/admin/logbook/loggedset/{logged.pk}/change/").status_code == 200  # to look at
    response = admin_client.post(f"/admin/logbook/loggedset/{logged.pk}/change/", {"reps": 50})
    assert response.status_code == 403
    assert LoggedSet.objects.get(pk=logged.pk).reps == 5
    assert admin_client.post(f"/admin/logbook/loggedset/{logged.pk}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot(user) == kept


def test_bests_agree_between_appending_and_recomputing_for_reps_and_holds(content, api_user, user):
    """A set with reps and no seconds, and a hold with seconds and no reps: NULLs rank last either way."""
    for date, set_ in (("2025-04-01", {"reps": 10}), ("2025-04-02", {"reps": None, "duration_s": 30})):
        body = {"date": date, "sets": [{"exercise": "single-leg-glute-bridge", **set_}]}
        assert api_user.post("/api/v1/sessions/", body, format="json").status_code == 201, body
    kept = snapshot(user)
    rebuild_figures(user.pk)
    assert snapshot(user) == kept


def test_deleting_sessions_in_the_admin_keeps_figures_right(content, api_user, user, admin_client):
    ids = []
    for date in ("2025-05-01", "2025-05-02"):
        body = {"date": date, "sets": [{"exercise": "hip-thrust", "reps": 10, "load_kg": 60}]}
        ids.append(api_user.post("/api/v1/sessions/", body, format="json").json()["id"])
    response = admin_client.post(
        "/admin/logbook/session/", {"action": "delete_selected", "_selected_action": [ids[1]], "post": "yes"}
    )
    assert response.status_code == 302
    stat = ExerciseStat.objects.get(user=user, exercise__slug="hip-thrust")
    assert (stat.sessions_logged, stat.last_session_id) == (1, ids[0])
