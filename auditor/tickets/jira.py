"""A small Jira Cloud REST client (v3) for the ticket sync, over collect's HTTP session.

It reuses `collect.http.HttpSession` (one deadline per exchange, bounded and decompressed
reads, Retry-After and X-RateLimit-Reset, errors that never carry a header or a body) and adds
the methods a write needs. Which requests are retried:
- 429 always (Jira did not act on a rate-limited request), after the wait it asks for;
- 5xx and connection failures only for idempotent requests (the search, GET, PUT): a create,
  a comment or a transition that failed with a 5xx may have happened, so it is not repeated;
  the next run's search tells (nothing is lost, nothing doubled).
Redirects are never followed for a write: the credential belongs to the configured site.

The search is `POST /rest/api/3/search/jql` with `nextPageToken` paging, as Atlassian's current
OpenAPI describes it (tests/tickets/jira-search-jql.openapi.json); the old `/rest/api/3/search`
was removed from Jira Cloud in 2025 (changelog CHANGE-2046) and is never called.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any, cast

import httpx

from ..collect.http import RETRY_STATUSES, AuthHeader, HttpError, HttpSession, _describe_status, _retry_after
from .model import MANAGED_LABEL, PROPERTY_KEY, Category, Content, Item
from .state import RECONCILE_MAX

FIELDS = ("summary", "status", "labels")  # what the planner reads of each item
PAGE_SIZE = 100  # issues per search page (fields: summary, status, labels; Jira allows up to 5000 ids)
MAX_PAGES = 200  # 20,000 managed work items: past this the search is an error, never a silent truncation
_STATUS_TEXT = {
    403: "HTTP 403 forbidden: the account lacks a project permission (Browse projects, Create, Edit, "
    "Add comments or Transition work items)",
    404: "HTTP 404 not found (no such project or work item, or the account may not see it)",
}
# The field names an answer's `errors` may show: the fields and parameters the sync sends, and
# custom fields (a project may require one on create). Anything else is "?": a server that
# echoed part of the credential as a key would otherwise print that part (a partial echo
# escapes the redactor, which knows whole secrets only).
_FIELD = re.compile(
    r"summary|description|labels|priority|issuetype|project|properties|comment|transition|jql|"
    r"nextPageToken|maxResults|fields|reconcileIssues|customfield_[0-9]{1,12}"
)
_CATEGORIES: frozenset[str] = frozenset({"new", "indeterminate", "done", "undefined"})


class JiraSession(HttpSession):
    """HttpSession plus requests with a JSON body and a method other than GET."""

    async def __aenter__(self) -> JiraSession:
        return self

    async def send_json(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        auth: AuthHeader | None,
        body: Any = None,
        idempotent: bool,
    ) -> httpx.Response:
        attempt = 0
        while True:
            wait: float | None = None
            try:
                async with self._slots.slot(0) as slot:
                    async with asyncio.timeout(self._timeout):
                        client = self._client(slot)
                        headers = {"Authorization": auth.value()} if auth is not None else {}
                        self.stats.requests += 1
                        async with client.stream(method, url, json=body, headers=headers) as raw:
                            resp = await self._read(raw, endpoint)
            except (httpx.TimeoutException, TimeoutError):
                if not idempotent:
                    raise HttpError(endpoint, f"timed out (no answer within {self._timeout}s); not repeated") from None
                failure = f"timed out (no answer within {self._timeout}s)"
            except httpx.TransportError as e:
                if not idempotent:
                    raise HttpError(endpoint, f"connection failed ({type(e).__name__}); not repeated") from None
                failure = f"connection failed ({type(e).__name__})"
            else:
                if resp.status_code < 300:
                    return resp
                if resp.status_code == 429:
                    self.stats.rate_limited += 1
                    wait, failure = _retry_after(resp, self._now), "rate limited (HTTP 429)"
                    if wait is not None and wait > self.retry.max_wait:
                        raise HttpError(
                            endpoint,
                            f"{failure}; Jira asks to wait {wait:.0f}s, more than the {self.retry.max_wait:.0f}s allowed",
                            429,
                        )
                elif resp.status_code in RETRY_STATUSES and idempotent:
                    failure = f"server error (HTTP {resp.status_code})"
                elif 300 <= resp.status_code < 400:
                    raise HttpError(endpoint, f"HTTP {resp.status_code} redirect; not followed", resp.status_code)
                elif resp.status_code in RETRY_STATUSES:  # not idempotent: it may have been done
                    raise HttpError(
                        endpoint,
                        f"{_jira_status(resp)}; not repeated: it may have been done (the next run finds out)",
                        resp.status_code,
                    )
                else:
                    raise HttpError(endpoint, _jira_status(resp), resp.status_code)
            if attempt >= self.retry.max_retries:
                raise HttpError(endpoint, f"{failure}, {attempt + 1} attempt{'s' if attempt else ''}")
            self.stats.retries += 1
            await asyncio.sleep(wait if wait is not None else self.retry.backoff(attempt))
            attempt += 1


def _jira_status(resp: httpx.Response) -> str:
    """The status, with Jira's own error names (the keys of `errors`, never their values:
    a server may echo what it was sent)."""
    text = _STATUS_TEXT.get(resp.status_code) or _describe_status(resp.status_code)
    try:
        body = resp.json()
    except ValueError:
        return text
    if isinstance(body, Mapping) and isinstance(body.get("errors"), Mapping) and body["errors"]:
        # Known field ids only (summary, customfield_10000); anything else is shown as "?".
        names = ", ".join(sorted(k if _FIELD.fullmatch(str(k)) else "?" for k in body["errors"])[:5])
        return f"{text} (Jira rejected the field{'s' if len(body['errors']) > 1 else ''}: {names})"
    return text


class JiraClient:
    """The calls the ticket sync makes, against one site with one credential."""

    def __init__(self, session: JiraSession, site: str, auth: AuthHeader) -> None:
        self._session, self._site, self._auth = session, site.rstrip("/"), auth

    def _url(self, path: str) -> str:
        return f"{self._site}{path}"

    async def _json(self, method: str, path: str, endpoint: str, body: Any = None, *, idempotent: bool) -> Any:
        resp = await self._session.send_json(
            method, self._url(path), endpoint=endpoint, auth=self._auth, body=body, idempotent=idempotent
        )
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise HttpError(endpoint, f"HTTP {resp.status_code} but the response is not valid JSON") from None

    async def managed_items(self, project: str, reconcile: tuple[int, ...] = ()) -> tuple[Item, ...]:
        """Every work item of the project carrying the managed label, page by page.

        `reconcile`: ids of items written lately (at most 50), which the search returns as they
        are now rather than as its index last saw them (read-after-write); the same list on
        every page, as Atlassian requires (tickets/state.py)."""
        jql = f'project = "{project}" AND labels = "{MANAGED_LABEL}" ORDER BY created ASC'
        body: dict[str, Any] = {
            "jql": jql,
            "fields": list(FIELDS),
            "properties": [PROPERTY_KEY],
            "maxResults": PAGE_SIZE,
        }
        if reconcile:
            body["reconcileIssues"] = list(reconcile[:RECONCILE_MAX])
        items: list[Item] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = await self._json("POST", "/rest/api/3/search/jql", "search/jql", body, idempotent=True)
            if not isinstance(page, Mapping) or not isinstance(page.get("issues", []), list):
                raise HttpError("search/jql", "the answer is not a page of issues")
            items.extend(_item(i, "search/jql") for i in page.get("issues", []))
            token = page.get("nextPageToken")
            if page.get("isLast") is True or not token:
                return tuple(items)
            if not isinstance(token, str) or token in seen:
                raise HttpError("search/jql", "the same page token came back twice; the list was not read whole")
            seen.add(token)
            body = {**body, "nextPageToken": token}
        raise HttpError("search/jql", f"more than {MAX_PAGES} pages of work items; stopped")

    async def item(self, issue_id: str) -> Item | None:
        """One work item read directly (strongly consistent, unlike the search); None when it
        is gone or the account may no longer see it."""
        path = f"/rest/api/3/issue/{_path(issue_id)}?fields={','.join(FIELDS)}&properties={PROPERTY_KEY}"
        try:
            found = await self._json("GET", path, "get issue", idempotent=True)
        except HttpError as e:
            if e.status == 404:
                return None
            raise
        return _item(found, "get issue")

    async def create(self, project: str, issue_type: str, labels: tuple[str, ...], content: Content) -> Item:
        """The new item (its id, key, labels, and the new-category status it starts in)."""
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"name": issue_type},
            "labels": list(labels),
            **_fields(content),
        }
        body = {"fields": fields, "properties": [_property(content)]}
        created = await self._json("POST", "/rest/api/3/issue", "create issue", body, idempotent=False)
        key = created.get("key") if isinstance(created, Mapping) else None
        issue_id = created.get("id") if isinstance(created, Mapping) else None
        if not isinstance(key, str) or not isinstance(issue_id, str) or not issue_id.isdigit():
            raise HttpError("create issue", "the answer names no issue id and key")
        return Item(issue_id, _path(key), labels, "new", "?", content.digest)

    async def update(self, key: str, content: Content) -> None:
        body = {"fields": _fields(content), "properties": [_property(content)]}
        await self._json("PUT", f"/rest/api/3/issue/{_path(key)}", "edit issue", body, idempotent=True)

    async def comment(self, key: str, body: dict[str, Any]) -> None:
        await self._json(
            "POST", f"/rest/api/3/issue/{_path(key)}/comment", "add comment", {"body": body}, idempotent=False
        )

    async def transition_for(self, key: str, categories: tuple[Category, ...]) -> str:
        """The id of an available transition from the item's status to the first of
        `categories` one reaches. Asked before anything is written, so a workflow with no such
        transition fails the action without leaving a comment each run."""
        found = await self._json("GET", self._transitions(key), "transitions", idempotent=True)
        options = found.get("transitions", []) if isinstance(found, Mapping) else []
        for wanted in categories:
            for t in options if isinstance(options, list) else []:
                to = _obj(_obj(t).get("to"))
                tid = _obj(t).get("id")
                if _obj(t).get("isAvailable") is False:  # listed, but its conditions are not met
                    continue
                if _obj(to.get("statusCategory")).get("key") == wanted and isinstance(tid, str):
                    return tid
        raise HttpError(
            "transitions",
            f"no transition from its status leads to the {'/'.join(categories)} category; nothing written",
        )

    async def transition(self, key: str, transition_id: str) -> None:
        body = {"transition": {"id": transition_id}}
        await self._json("POST", self._transitions(key), "transition", body, idempotent=False)

    def _transitions(self, key: str) -> str:
        return f"/rest/api/3/issue/{_path(key)}/transitions"


_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[0-9]+|[0-9]+")


def _path(key: str) -> str:
    """An issue key or id as a path segment: only what Jira issues (a key from a server that
    held `../` would reach another endpoint)."""
    if not _KEY.fullmatch(key):
        raise HttpError("issue", "Jira answered with an issue key of an unexpected form; not used")
    return key


def _fields(content: Content) -> dict[str, Any]:
    fields: dict[str, Any] = {"summary": content.summary, "description": content.description}
    if content.priority:
        fields["priority"] = {"name": content.priority}
    return fields


def _property(content: Content) -> dict[str, Any]:
    return {"key": PROPERTY_KEY, "value": {"version": 1, "digest": content.digest}}


def _obj(value: Any) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def _item(raw: Any, endpoint: str) -> Item:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("key"), str):
        raise HttpError(endpoint, "an issue in the answer has no id or key")
    fields = _obj(raw.get("fields"))
    status = _obj(fields.get("status"))
    cat = _obj(status.get("statusCategory")).get("key")
    labels = fields.get("labels")
    digest = _obj(_obj(raw.get("properties")).get(PROPERTY_KEY)).get("digest")
    return Item(
        id=raw["id"],
        key=raw["key"],
        labels=tuple(str(lb) for lb in labels) if isinstance(labels, list) else (),
        category=cast(Category, cat if cat in _CATEGORIES else "undefined"),
        status=str(status.get("name") or "?"),
        digest=digest if isinstance(digest, str) else None,
    )
