"""In a real browser: sign up, enrol in the posterior-chain block, and see today's session."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Enrollment

WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_sign_up_enrol_and_see_todays_session(page):
    today = timezone.localdate()
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your Legwork account")).to_be_visible()
    page.get_by_label("Username").fill("browserrunner")
    # "Password" alone, not "Password confirmation" (a required field's label ends in an asterisk).
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-browser-secret-77")
    page.get_by_label("Password confirmation").fill("a-long-browser-secret-77")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Four-week posterior-chain block").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Four-week posterior-chain block")

    # Train today and three days later: 48 hours apart, two sessions a week.
    expect(page.get_by_label("Start date")).to_have_value(today.isoformat())
    chosen = {today.weekday(), (today.weekday() + 3) % 7}
    for day, label in enumerate(WEEKDAY_LABELS):
        box = page.get_by_label(label, exact=True)
        if day in chosen:
            box.check()
        else:
            box.uncheck()
    page.get_by_role("button", name="Start this program").click()

    expect(page.get_by_text("You are following Four-week posterior-chain block")).to_be_visible()
    enrollment = Enrollment.objects.get(user__username="browserrunner")
    assert enrollment.program.slug == "posterior-chain"
    assert sorted(enrollment.weekdays) == sorted(chosen)
    assert enrollment.planned_sessions.count() == 8

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today", exact=True).click()
    session = page.get_by_role("region", name=re.compile("Four-week posterior-chain block: Session A, week 1"))
    expect(session).to_be_visible()
    expect(session).to_contain_text("Due today.")
    first = enrollment.program.workouts_in_order().first()
    for prescription in first.prescriptions.select_related("exercise"):
        expect(session.get_by_role("link", name=prescription.exercise.name, exact=True)).to_be_visible()
        expect(session).to_contain_text(prescription.load)
    expect(session.get_by_role("link", name="Start this session")).to_be_visible()
    assert enrollment.planned_sessions.order_by("sequence")[1].date <= today + timedelta(days=7)
