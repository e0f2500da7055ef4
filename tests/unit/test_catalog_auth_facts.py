"""mcp_auth.yaml and known_bugs.yaml are loaded once, in auditor/catalog.py (evaluate reads them
and must not import the doctor); the doctor's names for them still work and check more."""

from __future__ import annotations

import datetime as dt

import auditor.catalog as catalog
import auditor.doctor.facts as facts
from auditor.evaluate.scopes import is_classic, is_recognised


def test_one_loader_and_the_doctor_names_it() -> None:
    assert facts.mcp_auth is catalog.mcp_auth and facts.mcp_auth() is catalog.mcp_auth()
    assert facts.known_bugs() is catalog.known_bugs()  # the doctor's checks add no copy
    assert facts.KnownBug is catalog.KnownBug and facts.ScopeFamily is catalog.ScopeFamily


def test_scope_effect_reads_the_families() -> None:
    for scope in ("read:jira-work", "read:confluence-content.all", "search:confluence"):
        assert is_classic(scope) and not is_recognised(scope)
    for scope in ("read:page:confluence", "read:confluence:mcp", "read:all:twg", "manage:jira:agent-interface"):
        assert is_recognised(scope) and not is_classic(scope)
    for scope in ("offline_access", "read:me", "NOT A SCOPE"):  # identity, or no family: neither
        assert not is_classic(scope) and not is_recognised(scope)


def test_bug_notes_follow_the_dates_of_the_fact() -> None:
    (bug,) = catalog.known_bugs().open_for(control="RMCP-DOM-001", day=dt.date(2026, 12, 1))
    assert catalog.bug_notes("RMCP-DOM-001", dt.date(2026, 12, 1)) == ((bug.advice, bug.source),)
    assert catalog.bug_notes("RMCP-DOM-001", dt.date(2026, 9, 21)) == ()  # the day before it was reported
    assert catalog.bug_notes("RMCP-DOM-002", dt.date(2026, 12, 1)) == ()
