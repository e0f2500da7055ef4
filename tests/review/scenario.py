"""A two-run review scenario whose diff holds every change class, as real files.

OLD is audited as of 2026-11-26, NEW as of 2026-12-05 (org "Example Corp"):
- new-fail         RMCP-DOM-003 https://new.example.com/**   (entry added, undeclared)
- new-check        RMCP-DOM-006 https://new.example.com/**   (entry added, well formed)
- removed-check    RMCP-DOM-003 https://old.example.com/**   (entry deleted)
- regressed        RMCP-PERM-002 jira.delete                  (blocked → allowed)
- fixed            RMCP-AUTH-001                              (API token auth turned on)
- still-failing    RMCP-DOM-005                               (supported domains on, both times)
- waiver-expired   RMCP-IP-002 192.0.2.10/32                  (waiver expired 2026-12-01)
- waiver-expiring  RMCP-DOM-004 https://*.vercel.app/**       (waiver expires 2026-12-20)
- unchanged        RMCP-PERM-001 jira.read; RMCP-DOM-003 https://*.vercel.app/** (waived, far expiry)
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import Run, run_cli

ORG = "0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11"
OLD_AS_OF = "2026-11-26T00:00:00Z"
NEW_AS_OF = "2026-12-05T00:00:00Z"

POLICY = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {name: review-test}
domains:
  atlassian_supported: forbid
  allowed: ["https://app.example.com/**"]
  unlisted: fail
  public_suffix_wildcards: fail
auth:
  api_token: require
permissions:
  jira: {read: require, delete: forbid}
ip_allowlist:
  enabled: require
  required_ranges: ["203.0.113.0/25", "192.0.2.10/32"]
"""

SETTINGS = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: {collected}
orgs:
  - id: {org}
    name: Example Corp
    rovo_mcp:
      atlassian_supported_domains: true
      domains: ["https://app.example.com/**", "https://*.vercel.app/**", "{extra}"]
      api_token_auth: {api_token}
      permissions:
        jira: {{read: allowed, delete: {delete}}}
    ip_allowlist:
      enabled: true
      ranges: [203.0.113.0/24]
"""

WAIVERS = """\
apiVersion: rovo-audit/v1
kind: Waivers
waivers:
  - control: RMCP-IP-002
    subject: 192.0.2.10/32
    reason: Office move, range added in December
    approved_by: ciso@example.com
    expires: 2026-12-01
  - control: RMCP-DOM-004
    subject: "https://*.vercel.app/**"
    reason: Preview deployments until the January cut-over
    approved_by: ciso@example.com
    expires: 2026-12-20
  - control: RMCP-DOM-003
    subject: "https://*.vercel.app/**"
    reason: Declared in the next policy version
    approved_by: ciso@example.com
    expires: 2027-06-30
  - control: RMCP-IP-001
    reason: Matches nothing (the allowlist is on as required)
    approved_by: ciso@example.com
    expires: 2027-06-30
"""

EXPECTED: dict[tuple[str, str | None], str] = {
    ("RMCP-DOM-003", "https://new.example.com/**"): "new-fail",
    ("RMCP-DOM-006", "https://new.example.com/**"): "new-check",
    ("RMCP-DOM-003", "https://old.example.com/**"): "removed-check",
    ("RMCP-PERM-002", "jira.delete"): "regressed",
    ("RMCP-AUTH-001", None): "fixed",
    ("RMCP-DOM-005", None): "still-failing",
    ("RMCP-IP-002", "192.0.2.10/32"): "waiver-expired",
    ("RMCP-DOM-004", "https://*.vercel.app/**"): "waiver-expiring",
    ("RMCP-PERM-001", "jira.read"): "unchanged",
    ("RMCP-DOM-003", "https://*.vercel.app/**"): "unchanged",
}


@dataclass
class Files:
    policy: Path
    old_settings: Path
    new_settings: Path
    waivers: Path


def write_files(folder: Path) -> Files:
    folder.mkdir(parents=True, exist_ok=True)
    policy = folder / "policy.yaml"
    policy.write_text(POLICY)
    old = folder / "old.settings.yaml"
    old.write_text(
        SETTINGS.format(
            collected="2026-11-25T09:00:00Z",
            org=ORG,
            extra="https://old.example.com/**",
            api_token="false",
            delete="blocked",
        )
    )
    new = folder / "new.settings.yaml"
    new.write_text(
        SETTINGS.format(
            collected="2026-12-04T09:00:00Z",
            org=ORG,
            extra="https://new.example.com/**",
            api_token="true",
            delete="allowed",
        )
    )
    waivers = folder / "waivers.yaml"
    waivers.write_text(WAIVERS)
    return Files(policy, old, new, waivers)


def audit(files: Files, settings: Path, as_of: str, out: Path, *extra: str | Path) -> Run:
    return run_cli(
        "audit",
        "--policy",
        files.policy,
        "--settings",
        settings,
        "--waivers",
        files.waivers,
        "--out",
        out,
        "--as-of",
        as_of,
        "-q",
        *extra,
    )


def dedent(text: str) -> str:
    return textwrap.dedent(text)
