"""Gym mode in Debian's Chromium at a phone's size (390 × 844, touch): a planned session of three exercises
and nine sets logged by ticking, the rest timer counting down, a reload that keeps every tick, a finish with
no connection saved exactly once when it returns, the install criteria; every page at 360 px wide; thumb-sized
controls on the log form; axe at phone and desktop sizes in light and dark; and the whole thing without
JavaScript. The taps counted here are the ones docs/performance.md reports."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logbook.models import Draft, Session
from programs import services as program_services
from tests.factories import UserFactory
from tests.helpers import log_session, small_block

from .helpers import SAVED, ConsoleWatch, audit, audit_here, sign_in

PHONE = {"width": 390, "height": 844}
THREE = ["back-squat", "hip-thrust", "step-up"]


def wait_until(check, seconds=10.0, what="it"):
    """Poll `check` (the live server shares this process's database) until it is true."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gym_runner(page):
    """Follows a block whose session today is back squat, hip thrust and step-up, three sets each; every load
    is known from last week (squats at 80 kg, hip thrusts at 60 kg, step-ups at bodyweight)."""
    today = timezone.localdate()
    user = UserFactory(username="gym")
    enrollment = program_services.enrol(user, small_block(THREE, rest_s=45), today, list(range(7)))
    log_session(
        user,
        today - timedelta(days=7),
        {"exercise": "back-squat", "reps": 9, "load_kg": Decimal(80), "times": 3},
        {"exercise": "hip-thrust", "reps": 9, "load_kg": Decimal(60), "times": 3},
        {"exercise": "step-up", "reps": 9, "times": 3},
    )
    user.planned = enrollment.planned_sessions.get(sequence=1)
    return user


def new_phone(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2, **options
    )
    context.set_default_timeout(10_000)
    return context.new_page()


class Taps:
    """Taps on the screen, counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def __call__(self, selector):
        self.page.locator(selector).first.tap()
        self.count += 1


def test_a_planned_session_by_ticking_sets_on_a_phone_through_a_lost_connection(browser, live_server, gym_runner):
    phone = new_phone(browser, live_server)
    watch = ConsoleWatch(phone)
    sign_in(phone, live_server, gym_runner)
    tap = Taps(phone)
    phone.goto("/today/")
    tap("text=Start this session")
    phone.wait_for_url(f"**/log/planned/{gym_runner.planned.pk}/")
    assert phone.locator(".gym-card").count() == 3 and phone.locator(".set-row").count() == 9
    # Installable: a manifest with icons, and the service worker in control of the whole site.
    manifest = phone.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.active && r.scope)")
    assert scope == live_server.url + "/"

    # The first set ticked starts the rest timer at the prescription's 45 s, and it counts down.
    tap('label[for="id_form-0-done"]')
    timer = phone.locator("[data-rest-time]")
    phone.wait_for_selector("#rest-timer:not([hidden])")
    first = timer.inner_text()
    assert first in ("0:45", "0:44"), first
    phone.wait_for_timeout(2100)
    later = timer.inner_text()
    assert later < first and later.startswith("0:4"), (first, later)
    for n in range(1, 5):
        tap(f'label[for="id_form-{n}-done"]')
    assert phone.locator(".set-row.is-done").count() == 5

    # Reload mid-session (a closed tab, a phone that died): every tick is still there.
    wait_until(lambda: Draft.objects.filter(user=gym_runner, sets_done=5).exists(), what="the autosave")
    phone.reload()
    ticked = phone.eval_on_selector_all(".set-done", "boxes => boxes.map(b => b.checked)")
    assert ticked == [True] * 5 + [False] * 4

    for n in range(5, 9):
        tap(f'label[for="id_form-{n}-done"]')
    # No signal: the finish is kept on the phone and says so.
    phone.context.set_offline(True)
    tap("button[name=save]")
    phone.wait_for_selector("#queued-note")
    assert "waiting to sync" in phone.inner_text("#sync-status")
    time.sleep(0.5)
    assert not Session.objects.filter(user=gym_runner, planned_session=gym_runner.planned).exists()

    # Back online: sent once, and saved once, even if it is sent again.
    phone.context.set_offline(False)
    session = wait_until(
        lambda: Session.objects.filter(user=gym_runner, planned_session=gym_runner.planned).first(), what="the sync"
    )
    wait_until(lambda: phone.inner_text("#sync-status").startswith("Synced"), what="the synced note")
    phone.evaluate("window.Legwork.replay()")
    time.sleep(0.5)
    assert Session.objects.filter(user=gym_runner).count() == 2  # last week's and today's
    assert session.sets.count() == 9
    loads = list(session.sets.order_by("order").values_list("exercise__slug", "reps", "load_kg"))
    assert loads[0] == ("back-squat", 10, Decimal(80)) and loads[3] == ("hip-thrust", 10, Decimal(60))
    assert not Draft.objects.filter(user=gym_runner).exists()
    # Start, nine ticks, finish: the count docs/performance.md gives.
    assert tap.count == 11
    assert not watch.problems, watch.problems  # no script errors, nothing the CSP refused
    phone.context.close()


def test_a_planned_session_with_known_loads_takes_at_most_eleven_taps(browser, live_server, gym_runner):
    phone = new_phone(browser, live_server)
    sign_in(phone, live_server, gym_runner)
    tap = Taps(phone)
    phone.goto("/today/")
    tap("text=Start this session")
    for n in range(9):
        tap(f'label[for="id_form-{n}-done"]')
    tap("button[name=save]")
    phone.wait_for_url(SAVED)
    assert Session.objects.get(planned_session=gym_runner.planned).sets.count() == 9
    assert tap.count <= 11
    phone.context.close()


def pages_of(runner):
    logged = Session.objects.filter(user=runner).latest("date")
    enrollment = runner.planned.enrollment
    return [
        "/",
        "/exercises/",
        "/exercises/back-squat/",
        "/exercises/?equipment=barbell",
        "/programs/",
        "/programs/posterior-chain/",
        "/programs/posterior-chain/enroll/",
        "/guides/race-week/",
        "/today/",
        "/log/",
        "/log/new/",
        f"/log/planned/{runner.planned.pk}/",
        f"/log/{logged.pk}/",
        f"/log/{logged.pk}/edit/",
        f"/log/{logged.pk}/delete/",
        "/log/import/",
        "/progress/",
        "/progress/back-squat/",
        "/enrollments/",
        f"/enrollments/{enrollment.pk}/",
        f"/enrollments/{enrollment.pk}/leave/",
        f"/enrollments/{enrollment.pk}/restart/",
        f"/planned/{runner.planned.pk}/move/",
        "/accounts/settings/",
        "/accounts/password/change/",
        "/accounts/delete/",
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_360_px_screen(browser, live_server, gym_runner, scheme):
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, has_touch=True)
    page = phone.new_page()
    page.emulate_media(color_scheme=scheme)
    wide = []
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page.goto(url)
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            wide.append(f"{url}: {width}")
    sign_in(page, live_server, gym_runner)
    for url in pages_of(gym_runner):
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            wide.append(f"{url}: {width}")
    assert not wide, wide
    phone.close()


TARGETS = """() => {
  const small = [];
  const seen = el => el.offsetParent !== null && !el.closest('.visually-hidden');
  const check = (el, what) => {
    const box = el.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) small.push(`${what}: ${Math.round(box.width)}×${Math.round(box.height)}`);
  };
  document.querySelectorAll('#log-form input, #log-form select, #log-form button, #log-form summary, #log-form a.btn')
    .forEach(el => {
      if (el.type === 'hidden' || !seen(el) && !el.classList.contains('btn-check')) return;
      if (el.type === 'checkbox') {
        const label = document.querySelector(`label[for="${el.id}"]`);
        if (label && seen(label)) check(label, `label of ${el.name}`);
        return;
      }
      check(el, el.name || el.id || el.textContent.trim());
    });
  return small;
}"""


def test_every_control_of_the_log_form_is_thumb_sized(browser, live_server, gym_runner):
    phone = new_phone(browser, live_server)
    sign_in(phone, live_server, gym_runner)
    for url in (f"/log/planned/{gym_runner.planned.pk}/", "/log/new/"):
        phone.goto(url)
        # Open every "More", so the side, RPE, note and Remove controls are measured too.
        phone.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
        small = phone.evaluate(TARGETS)
        assert small == [], (url, small[:8])
    phone.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_gym_pages_have_no_serious_accessibility_violations(browser, live_server, gym_runner, scheme, size):
    context = browser.new_context(base_url=live_server.url, viewport=size)
    page = context.new_page()
    sign_in(page, live_server, gym_runner)
    problems = []
    for url in ("/today/", f"/log/planned/{gym_runner.planned.pk}/", "/log/new/", "/progress/"):
        problems += audit(page, url, scheme)
    page.goto(f"/log/planned/{gym_runner.planned.pk}/")
    page.locator('label[for="id_form-0-done"]').click()
    page.wait_for_selector("#rest-timer:not([hidden])")
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    problems += audit_here(page, "gym page, a set ticked, every More open", scheme)
    assert not problems, "\n".join(problems)
    context.close()


def test_without_javascript_the_menu_works_and_a_session_is_logged(browser, live_server, gym_runner):
    phone = new_phone(browser, live_server, java_script_enabled=False)
    sign_in(phone, live_server, gym_runner)
    phone.goto("/")
    # The everyday links show; the rest open from the menu, a <details>, with no script.
    nav = phone.get_by_role("navigation", name="Main")
    assert not nav.get_by_role("link", name="Exercises").is_visible()
    nav.get_by_text("Menu").click()
    assert nav.get_by_role("link", name="Settings").is_visible()
    nav.get_by_role("link", name="Progress").click()
    phone.wait_for_url("**/progress/")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Log", exact=True).click()
    phone.wait_for_url("**/log/")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    phone.wait_for_url("**/today/")
    phone.get_by_text("Start this session").click()
    for n in range(6):
        phone.locator(f'label[for="id_form-{n}-done"]').click()
    # Enter in a field keeps a draft and shows the form again; it does not save the session.
    phone.locator("#id_form-6-reps").fill("8")
    phone.locator("#id_form-6-reps").press("Enter")
    phone.wait_for_url(f"**/log/planned/{gym_runner.planned.pk}/")
    assert not Session.objects.filter(planned_session=gym_runner.planned).exists()
    assert phone.locator(".set-done:checked").count() == 6
    # Adding a set is a form post too.
    phone.locator(".gym-card").nth(2).get_by_role("button", name="Add a set of Step-up").click()
    assert phone.locator(".set-row").count() == 10
    phone.get_by_role("button", name="Finish", exact=True).click()
    phone.wait_for_url(SAVED)
    session = Session.objects.get(planned_session=gym_runner.planned)
    assert session.sets.count() == 6  # the six ticked
    phone.context.close()
