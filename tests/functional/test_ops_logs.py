"""Structured logs: one JSON access line per request, carrying the request id the response echoes."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid

import pytest

from maturity.config import PROJECT_ROOT
from maturity.ops.logs import JsonFormatter

SCRIPT = """
import json, sys
from maturity import create_app
results = []
for hops, request_id in json.loads(sys.argv[2]):
    app = create_app({"MATURITY_ENV": "production", "SECRET_KEY": "k" * 40, "PROXY_HOPS": hops,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1] + "/db.sqlite",
                      "INSTANCE_PATH": sys.argv[1], "STORAGE_DIR": sys.argv[1] + "/storage"})
    response = app.test_client().get("/healthz", headers={"X-Request-ID": request_id})
    results.append(response.headers["X-Request-ID"])
print(json.dumps(results))
"""
SENT = [
    (1, f"req-{uuid.uuid4()}"),        # behind one trusted proxy: its id is kept
    (0, "client-chosen-id-1234"),      # no proxy: a client's header is not trusted
    (1, "bad id; forged=yes"),         # characters outside the allowed set
    (1, "short"),                      # too short
    (1, "x" * 500),                    # too long
]


@pytest.fixture(scope="module")
def production_run(tmp_path_factory) -> tuple[list[str], list[dict]]:
    """Production settings in a process of its own (logging is set up once per process)."""
    tmp = tmp_path_factory.mktemp("logs")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp), json.dumps(SENT)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    echoes = json.loads(done.stdout.strip().splitlines()[-1])
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]  # every line is JSON
    return echoes, lines


def test_a_request_writes_one_json_access_line_with_its_request_id(production_run):
    echoes, lines = production_run
    assert echoes[0] == SENT[0][1]
    access = [line for line in lines if line["logger"] == "maturity.access"]
    assert len(access) == len(SENT)  # one line per request
    line = access[0]
    assert line["request_id"] == SENT[0][1] and line["method"] == "GET" and line["path"] == "/healthz"
    assert line["status"] == 200 and line["duration_ms"] >= 0 and line["level"] == "INFO"
    assert line["time"].endswith("Z") and line["user_id"] is None


def test_an_untrusted_or_malformed_request_id_is_replaced(production_run):
    echoes, lines = production_run
    access = [line["request_id"] for line in lines if line["logger"] == "maturity.access"]
    for (_hops, sent), echo, logged in zip(SENT[1:], echoes[1:], access[1:], strict=True):
        assert echo != sent and len(echo) == 32 and logged == echo


def test_the_formatter_keeps_extra_fields_and_tracebacks():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("t").makeRecord("t", logging.ERROR, __file__, 1, "failed %s", ("x",),
                                                    sys.exc_info(), extra={"request_id": "abc12345", "status": 500})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed x" and entry["request_id"] == "abc12345" and entry["status"] == 500
    assert "ValueError: boom" in entry["exception"]


def test_the_response_carries_a_request_id_and_secret_path_parts_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="maturity.access"):
        response = client.get("/auth/confirm/a-secret-token-value-123")
    request_id = response.headers["X-Request-ID"]
    records = [r for r in caplog.records if r.name == "maturity.access"]
    assert len(records) == 1 and records[0].request_id == request_id
    assert "a-secret-token-value-123" not in records[0].getMessage() and records[0].path.endswith("/[redacted]")
