"""A runner's own exercises: made by hand or by an import, logged like the library's, counted in progress,
renamed, deleted only when nothing is logged under them, merged into a library exercise; seen by nobody else."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from exercises import services as exercise_services
from exercises.models import Exercise
from logbook import services as log_services
from logbook import strong
from logbook.models import ExerciseNameMapping, ExerciseStat, LoggedSet

from .factories import UserFactory
from .helpers import STRONG_HEADER, ex, log_session, logged_in_client, page_text, token_client


def own(user, name="Sled push", **fields):
    return exercise_services.create_own_exercise(user, name=name, **fields)


def test_create_rename_and_log_an_own_exercise_through_the_pages(client_logged_in, user, content, today):
    response = client_logged_in.post("/my-exercises/", {"name": "Sled push", "pattern": "other", "unilateral": ""})
    assert response.status_code == 302
    sled = Exercise.objects.get(owner=user)
    assert sled.slug.startswith("sled-push-") and not sled.unilateral
    # In the log form's exercise list, for this runner only.
    page = client_logged_in.get("/log/new/").content.decode()
    assert f'<option value="{sled.pk}">Sled push</option>' in page
    log_session(user, today, {"exercise": sled, "reps": 4, "load_kg": Decimal(100)})
    assert (
        client_logged_in.post(f"/my-exercises/{sled.pk}/", {"name": "Heavy sled push", "pattern": "other"}).status_code
        == 302
    )
    sled.refresh_from_db()
    assert sled.name == "Heavy sled push"
    progress = page_text(client_logged_in.get("/progress/"))
    assert "Heavy sled push" in progress
    assert client_logged_in.get(f"/progress/{sled.slug}/").status_code == 200
    assert "Heavy sled push" in page_text(client_logged_in.get("/my-exercises/"))


def test_an_own_exercise_is_not_in_the_library_for_anyone(client, client_logged_in, user, content):
    sled = own(user)
    assert client_logged_in.get(f"/exercises/{sled.slug}/").status_code == 404
    assert "Sled push" not in page_text(client_logged_in.get("/exercises/?search=sled"))
    api = APIClient()
    assert api.get(f"/api/v1/exercises/{sled.slug}/").status_code == 404
    assert sled.slug not in api.get("/api/v1/exercises/?search=sled").content.decode()


def test_another_runner_can_neither_see_nor_log_it(content, user, today):
    sled = own(user)
    other = UserFactory(username="other")
    assert logged_in_client(other).get(f"/progress/{sled.slug}/").status_code == 404
    assert "Sled push" not in logged_in_client(other).get("/log/new/").content.decode()
    client = token_client(other)
    body = {"date": str(today), "sets": [{"exercise": sled.slug, "reps": 3}]}
    response = client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400 and not LoggedSet.objects.exists()
    assert client.get("/api/v1/my-exercises/").json()["results"] == []
    assert client.get(f"/api/v1/progress/{sled.slug}/").status_code == 404
    with pytest.raises(ValidationError):  # the service refuses too
        log_session(other, today, {"exercise": sled, "reps": 3})
    assert not LoggedSet.objects.exists()


def test_deleting_an_own_exercise_with_sets_is_refused_and_loses_nothing(client_logged_in, user, content, today):
    sled = own(user)
    log_session(user, today, {"exercise": sled, "reps": 4})
    page = page_text(client_logged_in.get(f"/my-exercises/{sled.pk}/delete/"))
    assert "can't be deleted" in page and "1 logged set use it" in page
    client_logged_in.post(f"/my-exercises/{sled.pk}/delete/")
    assert Exercise.objects.filter(pk=sled.pk).exists() and LoggedSet.objects.count() == 1
    assert token_client(user).delete(f"/api/v1/my-exercises/{sled.pk}/").status_code == 400
    empty = own(user, "Nothing yet")
    assert client_logged_in.post(f"/my-exercises/{empty.pk}/delete/").status_code == 302
    assert not Exercise.objects.filter(pk=empty.pk).exists()


def test_merging_into_a_library_exercise_moves_every_set_and_keeps_their_names(client_logged_in, user, content, today):
    strong.import_csv(user, f"{STRONG_HEADER}\n2026-02-20 07:30:00,Legs,40m,Hip Thruster (Smith),1,60,10,,,,,\n")
    imported = Exercise.objects.get(owner=user, name="Hip Thruster (Smith)")
    log_session(user, today, {"exercise": imported, "reps": 8, "load_kg": Decimal(70)})
    hip = ex("hip-thrust")
    response = client_logged_in.post(f"/my-exercises/{imported.pk}/merge/", {"into": str(hip.pk)})
    assert response.status_code == 302 and response["Location"] == "/progress/hip-thrust/"
    assert not Exercise.objects.filter(pk=imported.pk).exists()
    assert list(LoggedSet.objects.order_by("session__date").values_list("exercise__slug", "exercise_name")) == [
        ("hip-thrust", "Hip Thruster (Smith)"),
        ("hip-thrust", "Hip Thruster (Smith)"),
    ]
    stat = ExerciseStat.objects.get(user=user, exercise=hip)
    assert stat.sessions_logged == 2 and stat.best_set.load_kg == Decimal(70)
    # The next import of that name goes straight to the hip thrust.
    assert ExerciseNameMapping.objects.get(user=user, source_name="Hip Thruster (Smith)").exercise == hip
    strong.import_csv(user, f"{STRONG_HEADER}\n2026-02-27 07:30:00,Legs,40m,Hip Thruster (Smith),1,65,10,,,,,\n")
    assert LoggedSet.objects.filter(exercise=hip).count() == 3 and not Exercise.objects.filter(owner=user).exists()


def test_merging_recomputes_per_side_figures(content, user, today):
    step = own(user, "Box step", unilateral=False)
    log_session(user, today, {"exercise": step, "reps": 10, "load_kg": Decimal(10)})
    assert LoggedSet.objects.get().volume_kg == Decimal(100)
    log_services.merge_own_exercise(step, ex("step-up"))  # one side at a time: a "both" set is two sides
    assert LoggedSet.objects.get().volume_kg == Decimal(200)


def test_the_own_exercises_api(content, user, today):
    client = token_client(user)
    response = client.post("/api/v1/my-exercises/", {"name": "Sled drag", "pattern": "other"}, format="json")
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    body = {"date": str(today), "sets": [{"exercise": slug, "reps": 3, "load_kg": "80"}]}
    session = client.post("/api/v1/sessions/", body, format="json").json()
    assert session["sets"][0]["exercise"] == slug and session["sets"][0]["own"] is True
    assert (session["sets"][0]["name"], session["sets"][0]["exercise_name"]) == ("Sled drag", "")
    pk = response.json()["id"]
    assert client.patch(f"/api/v1/my-exercises/{pk}/", {"name": "Sled pull"}, format="json").status_code == 200
    listed = client.get("/api/v1/my-exercises/").json()["results"]
    assert [(e["name"], e["sets_logged"]) for e in listed] == [("Sled pull", 1)]
    merged = client.post(f"/api/v1/my-exercises/{pk}/merge/", {"into": "hip-thrust"}, format="json")
    assert merged.json() == {"moved": 1, "into": "hip-thrust"}
    again = client.get(f"/api/v1/sessions/{session['id']}/").json()
    assert again["sets"][0]["exercise"] == "hip-thrust" and again["sets"][0]["exercise_name"] == "Sled pull"
    assert again["sets"][0]["name"] == "Hip thrust"
