"""Import batches: the review step, undo, the same file twice, a wrong unit fixed, bad files refused with
nothing saved, the imports API, and sets keeping their names through the sessions API."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exercises.models import Exercise
from logbook import importers, strong
from logbook.models import ExerciseNameMapping, ExerciseStat, ImportBatch, LoggedSet, Session

from .factories import UserFactory
from .helpers import STRONG_HEADER, confirm_import, ex, log_counts, log_session, page_text, read_form, token_client

JOSH = Path(__file__).parent / "data" / "strong-samples" / "strong_joshuayoes_2.csv"


def strong_csv(*rows):
    return STRONG_HEADER + "\n" + "\n".join(rows) + "\n"


SQUATS = strong_csv(
    "2024-05-01 18:30:00,Legs,45m,Squat (Barbell),1,100,5,,,,,",
    "2024-05-01 18:30:00,Legs,45m,Squat (Barbell),2,100,5,,,,,",
    "2024-05-01 18:30:00,Legs,45m,Zercher Squat (Barbell),1,60,8,,,,,",
)


def upload(client, body, unit="kg", name="strong.csv"):
    data = body if isinstance(body, bytes) else body.encode()
    return client.post("/log/import/", {"file": SimpleUploadedFile(name, data, "text/csv"), "unit": unit})


def test_the_review_shows_each_name_with_its_match_and_saves_nothing_until_confirmed(client_logged_in, user, content):
    response = upload(client_logged_in, SQUATS)
    assert response.status_code == 302 and log_counts(user) == (0, 0)
    review = client_logged_in.get(response["Location"])
    form = review.context["form"]
    proposals = {p.name: p for p, _ in form.rows}
    assert proposals["Squat (Barbell)"].exercise == ex("back-squat")
    assert proposals["Zercher Squat (Barbell)"].exercise is None  # a new own exercise
    page = page_text(review)
    assert "Squat (Barbell) 2 sets · a reviewed match" in page and "Zercher Squat (Barbell) 1 set" in page
    # The runner points the Zercher squat at the goblet squat instead, and confirms.
    data = read_form(review, form_id="review-form")
    zercher = next(field for p, field in form.rows if p.name == "Zercher Squat (Barbell)")
    data[zercher] = str(ex("goblet-squat").pk)
    done = client_logged_in.post(response["Location"], data, follow=True)
    assert "Imported 1 session with 3 sets." in page_text(done)
    assert LoggedSet.objects.filter(exercise=ex("goblet-squat"), exercise_name="Zercher Squat (Barbell)").count() == 1
    # Remembered: the next file proposes the same.
    later = SQUATS.replace("2024-05-01", "2024-05-08")
    assert importers.propose(user, {"Zercher Squat (Barbell)": 1})["Zercher Squat (Barbell)"].exercise == ex(
        "goblet-squat"
    )
    assert strong.import_csv(user, later).ok
    assert LoggedSet.objects.filter(exercise=ex("goblet-squat")).count() == 2
    assert not Exercise.objects.filter(owner=user).exists()


def test_the_review_takes_only_the_runner_s_own_draft_and_choices(client_logged_in, user, content):
    response = upload(client_logged_in, SQUATS)
    review = client_logged_in.get(response["Location"])
    data = read_form(review, form_id="review-form")
    intruder = UserFactory(username="sneaky")
    theirs = Exercise.objects.create(
        owner=intruder, slug="theirs-1", name="Theirs", pattern="other", summary="", dosing=""
    )
    bad = dict(data, **{field: str(theirs.pk) for _, field in review.context["form"].rows})
    assert client_logged_in.post(response["Location"], bad).status_code == 200  # not a choice: re-shown
    assert log_counts(user) == (0, 0)
    from .helpers import logged_in_client

    assert logged_in_client(intruder).post(response["Location"], data).status_code == 404
    assert log_counts() == (0, 0)
    # A confirmed draft can't be confirmed twice.
    assert client_logged_in.post(response["Location"], data).status_code == 302
    assert client_logged_in.post(response["Location"], data).status_code == 404
    assert log_counts(user) == (1, 3)


def test_the_same_file_twice_adds_nothing_and_says_so(client_logged_in, user, content):
    confirm_import(client_logged_in, SQUATS)
    response = upload(client_logged_in, SQUATS)
    batch = ImportBatch.objects.get(status="done")
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = page_text(client_logged_in.get(response["Location"]))
    assert "You already imported this file" in page and "nothing was added" in page
    assert log_counts(user) == (1, 3) and ImportBatch.objects.count() == 1


def test_an_overlapping_export_adds_only_the_new_workouts(content, user):
    strong.import_csv(user, SQUATS)
    bigger = SQUATS + "2024-05-03 18:30:00,Legs,45m,Squat (Barbell),1,105,5,,,,,\n"
    report = strong.import_csv(user, bigger)
    assert (report.sessions_created, report.sessions_already_there, report.sets_created) == (1, 1, 1)


def test_undo_removes_exactly_the_batch_and_refreshes_figures(client_logged_in, user, content, today):
    mine = log_session(user, today, {"exercise": "back-squat", "reps": 3, "load_kg": 90})
    page = page_text(confirm_import(client_logged_in, SQUATS))
    assert "Imported 1 session with 3 sets." in page
    batch = ImportBatch.objects.get()
    assert ExerciseStat.objects.get(user=user, exercise=ex("back-squat")).sessions_logged == 2
    assert "Undo this import" in page_text(client_logged_in.get(f"/log/imports/{batch.pk}/"))
    assert client_logged_in.post(f"/log/imports/{batch.pk}/undo/").status_code == 302
    assert list(Session.objects.filter(user=user)) == [mine]
    stat = ExerciseStat.objects.get(user=user, exercise=ex("back-squat"))
    assert stat.sessions_logged == 1 and stat.last_session == mine
    assert not Exercise.objects.filter(owner=user).exists()  # the Zercher squat only this import used
    batch.refresh_from_db()
    assert batch.status == "undone"
    assert "undone" in page_text(client_logged_in.get("/log/imports/"))


def test_a_wrong_unit_is_fixed_by_undo_and_importing_again(content, user):
    body = strong_csv("2024-05-01 18:30:00,Legs,45m,Squat (Barbell),1,225,5,,,,,")
    report = strong.import_csv(user, body, "kg")
    assert LoggedSet.objects.get().load_kg == Decimal(225)
    from logbook import services

    services.undo_import(report.batch)
    again = strong.import_csv(user, body, "lb")
    assert again.sessions_created == 1 and LoggedSet.objects.get().load_kg == Decimal("102.058")


def test_undo_keeps_an_own_exercise_that_something_else_uses(content, user, today):
    report = strong.import_csv(user, SQUATS)
    zercher = Exercise.objects.get(owner=user)
    log_session(user, today, {"exercise": zercher, "reps": 5})
    from logbook import services

    services.undo_import(report.batch)
    assert Exercise.objects.filter(pk=zercher.pk).exists() and LoggedSet.objects.count() == 1


def test_the_imports_page_lists_batches(client_logged_in, user, content):
    strong.import_csv(user, JOSH.read_text(), "lb", file_name=JOSH.name)
    page = page_text(client_logged_in.get("/log/imports/"))
    assert JOSH.name in page and "Strong · lb" in page and "25 sessions, 418 sets" in page


BAD_FILES = [
    (b"", "The submitted file is empty"),
    (STRONG_HEADER.encode() + b"\n", "No sets were found"),
    (SQUATS.encode()[:-40], "fields where the header has 12"),  # truncated mid-row
    (SQUATS.replace(",", "\t").encode(), "Missing column(s)"),  # tab separated: no Strong layout
    (bytes(range(256)) * 10, "not UTF-8"),
    (SQUATS.encode("utf-16"), "UTF-16"),
]


@pytest.mark.parametrize(
    ("body", "message"), BAD_FILES, ids=["empty", "header", "truncated", "tabs", "binary", "utf16"]
)
def test_bad_files_are_refused_clearly_and_save_nothing(client_logged_in, user, content, body, message):
    response = upload(client_logged_in, body)
    assert response.status_code == 200
    assert message in page_text(response)
    assert log_counts() == (0, 0) and not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_logged_in, user, content, settings):
    from logbook.forms import ImportForm

    body = SQUATS.encode() + b"x" * (ImportForm.MAX_BYTES + 1)
    response = upload(client_logged_in, body)
    assert "over 10 MB" in page_text(response) and log_counts() == (0, 0)


def test_the_imports_api(content, user):
    client = token_client(user)
    file = SimpleUploadedFile("strong.csv", SQUATS.encode(), "text/csv")
    mappings = '{"Zercher Squat (Barbell)": "goblet-squat"}'
    response = client.post("/api/v1/imports/", {"file": file, "unit": "kg", "mappings": mappings}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["sessions_created"], body["sets_created"], body["status"]) == (1, 3, "done")
    assert LoggedSet.objects.filter(exercise=ex("goblet-squat")).count() == 1
    again = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("strong.csv", SQUATS.encode()), "unit": "kg"},
        format="multipart",
    )
    assert again.status_code == 200 and "already imported" in again.json()["detail"]
    assert [b["id"] for b in client.get("/api/v1/imports/").json()["results"]] == [body["id"]]
    assert client.post(f"/api/v1/imports/{body['id']}/undo/").json()["status"] == "undone"
    assert log_counts(user) == (0, 0)
    bad = client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), "unit": "kg"}, format="multipart"
    )
    assert bad.status_code == 400 and bad.json()["rows"][0]["column"] == "header"
    unknown = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("s.csv", SQUATS.encode()), "unit": "kg", "mappings": '{"Squat (Barbell)": "nope"}'},
        format="multipart",
    )
    assert unknown.status_code == 400 and "mappings" in unknown.json()


def test_sessions_api_sets_keep_their_names_and_a_get_puts_back_unchanged(content, user):
    body = strong_csv(
        "2024-05-01 18:30:00,Legs,45m,Squat (Barbell),1,100,5,,,,,",
        "2024-05-01 18:30:00,Legs,45m,Zercher Squat (Barbell),1,60,8,,,,,",
        "2024-05-01 18:30:00,Legs,45m,Running (Treadmill),1,,,1.5,600,,,",
    )
    strong.import_csv(user, body, "kg")
    session = Session.objects.get()
    client = token_client(user)
    got = client.get(f"/api/v1/sessions/{session.pk}/").json()
    assert got["start_time"] == "18:30:00" and got["distance_m"] == "1500.00"
    names = [(s["name"], s["exercise_name"], s["own"]) for s in got["sets"]]
    assert names == [
        ("Back squat", "Squat (Barbell)", False),
        ("Zercher Squat (Barbell)", "Zercher Squat (Barbell)", True),
        ("Running (Treadmill)", "Running (Treadmill)", True),
    ]
    zercher = Exercise.objects.get(owner=user, name="Zercher Squat (Barbell)")
    assert got["sets"][1]["exercise"] == zercher.slug
    before = list(session.sets.order_by("order").values())
    assert client.put(f"/api/v1/sessions/{session.pk}/", got, format="json").status_code == 200
    after = list(session.sets.order_by("order").values())
    ignore = {"id"}
    assert [{k: v for k, v in s.items() if k not in ignore} for s in after] == [
        {k: v for k, v in s.items() if k not in ignore} for s in before
    ]
    # The same session, one version on (a PUT is an edit, even of nothing).
    assert client.get(f"/api/v1/sessions/{session.pk}/").json() == got | {"version": got["version"] + 1}


def test_a_mapping_is_per_runner(content, user):
    strong.import_csv(user, SQUATS, choices={"Zercher Squat (Barbell)": ex("goblet-squat")})
    assert ExerciseNameMapping.objects.filter(user=user).count() == 2
    other = UserFactory(username="someone")
    assert importers.propose(other, {"Zercher Squat (Barbell)": 1})["Zercher Squat (Barbell)"].exercise is None


def test_the_bulk_figures_refresh_agrees_with_the_one_by_one_refresh(content, user, today):
    from logbook import services

    strong.import_csv(user, JOSH.read_text(), "lb")  # many exercises: the one-pass refresh
    log_session(user, today, {"exercise": "back-squat", "reps": 0, "load_kg": 200, "kind": "failure"})

    def figures():
        stats = {
            s.exercise_id: (s.sessions_logged, s.last_session_id, s.last_date, services.best_key(s.best_set))
            for s in ExerciseStat.objects.filter(user=user).select_related("best_set")
        }
        return stats, set(LoggedSet.objects.filter(is_record=True).values_list("pk", flat=True))

    bulk = figures()
    assert len(bulk[0]) > services.MANY_EXERCISES and bulk[1]
    ExerciseStat.objects.all().delete()
    LoggedSet.objects.update(is_record=False)
    for exercise_id in bulk[0]:
        services._refresh_figures(user.pk, {exercise_id})
    assert figures() == bulk


@pytest.mark.parametrize(
    "text",
    ["=SUM(A1:A2)", "+1", "-2 reps", "@here", "\tindent", "\rcr", "'=already", "''=twice", "'plain", "plain", "", "'"],
)
def test_formula_cells_are_neutralised_and_read_back_to_the_same_text(text):
    shown = importers.neutralise(text)
    assert not shown.startswith(importers.FORMULA_START)
    assert importers.restore(shown) == text


def test_an_export_read_back_keeps_formula_looking_text(client, content, today):
    runner = UserFactory(username="formulas")
    log_session(runner, today, {"exercise": "hip-thrust", "reps": 5, "note": '=HYPERLINK("x")'}, name="+Leg day")
    client.force_login(runner)
    exported = b"".join(client.get("/log/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in exported and "'+Leg day" in exported
    fresh = UserFactory(username="fresh-formulas")
    strong.import_csv(fresh, exported)
    session = Session.objects.get(user=fresh)
    assert session.name == "+Leg day" and session.sets.get().note == '=HYPERLINK("x")'
