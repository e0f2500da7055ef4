"""Inputs for a report that shows every status and severity badge the review and demo pages lack
(warn, unknown, low, info; medium and high too) and evidence dated after the as-of time: so axe
judges each colour on the page, not only the ones the demo happens to use."""

POLICY = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {name: every-state}
domains:
  atlassian_supported: forbid
  allowed: ["https://app.example.com/**"]
  unlisted: warn
auth:
  api_token: require
  oauth: require
scopes:
  required: [read:jira-work]
permissions:
  jira: {read: require, write: forbid}
ip_allowlist:
  enabled: require
evidence:
  max_age_days: 30
severity:
  RMCP-DOM-005: info
  RMCP-AUTH-001: low
"""

# 24 unlisted entries: one card's values and one plan run hold more lines than their boxes
# show, so they scroll (a scrolling box must take the keyboard's focus, axe says).
MANY = ", ".join(f'"https://tool{i:02}.example.org/**"' for i in range(24))

SETTINGS = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-09-01T09:00:00Z
orgs:
  - id: 0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11
    name: Example Corp
    rovo_mcp:
      atlassian_supported_domains: true
      domains: ["https://app.example.com/**", "https://extra.example.org/**", {many}]
      api_token_auth: false
      permissions:
        jira: {read: allowed}
    evidence:
      rovo_mcp: {source: attested, by: admin@example.com, at: 2026-12-20T09:00:00Z}
  - id: 1d5f3c2b-8e4a-4b9f-8c32-6a7f9e0d1b22
    name: Second Org
    rovo_mcp:
      atlassian_supported_domains: false
      domains: ["https://app.example.com/**"]
      api_token_auth: true
      permissions:
        jira: {read: allowed, write: blocked}
    ip_allowlist: {enabled: true, ranges: [203.0.113.0/24]}
""".replace("{many}", MANY)
