"""Who may call each route: one table, checked before every request.

Every endpoint of `app.url_map` must have a row here; a test fails on any route without one, and
an endpoint missing from the table at run time is refused (404), never served. A row says:
- `anonymous=True`: anyone, logged in or not;
- otherwise the caller must be logged in (else: the log-in page), and have one of `roles` when
  roles are given (else 403);
- `obj`: the name of an object rule in OBJECT_RULES, checked with the route's arguments;
  a failed object rule answers 404, exactly like a missing object (never 403: that would tell an
  outsider the object exists).
Later work only adds rows (and object rules).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, abort, request
from flask_login import current_user

from maturity.auth.models import ROLES


@dataclass(frozen=True)
class Rule:
    anonymous: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    obj: str | None = None

    def describe(self) -> str:
        who = "anyone" if self.anonymous else ("roles: " + ", ".join(sorted(self.roles)) if self.roles else "logged in")
        return who + (f"; object rule: {self.obj}" if self.obj else "")


ANYONE = Rule(anonymous=True)
LOGGED_IN = Rule()


def roles(*names: str, obj: str | None = None) -> Rule:
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return Rule(roles=frozenset(names), obj=obj)


# endpoint -> rule. Keep it sorted by blueprint; one line per route.
POLICY: dict[str, Rule] = {
    "static": ANYONE,
    # main
    "main.index": ANYONE,
    "main.healthz": ANYONE,
    "main.readyz": ANYONE,
    "main.set_language": ANYONE,
    # accounts: signing up, logging in and out, links sent by e-mail (the token is the credential)
    "auth.register": ANYONE,
    "auth.privacy": ANYONE,
    "auth.login": ANYONE,
    "auth.logout": ANYONE,
    "auth.confirm": ANYONE,
    "auth.resend_confirmation": LOGGED_IN,
    "auth.reset_request": ANYONE,
    "auth.reset_password": ANYONE,
    "auth.accept_invitation": ANYONE,
    "auth.mfa_verify": ANYONE,  # log-in step 2: the pending log-in in the session is the credential
    "auth.mfa_setup": LOGGED_IN,
    "auth.mfa_recovery_codes": LOGGED_IN,
    "auth.mfa_disable": LOGGED_IN,
    "auth.reauth": LOGGED_IN,
    # the account page: the logged-in user's own account only
    "account.index": LOGGED_IN,
    "account.change_password": LOGGED_IN,
    "account.change_email": LOGGED_IN,
    "account.confirm_email_change": ANYONE,
    "account.export": LOGGED_IN,
    "account.delete": LOGGED_IN,
    # administration
    "admin.index": roles("admin"),
    "admin.organizations": roles("admin"),
    "admin.users": roles("admin"),
    "admin.new_user": roles("admin"),
    "admin.disable_user": roles("admin"),
    "admin.enable_user": roles("admin"),
    "admin.change_role": roles("admin"),
    # firms and the owner's assessments: members of the firm only (404 for anyone else)
    "firms.new": LOGGED_IN,
    "firms.show": Rule(obj="firm_member"),
    "firms.start": Rule(obj="firm_member"),
    "assessments.index": LOGGED_IN,
    "assessments.resume": Rule(obj="assessment_member"),
    "assessments.page": Rule(obj="assessment_member"),
    "assessments.save_page": Rule(obj="assessment_member"),
    "assessments.autosave": Rule(obj="assessment_member"),
    "assessments.review": Rule(obj="assessment_member"),
    "assessments.submit": Rule(obj="assessment_member"),
    "assessments.results": Rule(obj="assessment_member"),
    "assessments.compare": Rule(obj="compare_members"),
    # owners answering advisors: invitations (the page explains; the POST needs a log-in), access, revocation
    "firms.join": ANYONE,
    "firms.revoke": Rule(obj="firm_member"),
    "firms.decide": Rule(obj="firm_member"),
    # advisors: their client firms (a firm they cannot reach answers 404)
    "advisors.dashboard": roles("advisor"),
    "advisors.new_firm": roles("advisor"),
    "advisors.request_firm_access": roles("advisor"),
    "advisors.invite": roles("advisor", obj="firm_member"),
    "advisors.start_guided": roles("advisor", obj="firm_member"),
    "advisors.field_sheet": roles("advisor", obj="firm_member"),
    "advisors.import_sheet": roles("advisor", obj="firm_member"),
    "reports.plan_pdf": Rule(obj="assessment_member"),
    # plan editing and sign-off: advisors who reach the firm; action status: any member (maturity/planning)
    "planning.edit": roles("advisor", obj="assessment_member"),
    "planning.targets": roles("advisor", obj="assessment_member"),
    "planning.action": roles("advisor", obj="assessment_member"),
    "planning.add_library": roles("advisor", obj="assessment_member"),
    "planning.add_custom": roles("advisor", obj="assessment_member"),
    "planning.programme": roles("advisor", obj="assessment_member"),
    "planning.add_programme": roles("advisor", obj="assessment_member"),
    "planning.summary": roles("advisor", obj="assessment_member"),
    "planning.sign": roles("advisor", obj="assessment_member"),
    "planning.status": Rule(obj="assessment_member"),
    # public API: reads no cookie, changes nothing
    "api.index": ANYONE,
    "api.openapi": ANYONE,
    "api.list_questionnaires": ANYONE,
    "api.get_questionnaire": ANYONE,
    "api.score_answers": ANYONE,
    "api.plan_answers": ANYONE,
    # agencies (/agency/): cohorts of the user's own organisation only (404 for another's)
    "cohorts.index": roles("analyst", "admin"),
    "cohorts.new": roles("analyst", "admin"),
    "cohorts.show": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.edit": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.impact": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.members": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.import_invitations": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.export": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.report": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.typologies": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.fit_typologies": roles("analyst", "admin", obj="cohort_staff"),
    "cohorts.tokens": roles("analyst", "admin"),
    "cohorts.issue": roles("analyst", "admin"),
    "cohorts.revoke": roles("analyst", "admin", obj="token_holder"),
    # … an owner joins with consent, sees and withdraws it, answers invitations (own firms only)
    "cohorts.join_code": roles("owner"),
    "cohorts.join": roles("owner"),
    "cohorts.join_post": roles("owner"),
    "cohorts.memberships": roles("owner"),
    "cohorts.withdraw_membership": roles("owner", obj="membership_owner"),
    "cohorts.accept_invitation": roles("owner", obj="invitation_owner"),
    "cohorts.decline": roles("owner", obj="invitation_owner"),
    # … an advisor suggests firms they advise to their organisation's cohorts
    "cohorts.advisor_invite": roles("advisor"),
    # Agency API: no cookie, no current_user; the blueprint checks the bearer token on every
    # route before the view (401 without a live token, 404 for another organisation's cohort)
    "agency_api.cohorts": ANYONE,
    "agency_api.summary": ANYONE,
    "agency_api.benchmarks": ANYONE,
    "agency_api.impact": ANYONE,
}

# name -> callable(user, view_args) -> bool. Filled by the features that own the objects.
OBJECT_RULES: dict[str, Callable[[object, dict], bool]] = {}


def rule_for(endpoint: str | None) -> Rule | None:
    return POLICY.get(endpoint or "")


def enforce() -> None:
    """before_request hook: apply the endpoint's row, or refuse an endpoint without one."""
    if request.endpoint is None:  # routing failed: Flask answers 404/405 itself
        return
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(404)
    if rule.anonymous and rule.obj is None:
        return
    if not current_user.is_authenticated:
        from maturity.extensions import login_manager

        return login_manager.unauthorized()
    if rule.roles and current_user.role not in rule.roles:
        from maturity.auth.events import access_denied
        access_denied(403, current_user.id, "role " + current_user.role)
        abort(403)  # the route is public knowledge (open source); the objects behind it are not
    if rule.obj is not None and not OBJECT_RULES[rule.obj](current_user, request.view_args or {}):
        from maturity.auth.events import access_denied
        access_denied(404, current_user.id, "object rule " + rule.obj)
        abort(404)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce)
