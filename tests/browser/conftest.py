"""Browser tests drive Debian's Chromium through Playwright.

Without Chromium they skip with a reason, unless LEGWORK_REQUIRE_BROWSER is set (CI), when they fail.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LEGWORK_CHROMIUM", "/usr/bin/chromium"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("LEGWORK_REQUIRE_BROWSER"):
            pytest.fail(message + "; LEGWORK_REQUIRE_BROWSER is set, so this is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db, settings):
    # The live server serves static files from the finders under their plain names, so pages must
    # link plain names too (not the hashed names of the manifest) for CSS and JS to load.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from exercises import content as exercise_content
    from programs import content as program_content

    # transactional tests start from empty tables, so the shipped content is loaded here.
    exercise_content.load()
    program_content.load()
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
