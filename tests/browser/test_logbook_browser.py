"""In a real browser: log today's session as prescribed, make one set heavier, and see the PR."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from exercises.models import Exercise
from logbook import services as log_services
from logbook.models import Session
from programs import services as program_services
from programs.models import PlannedSession, Program
from tests.factories import PASSWORD, UserFactory


def test_log_as_prescribed_edit_a_set_and_see_the_pr(page):
    today = timezone.localdate()
    runner = UserFactory(username="legs")
    # Week 2 of the posterior chain is next (its deadlifts are 3 × 8–10); week 1 was skipped.
    enrollment = program_services.enrol(
        runner, Program.objects.get(slug="posterior-chain"), today - timedelta(days=3), list(range(7))
    )
    for planned in enrollment.planned_sessions.filter(sequence__lte=2):
        program_services.skip(planned)
    deadlift = Exercise.objects.get(slug="conventional-deadlift")
    log_services.log_session(
        runner,
        date=today - timedelta(days=7),
        name="Last week",
        sets=[{"exercise": deadlift, "reps": 10, "load_kg": Decimal(80)}] * 3,
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("legs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto("/today/")
    session_card = page.get_by_role("region", name=re.compile("Four-week posterior-chain block: Session A, week 2"))
    expect(session_card).to_contain_text("Last time")
    session_card.get_by_role("link", name="Start this session").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Session A, week 2")
    # Pre-filled with what the progression says for today: every set reached the top of 8–10 at 80 kg last
    # time, so three deadlift sets of 10 at 85 kg, as the card says.
    expect(page.locator(".gym-card").first).to_contain_text("add 5 kg")
    for number in (1, 2, 3):
        expect(page.get_by_label(f"Set {number} Reps", exact=True)).to_have_value("10")
        expect(page.get_by_label(f"Set {number} Load (kg)", exact=True)).to_have_value("85")
    # Moves never logged that need a weight ask for one instead of being saved at bodyweight.
    page.get_by_role("button", name="Done as prescribed").click()
    expect(page.get_by_text("Nothing was saved yet")).to_be_visible()
    asked = page.locator(".set-load input.is-invalid").all()
    assert asked, "the page asks for the loads it needs"
    for box in asked:
        box.fill("20")
    page.get_by_role("button", name="Done as prescribed").click()

    expect(page.get_by_text(re.compile(r"Saved: Four-week posterior-chain block · Session A"))).to_be_visible()
    logged = Session.objects.get(user=runner, date=today)
    assert logged.sets.count() == sum(p.sets for p in logged.planned_session.workout.prescriptions.all())
    assert logged.planned_session.status == PlannedSession.Status.DONE
    expect(page.get_by_text("New personal record! Conventional deadlift")).to_be_visible()  # 10 × 85 beats 10 × 80

    page.get_by_role("link", name="Edit").click()
    heavier = page.get_by_label("Set 1 Load (kg)", exact=True)
    expect(heavier).to_have_value("85")
    heavier.fill("90")
    page.get_by_role("button", name="Save session").click()

    expect(
        page.get_by_text("New personal record! Conventional deadlift: best estimated one-rep max yet (120 kg)")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^1 Conventional deadlift 10 reps 90 kg"))).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress", exact=True).click()
    records = page.get_by_role("region", name="Recent personal records")
    expect(records).to_contain_text("Conventional deadlift, 10 × 90 kg (estimated 1RM 120 kg)")
    best = page.get_by_role("row", name=re.compile(r"^Conventional deadlift"))
    expect(best).to_contain_text("10 @ 90 kg")
    expect(best).to_contain_text("120 kg – 120 kg")
    # Today's plan has moved on to the next session.
    page.goto("/today/")
    expect(page.get_by_role("region", name=re.compile("Session B, week 2"))).to_be_visible()
