"""The log, progress and the sessions API take as many queries for 2,000 sessions as for 10."""

import datetime
from decimal import Decimal
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise
from logbook.models import LoggedSet, Session
from logbook.services import rebuild_figures
from programs import services as program_services
from programs.models import Program

URLS = [
    ("page", "/log/"),
    ("page", "/log/?exercise=hip-thrust"),
    ("page", "/log/?program=posterior-chain"),
    ("page", "/progress/"),
    ("page", "/progress/conventional-deadlift/"),
    ("page", "/progress/single-leg-romanian-deadlift/"),
    ("page", "/today/"),
    ("api", "/api/v1/sessions/"),
    ("api", "/api/v1/sessions/?exercise=box-jump&date_after=2020-01-01"),
    ("api", "/api/v1/progress/conventional-deadlift/"),
]

# (exercise, reps, seconds, load, side, kind): loaded, single-leg pairs, jumps, holds, warm-ups.
PATTERNS = [
    ("conventional-deadlift", 5, None, "100", "both", "warmup"),
    ("conventional-deadlift", 8, None, "120", "both", "working"),
    ("single-leg-romanian-deadlift", 10, None, "16", "left", "working"),
    ("single-leg-romanian-deadlift", 10, None, "16", "right", "working"),
    ("box-jump", 6, None, None, "both", "working"),
    ("hip-thrust", 12, None, "60", "both", "working"),
    ("swiss-ball-hamstring-curl", None, 30, None, "both", "working"),
]


def grow(user, upto, today, planned=()):
    """Add sessions (three sets each, progressively heavier) until the runner has `upto`, in bulk."""
    exercises = {e.slug: e for e in Exercise.objects.filter(slug__in={p[0] for p in PATTERNS})}
    have = Session.objects.filter(user=user).count()
    planned = list(planned)
    sessions = []
    for i in range(have, upto):
        link = planned.pop(0) if planned else None
        sessions.append(
            Session(
                user=user,
                date=today - datetime.timedelta(days=upto - i),
                name="" if link or i % 3 else f"Session {i}",
                notes="" if i % 4 else "notes",
                effort=(i % 10) + 1,
                planned_session=link,
            )
        )
    Session.objects.bulk_create(sessions)
    sets = []
    patterns = cycle(PATTERNS)
    for i, session in enumerate(sessions):
        for order in range(1, 4):
            slug, reps, seconds, load, side, kind = next(patterns)
            logged = LoggedSet(
                session=session,
                order=order,
                exercise=exercises[slug],
                reps=reps,
                duration_s=seconds,
                load_kg=Decimal(load) + i % 50 if load else None,
                side=side,
                kind=kind,
                rpe=Decimal("8") if order == 2 else None,
            )
            logged.compute_derived()  # as logbook.services does before its bulk_create
            sets.append(logged)
    LoggedSet.objects.bulk_create(sets, batch_size=500)
    rebuild_figures(user.pk)  # what logbook.services keeps up to date on every write
    for link in {s.planned_session for s in sessions if s.planned_session_id}:
        program_services.mark_done(link)


def measure(client, api, url_kind, url):
    caller = api if url_kind == "api" else client
    with CaptureQueriesContext(connection) as ctx:
        response = caller.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.slow
def test_query_counts_stay_flat_from_10_to_2000_sessions(content, user, client_logged_in, api_user, today):
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), today - datetime.timedelta(days=30), [0, 3]
    )
    planned = list(enrollment.planned_sessions.order_by("sequence")[:6])
    grow(user, 10, today, planned=planned[:3])
    small = {url: measure(client_logged_in, api_user, kind, url) for kind, url in URLS}
    grow(user, 2000, today, planned=planned[3:])
    assert Session.objects.filter(user=user).count() == 2000
    assert LoggedSet.objects.filter(session__user=user).count() == 6000
    large = {url: measure(client_logged_in, api_user, kind, url) for kind, url in URLS}
    assert large == small
    assert max(large.values()) <= 40, large
    # The pages did show the big log, not an empty one.
    assert "2000 sessions" in client_logged_in.get("/log/").content.decode()
    assert api_user.get("/api/v1/sessions/").json()["count"] == 2000


@pytest.mark.slow
def test_the_list_pages_show_a_page_of_the_big_log(content, user, client_logged_in, api_user, today):
    grow(user, 300, today)
    page = client_logged_in.get("/log/?page=15").content.decode()
    assert "Page 15 of 15" in page
    body = api_user.get("/api/v1/sessions/?page=15").json()
    assert len(body["results"]) == 20 and body["next"] is None
    assert all(len(s["sets"]) == 3 for s in body["results"])


def test_log_form_queries_do_not_grow_with_the_number_of_set_rows(content, client_logged_in, user):
    """One exercise list for the whole formset, not one per set row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from programs.models import PlannedSession, Program

    counts = {}
    for slug in ("posterior-chain", "bodyweight-home"):
        enrollment = program_services.enrol(user, Program.objects.get(slug=slug), timezone.localdate(), [0, 2, 4])
        planned = PlannedSession.objects.filter(enrollment=enrollment).order_by("sequence").last()
        rows = sum(p.sets for p in planned.workout.prescriptions.all())
        with CaptureQueriesContext(connection) as ctx:
            assert client_logged_in.get(f"/log/planned/{planned.pk}/").status_code == 200
        counts[rows] = len(ctx.captured_queries)
    assert len(counts) == 2 and min(counts) < max(counts)  # the two plans differ in rows ...
    assert len(set(counts.values())) == 1, counts  # ... but not in queries


def test_logging_through_the_api_takes_the_same_few_queries_for_3_sets_or_30(content, user, api_user, today):
    """Exercises resolved once per request, sets inserted in one statement, figures updated in two,
    and the answer built from the rows just written."""
    counts = {}
    for n, day in ((3, 2), (30, 1)):
        sets = [
            {"exercise": slug, "reps": 8, "load_kg": "40"}
            for slug, _ in zip(cycle(["goblet-squat", "hip-thrust", "single-leg-romanian-deadlift"]), range(n))
        ]
        body = {"date": str(today - datetime.timedelta(days=day)), "sets": sets}
        with CaptureQueriesContext(connection) as ctx:
            response = api_user.post("/api/v1/sessions/", body, format="json")
        assert response.status_code == 201, response.content
        assert len(response.json()["sets"]) == n
        assert [s["exercise"] for s in response.json()["sets"]] == [s["exercise"] for s in sets]
        counts[n] = len(ctx.captured_queries)
    assert counts[3] == counts[30], counts
    assert counts[3] <= 12, counts


def test_the_log_titles_each_session_by_its_name_its_plan_or_as_a_training_session(
    content, user, client_logged_in, today
):
    from tests.helpers import log_session, page_text

    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), today, [0, 3])
    planned = enrollment.planned_sessions.order_by("sequence").first()
    squat = {"exercise": "goblet-squat", "reps": 8, "load_kg": Decimal("20")}
    log_session(user, today, squat, planned=planned, name="")
    log_session(user, today - datetime.timedelta(days=1), squat, name="Hill legs & core")
    log_session(user, today - datetime.timedelta(days=2), squat, name="")
    response = client_logged_in.get("/log/")
    text = page_text(response)
    assert f"{enrollment.program.name} · {planned.workout.name}" in text
    assert "Hill legs &amp; core" in response.content.decode()  # escaped once, not twice
    assert "Training session" in text
    assert "3 sessions" in text and "1 set · volume 160 kg · Goblet squat" in text
