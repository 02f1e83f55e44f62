"""Debian's chromium driven by Playwright, with the browser console collected for every page.

Never skipped: a machine without chromium fails these tests (`make test` installs it with apt).
tests/browser is a package (it has __init__.py) so that this conftest does not take the module name
`conftest` from tests/conftest.py, which other tests import by that name.
"""

from __future__ import annotations

import shutil

import pytest

# Assertions wait for callbacks; on a busy 2-core CI machine 5 s (the default) is too short for
# the model-fitting pages, and a slow page is not a wrong page.
from playwright.sync_api import expect

expect.set_options(timeout=20_000)

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium ontbreekt: installeer het met `apt-get install chromium` (make test doet dat)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleLog:
    """Errors the page wrote to the browser console or threw; a test ends by asserting there are none."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))


def _log_in_on_first_visit(context, page):
    """Before the first visit to an app served by served_app.serving, hand the browser the test
    user's session cookie (obtained through the real login form), as if it had logged in."""
    from .served_app import session_for

    plain_goto = page.goto

    def goto(url, **kwargs):
        cookie = session_for(url)
        if cookie and not any(c["name"] == "civ_session" for c in context.cookies(url)):
            context.add_cookies(
                [{"name": "civ_session", "value": cookie, "url": url.split("/", 3)[0] + "//" + url.split("/", 3)[2]}]
            )
        return plain_goto(url, **kwargs)

    page.goto = goto


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="nl-BE", timezone_id="Europe/Brussels"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in_on_first_visit(context, page)
    page.console = ConsoleLog(page)
    yield page
    context.close()
