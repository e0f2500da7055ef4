"""DOC-CRED-002 reads a JWT bearer's iss, aud and exp without the network (no signature check)
and judges them: the seed case (a custom 3LO app's token) fails offline, an expired token, a
token for another endpoint ("reconnect; clear cached client ids if the issuer changed"); an
opaque token is skipped, never passed. Online, a 401 invalid_token that names the audience is
"a token for another resource", not "expired, revoked or malformed"."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import assert_no_secret, run_cli
from tests.doctor.conftest import AS_OF

V2 = "https://mcp.atlassian.com/v2/mcp"
V1 = "https://mcp.atlassian.com/v1/mcp"
AUTHV2 = "https://mcp.atlassian.com/v1/mcp/authv2"
MCP_AS = "https://auth.atlassian.com/VCeDsk8ZHncYF1g234fKtc4lNipbBhu3"
SIGNATURE = "c2lnbmF0dXJlLW5ldmVyLWNoZWNrZWQtUExBTlRFRA"  # part of the secret: must never be printed


def jwt(**claims: Any) -> str:
    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{b64(claims)}.{SIGNATURE}"


THREE_LO = jwt(iss="https://auth.atlassian.com", aud="api.atlassian.com", exp=1893456000, client_id="my-3lo-app")


def offline(tmp_path: Path, token: str, *args: str, url: str = V2) -> tuple[Any, dict[str, Any]]:
    """The real command, --offline, the token on stdin; no form of it in any output."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "out"
    r = run_cli(
        "doctor", "--offline", "--url", url, "--bearer", "-", "--as-of", AS_OF, "--out", out, *args,
        cwd=tmp_path, input=token + "\n", timeout=60,
    )  # fmt: skip
    assert r.code in (0, 1), (r.code, r.out, r.err)
    assert_no_secret(r, out, secrets=(token, SIGNATURE))
    report = json.loads((out / "doctor.json").read_text(encoding="utf-8"))
    return r, report


def steps(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["code"]: s for s in report["steps"]}


@contextmanager
def counting_server(status: int = 401, challenge: str = "Bearer") -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that answers every request `status` with `challenge`, and records them."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(f"{self.command} {self.path}")
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            body = b'{"error":"invalid_token"}'
            self.send_response(status)
            self.send_header("www-authenticate", challenge)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_seed_case_fails_offline_and_sends_nothing(tmp_path: Path) -> None:
    """A custom 3LO app's token (iss https://auth.atlassian.com, for api.atlassian.com) fails
    DOC-CRED-002 with no request at all: the endpoint and the API base both point at a server
    that records every request, and it sees none."""
    with counting_server() as (base, seen):
        r, report = offline(tmp_path, THREE_LO, "--api-base-url", base, url=base + "/v2/mcp")
    assert seen == []
    assert r.code == 1
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "failed", cred
    assert cred["causes"][0]["id"] == "custom-3lo-app"
    assert "custom OAuth 2.0 (3LO) app's token" in cred["summary"] and "my-3lo-app" in cred["summary"]
    assert any("not verified (no signature check)" in d for d in cred["details"])
    assert report["first_cause"]["step"] == "DOC-CRED-002"
    assert report["offline"] is True
    # Every step that needs the network says so; none passes for what it did not see.
    for code in ("DOC-ENDPOINT-002", "DOC-AUTH-001", "DOC-CRED-003", "DOC-MCP-001"):
        assert steps(report)[code]["status"] == "skipped"
        assert steps(report)[code]["summary"] == "offline (--offline): no request was sent"


def test_a_token_of_the_endpoints_own_server_passes_offline(tmp_path: Path) -> None:
    token = jwt(iss=MCP_AS, aud=V2, exp=1893456000, client_id="dcr-client")
    r, report = offline(tmp_path, token)
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "passed", cred
    assert cred["summary"].startswith("issued by the authorization server known for this endpoint")
    assert any("offline, from mcp_tokens.yaml" in d for d in cred["details"])
    assert r.code == 0 and "No cause found offline" in r.out


def test_an_expired_token_fails_against_as_of(tmp_path: Path) -> None:
    token = jwt(iss=MCP_AS, aud=V2, exp=1764000000, client_id="dcr-client")  # 2025-11-24
    _, report = offline(tmp_path, token)
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "failed" and cred["causes"][0]["id"] == "oauth-token-expired"
    assert cred["summary"].startswith("expired at 2025-11-24T16:00:00Z (as of 2026-11-26T10:00:00Z)")


def test_a_v1_token_on_v2_says_reconnect_and_clear_cached_client_ids(tmp_path: Path) -> None:
    """/v1/mcp's token (cf.mcp.atlassian.com, for /v1/mcp) used on /v2/mcp: another endpoint,
    and another issuer, so the cached client id must go too."""
    token = jwt(iss="https://cf.mcp.atlassian.com", aud=V1, exp=1893456000)
    _, report = offline(tmp_path, token)
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "failed" and cred["causes"][0]["id"] == "token-wrong-endpoint"
    assert "/v1/mcp authorization server" in cred["summary"]
    assert any("the issuer changed" in d and "clear the client's cached client id" in d for d in cred["details"])
    fix = cred["causes"][0]["fix"]
    assert fix["summary"].startswith("Reconnect") and "clear cached client ids if the issuer changed" in fix["summary"]


def test_an_authv2_token_on_v2_is_another_resource_of_the_same_issuer(tmp_path: Path) -> None:
    token = jwt(iss=MCP_AS, aud=AUTHV2, exp=1893456000)
    _, report = offline(tmp_path, token)
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "failed" and cred["causes"][0]["id"] == "token-wrong-endpoint"
    assert cred["summary"].startswith(f"issued for another endpoint ({AUTHV2}), not for {V2}")
    assert any(d.startswith(f"reconnect (sign in again) against {V2}") for d in cred["details"])
    assert not any("the issuer changed (" in d for d in cred["details"])  # one server mints both


def test_an_opaque_token_is_skipped_never_passed(tmp_path: Path) -> None:
    _, report = offline(tmp_path / "a", "opaqueTokenPLANTEDabcdefghijklmnop0123")
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "skipped"
    assert (
        cred["summary"]
        == "an opaque bearer (a service-account key or an opaque OAuth token): no claims to read offline"
    )
    # JWT-shaped, but its payload is no JSON object: nothing is read, nothing passes.
    broken = "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24." + SIGNATURE
    _, report = offline(tmp_path / "b", broken)
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "skipped"
    assert cred["summary"].startswith("a JWT-shaped token whose payload cannot be read")


def test_an_unknown_audience_warns_and_no_aud_is_said(tmp_path: Path) -> None:
    _, other = offline(tmp_path / "a", jwt(iss=MCP_AS, aud="https://example.org/api", exp=1893456000))
    cred = steps(other)["DOC-CRED-002"]
    assert cred["status"] == "warning" and cred["causes"][0]["id"] == "token-wrong-endpoint"
    _, none = offline(tmp_path / "b", jwt(iss=MCP_AS, exp=1893456000))
    cred = steps(none)["DOC-CRED-002"]
    assert cred["status"] == "passed"
    assert "no aud claim: the audience cannot be checked" in cred["details"]


def test_online_401_naming_the_audience_is_a_token_for_another_resource(tmp_path: Path) -> None:
    """The server refuses the token with invalid_token and an audience hint: DOC-MCP-001's first
    cause is the token for another resource (known_errors.yaml), not an expired one."""
    challenge = (
        'Bearer error="invalid_token", error_description="The access token audience does not match this resource"'
    )
    with counting_server(401, challenge) as (base, seen):
        out = tmp_path / "out"
        r = run_cli(
            "doctor", "--url", base + "/v2/mcp", "--api-base-url", base, "--bearer", "-", "--as-of", AS_OF,
            "--out", out, "--timeout", "5", cwd=tmp_path, input="opaqueTokenPLANTEDabcdefghijklmnop0123\n",
        )  # fmt: skip
    assert r.code == 1, (r.out, r.err)
    assert seen, "the online run talked to the server"
    mcp = steps(json.loads((out / "doctor.json").read_text(encoding="utf-8")))["DOC-MCP-001"]
    assert mcp["status"] == "failed", mcp
    assert mcp["causes"][0]["id"] == "token-wrong-endpoint", [c["id"] for c in mcp["causes"]]


def test_hostile_claims_are_shown_as_text_and_cut(tmp_path: Path) -> None:
    """Claims are the sender's text: control characters are shown on the terminal, never acted
    on (escaped in doctor.json), and a huge claim is cut everywhere."""
    token = jwt(iss="https://evil.example/\x1b]0;pwned\x07" + "a" * 5000, aud="\u202eapi", exp=1893456000)
    r, report = offline(tmp_path, token)
    assert "\x1b" not in r.out and "\u202e" not in r.out
    assert "\\x1b]0;pwned" in r.out
    cred = steps(report)["DOC-CRED-002"]
    assert cred["status"] == "failed" and len(cred["summary"]) < 600
    html = (tmp_path / "out" / "doctor.html").read_text(encoding="utf-8")
    assert "a" * 300 not in html
    assert "\x1b" not in (tmp_path / "out" / "doctor.json").read_text(encoding="utf-8")  # escaped JSON


def test_offline_refuses_what_needs_the_network(tmp_path: Path) -> None:
    from tests.conftest import assert_usage_error

    r = run_cli("doctor", "--offline", "--try-register", cwd=tmp_path)
    assert_usage_error(r, "--try-register needs the network; --offline sends no request")
    assert not (tmp_path / "reports").exists()


def test_online_401_leads_with_what_the_token_itself_says(tmp_path: Path) -> None:
    """A bare 401 invalid_token for an expired JWT: DOC-MCP-001 names the expiry DOC-CRED-002
    read in the token before the generic "expired, revoked or malformed"."""
    token = jwt(aud="https://example.org/mcp", exp=1764000000)  # no iss: only what it says of itself
    with counting_server(401, 'Bearer error="invalid_token"') as (base, _):
        out = tmp_path / "out"
        r = run_cli(
            "doctor", "--url", base + "/v2/mcp", "--api-base-url", base, "--bearer", "-", "--as-of", AS_OF,
            "--out", out, "--timeout", "5", cwd=tmp_path, input=token + "\n",
        )  # fmt: skip
    assert r.code == 1, (r.out, r.err)
    assert_no_secret(r, out, secrets=(token, SIGNATURE))
    mcp = steps(json.loads((out / "doctor.json").read_text(encoding="utf-8")))["DOC-MCP-001"]
    ids = [c["id"] for c in mcp["causes"]]
    assert ids[0] == "oauth-token-expired" and "oauth-token-invalid" in ids, ids


def test_offline_runs_are_byte_identical(tmp_path: Path) -> None:
    """Same token, same --as-of: the same doctor.json and doctor.html, profile and all."""
    outputs = []
    for name in ("a", "b"):
        offline(tmp_path / name, THREE_LO, "--client", "claude-code")
        folder = tmp_path / name / "out"
        outputs.append(tuple((folder / f).read_bytes() for f in ("doctor.json", "doctor.html")))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][0])["client"]["id"] == "claude-code"
