"""Jira Cloud work items for blocking findings: one per (org, control), kept in step with the
audit's results (create, update, reopen, resolve), idempotent through a stable label.

`model` holds the data, `planner` is pure (results + the items found → actions), `jira` is
the REST client, `sync` carries a plan out, `state` remembers what a run wrote (Jira's search
lags its writes). Rendering (ADF, the terminal) is `report/`'s.
"""
