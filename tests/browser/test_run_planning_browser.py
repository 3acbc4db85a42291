"""In a real browser at phone size: set the running week, add a race, enrol, see the reasons, open the calendar."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Enrollment, Race

WEEK = [
    "Easy run",
    "Hard run (intervals, tempo, hills)",
    "Easy run",
    "Hard run (intervals, tempo, hills)",
    "Easy run",
    "Rest",
    "Long run",
]
NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_running_week_race_enrol_and_calendar_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    today = timezone.localdate()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("phonerunner")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-browser-secret-77")
    page.get_by_label("Password confirmation").fill("a-long-browser-secret-77")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    # The browser offered its time zone; the select holds it.
    expect(page.get_by_label("Time zone")).not_to_have_value("")

    for name, kind in zip(NAMES, WEEK, strict=True):
        page.get_by_label(name, exact=True).select_option(label=kind)
    page.get_by_label("Tuesday: time of day").select_option(label="Morning")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    page.goto("/races/")
    race_day = today + timedelta(days=40)
    page.get_by_label("Name").fill("Autumn 10K")
    page.get_by_label("Date").fill(race_day.isoformat())
    page.get_by_label("Distance").select_option(label="10K")
    page.get_by_role("button", name="Add race").click()
    expect(page.get_by_text("Added Autumn 10K: the last leg session comes 7 days before it.")).to_be_visible()
    assert Race.objects.get(user__username="phonerunner").taper == 7
    no_sideways_scroll(page)

    page.goto("/programs/plyometric/")
    reasons = page.get_by_role("region", name="Why these days")
    expect(reasons).to_be_visible()
    expect(reasons).to_contain_text("hard run in the morning (strength after the run, with some hours between)")
    for day in (0, 2, 4, 5):  # the days after or before a hard or long run
        expect(
            page.get_by_label(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day], exact=True)
        ).not_to_be_checked()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Start this program").click()
    # The block runs into the race: the sessions in its taper and race week are named, and the runner decides.
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("race-week-plyo")
    expect(warning).to_contain_text("Nearest day that keeps the rules")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Start anyway").click()
    expect(page.get_by_text("You are following")).to_be_visible()
    enrollment = Enrollment.objects.get(user__username="phonerunner")
    assert not set(enrollment.weekdays) & {0, 2, 4, 5}

    page.goto("/calendar/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of")
    expect(page.get_by_text("Run: hard run in the morning").first).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("link", name="Month").click()
    expect(page.get_by_role("table")).to_be_visible()
    no_sideways_scroll(page)
    page.goto(f"/calendar/?week={race_day.isoformat()}")
    expect(page.get_by_text("Autumn 10K (10K, A)")).to_be_visible()
