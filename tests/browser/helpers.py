"""What the browser tests share: signing in, axe audits, watching the console for CSP violations."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.test import Client

AXE = Axe()
SAVED = re.compile(r"/log/\d+/(#.*)?$")  # the saved session's page (the skip link's #main may stay on the URL)
BLOCKING = {"serious", "critical"}
SCHEMES = ["light", "dark"]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


class ConsoleWatch:
    """Content-Security-Policy violations and script errors, as the browser reports them."""

    def __init__(self, page):
        self.problems = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def console(self, message):
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused" in message.text):
            self.problems.append(message.text)


def audit(page, url, scheme):
    """Open `url` in `scheme`, run axe, return the serious and critical violations as text."""
    page.emulate_media(color_scheme=scheme)
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    assert page.get_attribute("html", "data-bs-theme") == scheme, "theme.js follows the colour scheme"
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    if results.violations_count:
        print(f"\n--- {url} ({scheme}) ---\n{results.generate_report()}")
    return [
        f"{url} ({scheme}): {v['id']} [{v['impact']}] {v['help']} → "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    ]


def audit_here(page, what, scheme):
    """Axe on the page as it is now (after taps), the serious and critical violations as text."""
    results = AXE.run(page)
    return [
        f"{what} ({scheme}): {v['id']} [{v['impact']}] {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
