"""Accessibility in a real browser: axe-core on the main pages in light and dark colour schemes, the
log form driven by the keyboard alone, and every page rendering under the Content-Security-Policy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exercises.models import Exercise
from logbook import services as log_services
from logbook.models import Session
from programs import services as program_services
from programs.models import PlannedSession, Program
from tests.factories import UserFactory

from .helpers import AXE, SAVED, SCHEMES, ConsoleWatch, audit, sign_in


@pytest.fixture
def runner(page):
    """Enrolled in the posterior chain with a session due today, and four sessions logged."""
    today = timezone.localdate()
    user = UserFactory(username="a11y")
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), today - timedelta(days=4), list(range(7))
    )
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    hip, squat, step = (Exercise.objects.get(slug=s) for s in ("hip-thrust", "back-squat", "step-up"))
    for i, p in enumerate(planned[:4]):
        log_services.log_session(
            user,
            date=p.date,
            name=f"Block {i + 1}",
            planned=p,
            effort=7,
            sets=[
                {"exercise": hip, "reps": 12 + i, "load_kg": Decimal(60 + 5 * i)},
                {"exercise": squat, "reps": 5, "load_kg": Decimal(80 + 2 * i)},
                {"exercise": step, "reps": 10, "side": "left"},
                {"exercise": step, "reps": 10, "side": "right"},
            ],
        )
    user.next_planned = PlannedSession.objects.filter(enrollment=enrollment, status="planned").order_by("sequence")[0]
    return user


PUBLIC = ["/", "/exercises/", "/exercises/hip-thrust/", "/programs/posterior-chain/", "/programs/", "/accounts/login/"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_public_pages_have_no_serious_accessibility_violations(page, scheme):
    watch = ConsoleWatch(page)
    problems = []
    for url in PUBLIC:
        problems += audit(page, url, scheme)
    assert not problems, "\n".join(problems)
    assert not watch.problems, watch.problems


@pytest.mark.parametrize("scheme", SCHEMES)
def test_signed_in_pages_have_no_serious_accessibility_violations(page, live_server, runner, scheme):
    sign_in(page, live_server, runner)
    watch = ConsoleWatch(page)
    logged = Session.objects.filter(user=runner).latest("date")
    urls = ["/today/", f"/log/planned/{runner.next_planned.pk}/", "/log/new/", "/progress/"]
    # Beyond the list: the other pages a runner uses every week.
    urls += ["/progress/hip-thrust/", "/log/", f"/log/{logged.pk}/", f"/log/{logged.pk}/edit/", "/enrollments/"]
    urls += [f"/enrollments/{runner.next_planned.enrollment_id}/", "/accounts/settings/", "/log/import/"]
    urls += ["/calendar/", "/calendar/month/", "/races/"]
    problems = []
    for url in urls:
        problems += audit(page, url, scheme)
        if url == "/today/":
            assert page.get_by_role("link", name="Start this session").count() >= 1, "a session is due today"
        if url == "/progress/":
            assert "Hip thrust" in page.inner_text("main"), "the runner's data is on the page"
    assert not problems, "\n".join(problems)
    assert not watch.problems, watch.problems


def test_axe_reports_what_it_should(page):
    """Control: on a page with known problems, the audit above would fail."""
    page.set_content('<html><body><img src="x.png"><input type="text"><p style="color:#777;background:#888">low</p>')
    results = AXE.run(page)
    found = {v["id"]: v["impact"] for v in results.response["violations"]}
    assert found.get("image-alt") == "critical"
    assert found.get("label") == "critical"
    assert found.get("color-contrast") == "serious"


# --------------------------------------------------------------------------------------------------
# Keyboard only
# --------------------------------------------------------------------------------------------------


def tab_to(page, element_id, limit=400):
    """Press Tab until the element has focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} never got focus with Tab")


def focused_text(page):
    return page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")


def tab_to_button(page, label, limit=400):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON" and focused_text(page) == label:
            return
    raise AssertionError(f"the {label!r} button never got focus with Tab")


def test_a_planned_session_can_be_logged_with_the_keyboard_alone(page, live_server, runner):
    sign_in(page, live_server, runner)
    page.goto(f"/log/planned/{runner.next_planned.pk}/")
    # The first control Tab reaches is the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Enter")
    tab_to(page, "id_form-0-reps")
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    # Loads for what was never logged (a move that needs one would be refused at bodyweight).
    empty = page.eval_on_selector_all(".set-load input", "all => all.filter(i => !i.value).map(i => i.id)")
    for element_id in empty:
        tab_to(page, element_id)
        page.keyboard.type("20")
    tab_to_button(page, "Finish")
    page.keyboard.press("Enter")
    page.wait_for_url(SAVED)
    session = Session.objects.get(planned_session=runner.next_planned)
    assert session.sets.order_by("order")[0].reps == 7
    assert PlannedSession.objects.get(pk=runner.next_planned.pk).status == PlannedSession.Status.DONE


def test_an_ad_hoc_session_can_be_logged_with_the_keyboard_alone(page, live_server, runner):
    sign_in(page, live_server, runner)
    page.goto("/log/new/")
    tab_to(page, "id_form-0-exercise")
    page.keyboard.type("Goblet")  # type-ahead picks the option in the focused select
    assert page.eval_on_selector("#id_form-0-exercise", "el => el.selectedOptions[0].text") == "Goblet squat"
    page.keyboard.press("Tab")  # load first, then reps, as a gym logs them
    assert page.evaluate("document.activeElement.id") == "id_form-0-load"
    page.keyboard.type("16")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_form-0-reps"
    page.keyboard.type("9")
    tab_to_button(page, "Finish")
    page.keyboard.press("Space")
    page.wait_for_url(SAVED)
    session = Session.objects.filter(user=runner).latest("pk")
    assert session.planned_session is None
    logged = session.sets.get()
    assert (logged.exercise.slug, logged.reps, logged.load_kg) == ("goblet-squat", 9, Decimal(16))


def test_enter_in_a_set_field_never_saves_a_half_filled_session(page, live_server, runner):
    """Enter (a phone's Go key) moves on to the next field; it neither saves nor quietly adds a set."""
    sign_in(page, live_server, runner)
    before = Session.objects.filter(user=runner).count()
    page.goto("/log/new/")
    tab_to(page, "id_form-0-exercise")
    page.keyboard.type("Goblet")
    page.keyboard.press("Tab")
    page.keyboard.type("16")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_form-0-reps"
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert "/log/new/" in page.url and page.locator(".set-row").count() == 1
    assert Session.objects.filter(user=runner).count() == before
    page.get_by_role("button", name="Finish", exact=True).click()
    page.wait_for_url(SAVED)
    assert Session.objects.filter(user=runner).latest("pk").sets.get().reps == 11


# --------------------------------------------------------------------------------------------------
# The API docs under the Content-Security-Policy
# --------------------------------------------------------------------------------------------------


def test_api_docs_render_under_the_csp(page):
    watch = ConsoleWatch(page)
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 15, "every operation is listed"
    assert page.get_by_text("/api/v1/sessions/{id}/").count() >= 1
    assert not watch.problems, watch.problems
