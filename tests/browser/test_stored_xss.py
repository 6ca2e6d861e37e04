"""Stored XSS and template injection (issue #13, item 3): a hostile payload in every user text
field of the world, then every page that shows them, in Spanish and English, in headless Chromium.

Each field gets the payload behind its own marker (`firm.name:<script>…`), so every place a field
is shown is found and checked: the payload must be there as text, literally (so `{{7*7}}` never
became 49 and no tag became markup), no dialog may open, and the page may report no Content
Security Policy violation (an injected inline script or `onerror` handler would be blocked by the
CSP and reported). The plan PDF of the firm must show the payload as text too.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.functional.security_world import prepare_session, world_in

pytestmark = pytest.mark.browser

PAYLOAD = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>{{7*7}}{% raw %}javascript:alert(1)"
SHORT = "<img src=x onerror=alert(1)>{{7*7}}"
SHORT_FIELDS = {"token.name"}  # 80 characters at most (with the default text after the payload)
# Fields that must be shown on at least one page (the rest are checked wherever they appear).
MUST_APPEAR = {"firm.name", "organization.name", "cohort.name", "answer.note", "answer.evidence", "token.name"}
CSP_LISTENER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def payload(field: str) -> str:
    return f"{field}:" + (SHORT if field in SHORT_FIELDS else PAYLOAD)


def pages(world) -> dict[str | None, list[str]]:
    a, draft, sub = world.id("firm_a"), world.id("draft_a"), world.id("submitted_a")
    cohort = world.id("cohort_a")
    return {
        "owner_a": [f"/firms/{a}", "/assessments/", f"/assessments/{sub}/results", f"/assessments/{sub}/compare/{sub}",
                    f"/assessments/{draft}/review", f"/assessments/{draft}/d/T1", "/agency/memberships",
                    f"/agency/join/{world.secrets['join_code_b']}", "/account"],
        "advisor_a": ["/advisor/", f"/firms/{a}", f"/assessments/{draft}/d/T1", f"/assessments/{sub}/results",
                      f"/advisor/firms/{a}/import", "/agency/invite"],
        "analyst_x": ["/agency/", f"/agency/cohorts/{cohort}", f"/agency/cohorts/{cohort}/members",
                      f"/agency/cohorts/{cohort}/impact", "/agency/tokens"],
        "admin": ["/admin/", "/admin/organizations", "/admin/users"],
        None: [f"/firms/join/{world.secrets['owner_invitation_a']}"],
    }


@pytest.fixture
def hostile_world(app):
    yield from world_in(app, text=lambda field, default: f"{payload(field)} {default}"[:200])


def session_cookie(app, world, persona) -> str | None:
    if persona is None:
        return None
    client = app.test_client()
    prepare_session(client, world.users[persona].id)
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value


def check_text(text: str) -> tuple[set[str], list[str]]:
    """The fields found in `text`, and every place a field is not shown literally."""
    found, problems = set(), []
    for match in re.finditer(r"([a-z]+\.[a-z]+):", text):
        field = match.group(1)
        expected = payload(field)
        if field not in MUST_APPEAR | {"cohort.programme", "cohort.description"}:
            continue
        found.add(field)
        shown = text[match.start():match.start() + len(expected)]
        if shown != expected:
            problems.append(f"{field} shown as {shown!r}")
    return found, problems


def test_hostile_text_is_shown_literally_on_every_page_in_both_languages(app, hostile_world, live_server, browser):
    world = hostile_world
    seen: set[str] = set()
    failures: list[str] = []
    visited = 0
    for persona, paths in pages(world).items():
        context = browser.new_context(locale="es-PE")
        cookie = session_cookie(app, world, persona)
        if cookie:
            context.add_cookies([{"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie,
                                  "url": live_server}])
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog, opened=dialogs):
            opened.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        for path in paths:
            for lang in ("es", "en"):
                url = f"{live_server}{path}?lang={lang}"
                response = page.goto(url)
                where = f"{persona or 'anonymous'} {path} ({lang})"
                if response is None or response.status != 200:
                    failures.append(f"{where}: status {response.status if response else None}")
                    continue
                visited += 1
                page.wait_for_load_state("load")
                text = page.evaluate("document.body.textContent")
                found, problems = check_text(text)
                seen |= found
                failures += [f"{where}: {p}" for p in problems]
                violations = page.evaluate("window.__violations")
                if violations:
                    failures.append(f"{where}: CSP violations {violations}")
                if page.evaluate("document.querySelectorAll('img[src=\"x\"], script:not([src])').length"):
                    failures.append(f"{where}: the payload became markup")
        if dialogs:
            failures.append(f"{persona}: dialogs opened: {dialogs}")
        context.close()
    assert visited >= 40
    assert not failures, "\n  ".join(failures)
    assert seen >= MUST_APPEAR, f"fields never shown on the pages visited: {MUST_APPEAR - seen}"


def test_hostile_text_is_text_in_the_plan_pdf(app, hostile_world, tmp_path):
    from maturity.assessments.models import Assessment
    from maturity.extensions import db
    from maturity.reports.document import build_document
    from maturity.reports.pdf import render_pdf

    assessment = db.session.get(Assessment, hostile_world.id("submitted_a"))
    for lang in ("es", "en"):
        pdf = tmp_path / f"plan-{lang}.pdf"
        pdf.write_bytes(render_pdf(build_document(assessment, lang).html))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", payload("firm.name")) in flat, text[:1500]
        assert "firm.name:49" not in flat
