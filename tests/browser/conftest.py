"""Real Chromium (Debian's package) driven by Playwright for Python; never a downloaded browser.

Without Chromium the browser tests are skipped with the reason, except under CI=true, where a
missing browser is a failure.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

PHONE = {"width": 360, "height": 640}


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if os.path.exists(path):
        return path
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (apt-get install chromium, or set CHROMIUM_PATH)")
        pytest.skip("Chromium not found at /usr/bin/chromium or CHROMIUM_PATH: browser tests skipped")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_executable,
            headless=True,
            # This machine has no network but loopback: keep Chromium from trying to reach Google.
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served on a free loopback port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def phone(browser) -> Iterator:
    """A fresh phone-sized page that records console errors and CSP violations."""
    context = browser.new_context(viewport=PHONE, locale="es-PE", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()
