"""Carry a plan out, one group at a time: a failure is recorded for its group and the others
go on (exit 1; the next run plans what is left from what Jira then holds).

Order within an action, chosen so that an interruption loses nothing:
- resolve and reopen first find the transition (a read): a workflow without one fails the
  action before the comment, so a project that cannot close the item is not commented on
  at every run;
- resolve: the comment, then the transition (a transition that fails leaves the item open:
  the next run comments again and retries; a comment is never lost, at worst repeated);
- reopen: the comment, the transition, then the new content (the digest in the entity
  property is written last, with the content, so content that failed is rewritten next run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..collect.http import HttpError
from .jira import JiraClient
from .model import MANAGED_LABEL, Action, Outcome

CommentFor = Callable[[Action], dict[str, Any]]  # report.jira_adf renders the comment of an action


@dataclass(frozen=True, slots=True)
class Target:
    project: str
    issue_type: str
    labels: tuple[str, ...]  # the extra labels every created item carries


async def carry_out(
    client: JiraClient,
    target: Target,
    actions: Sequence[Action],
    comment_for: CommentFor,
    redact: Callable[[str], str],
    on_written: Callable[[str, str], None],
) -> tuple[Outcome, ...]:
    """`on_written(label, id)` after each action that reached an item (done or failed part
    way), as it happens: an interrupted run has still recorded what it wrote."""
    out = []
    for a in actions:
        key = a.item.key if a.item is not None else None
        issue_id = a.item.id if a.item is not None else None
        try:
            if a.kind == "create":
                assert a.content is not None
                labels = tuple(dict.fromkeys((MANAGED_LABEL, a.group.label, *target.labels)))
                made = await client.create(target.project, target.issue_type, labels, a.content)
                key, issue_id = made.key, made.id
            elif a.kind == "update":
                assert key is not None and a.content is not None
                await client.update(key, a.content)
            elif a.kind == "resolve":
                assert key is not None
                tid = await client.transition_for(key, ("done",))
                await client.comment(key, comment_for(a))
                await client.transition(key, tid)
            else:  # reopen
                assert key is not None
                tid = await client.transition_for(key, ("new", "indeterminate"))
                await client.comment(key, comment_for(a))
                await client.transition(key, tid)
                if a.content is not None:
                    await client.update(key, a.content)
        except HttpError as e:
            out.append(Outcome(a, key, redact(str(e))))
        else:
            out.append(Outcome(a, key))
        if issue_id is not None:
            on_written(a.group.label, issue_id)
    return tuple(out)
