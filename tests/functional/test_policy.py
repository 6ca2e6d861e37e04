"""The authorization table covers every route, and an endpoint without a row is never served."""
from maturity.policy import POLICY


def test_every_route_has_a_policy_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert not missing, f"routes without a row in maturity/policy.py: {missing}"


def test_no_policy_row_is_left_without_its_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_a_route_missing_from_the_table_is_refused(make_app, monkeypatch):
    app = make_app()
    app.add_url_rule("/unlisted", "unlisted", lambda: "secret")
    response = app.test_client().get("/unlisted")
    assert response.status_code == 404
    assert b"secret" not in response.data


def test_logged_in_rows_send_anonymous_users_to_log_in_and_role_rows_refuse_other_roles(make_app, monkeypatch, create_user):
    from maturity import policy

    app = make_app()
    app.add_url_rule("/members", "members", lambda: "members only")
    app.add_url_rule("/staff", "staff", lambda: "staff only")
    monkeypatch.setitem(policy.POLICY, "members", policy.LOGGED_IN)
    monkeypatch.setitem(policy.POLICY, "staff", policy.roles("admin"))
    client = app.test_client()
    assert client.get("/members").status_code in (302, 401)
    with app.app_context():
        owner = create_user(role="owner")
        token = owner.session_token
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    assert client.get("/members").get_data(as_text=True) == "members only"
    assert client.get("/staff").status_code == 403


def test_object_rules_answer_404_like_a_missing_object(make_app, monkeypatch, create_user):
    from maturity import policy

    app = make_app()
    app.add_url_rule("/things/<int:thing_id>", "thing", lambda thing_id: f"thing {thing_id}")
    monkeypatch.setitem(policy.POLICY, "thing", policy.Rule(obj="even_things"))
    monkeypatch.setitem(policy.OBJECT_RULES, "even_things", lambda user, args: args["thing_id"] % 2 == 0)
    client = app.test_client()
    with app.app_context():
        token = create_user().session_token
    with client.session_transaction() as sess:
        sess["_user_id"] = token
    assert client.get("/things/2").status_code == 200
    denied, missing = client.get("/things/3"), client.get("/nothing-here")
    assert denied.status_code == missing.status_code == 404
