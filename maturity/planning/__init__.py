"""Plan editing, sign-off and follow-up: what an advisor changes in a submitted assessment's plan,
and how far the firm has got with each action.

Who may do what (the policy table's rows, `maturity.policy`):
- Advisors who reach the firm (its advisor members, or their organisation's advisors when it lets
  them see all its firms) edit the plan — targets, actions (remove, reorder, add from the library,
  add their own in both languages or one), programmes with a note, the summary — and sign it.
  The plan is the advisor's professional advice, so only they edit and sign it.
- Owners (and the advisors) see the edited plan and record each action's status (not started, in
  progress, done, with a date): the firm does the work, so the owner keeps the record.
- Administrators and analysts do not reach firms at all (403 by role on edit routes; 404 on the
  status route, like any non-member). Anyone who cannot reach the firm gets 404, like a missing id.

Sign-off: saving any edit after the plan was signed clears the signature (the advisor signs
again). A signature vouches for one exact plan; blocking edits would only add an "unsign" step
with the same effect, while clearing keeps the PDF honest: it never shows a signature over a plan
that changed after it. Signing itself carries the version the advisor saw, so nobody signs a plan
someone else changed meanwhile. Action statuses are progress, not advice: they never unsign.

Edits are stored apart from the generated plan (`models`), merged by the pure
`maturity.plans.edits`; forms are plain HTML posts with CSRF, post-redirect-get, nothing on GET.
"""
from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/assessments", template_folder="templates")


def init_app(app) -> None:
    from maturity.planning import views  # noqa: F401  (the routes, on bp)

    app.register_blueprint(bp)
