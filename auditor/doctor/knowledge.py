"""The dated knowledge of error messages and their causes (auditor/data/known_errors.yaml).

Matching is fuzzy but deterministic: both texts are normalised (case, punctuation, spacing);
a known text found inside the pasted message (or the message inside it) is a full match;
otherwise the share of the known text's words present in the message decides.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ..catalog import controls, read_data
from ..collect.tool_groups import Fact
from ..model.results import Remediation

Who = Literal["admin", "client", "network", "atlassian"]
FULL = 1.0
FRAGMENT = 0.9  # the pasted text is a piece of a known message
OVERLAP_WEIGHT = 0.8  # token overlap never outranks a verbatim match
MIN_OVERLAP = 0.6
# Words too common to tell messages apart.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "this",
        "that",
        "of",
        "from",
        "for",
        "your",
        "you",
        "is",
        "are",
        "be",
        "please",
        "try",
        "again",
        "and",
        "or",
        "in",
        "on",
    ]
)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fix(_Data):
    summary: str
    steps: tuple[str, ...]
    links: tuple[str, ...]


class CauseSpec(_Data):
    title: str
    who: Who
    control: str | None = None
    checked_by: tuple[str, ...] = ()
    fix: Fix


class MessageSpec(_Data):
    id: str
    text: str
    variants: tuple[str, ...] = ()
    causes: tuple[str, ...]
    sources: tuple[Fact, ...] = ()  # where the message was seen (messages added since 2026-12)
    # A catch-all text (e.g. a bare invalid_token): a live verdict lists its causes after those
    # of any more specific message the same answer matched, whichever text matched first.
    generic: bool = False


class Knowledge(_Data):
    as_of: dt.date
    source: str
    messages: tuple[MessageSpec, ...]
    causes: dict[str, CauseSpec]

    @field_validator("messages")
    @classmethod
    def _unique(cls, v: tuple[MessageSpec, ...]) -> tuple[MessageSpec, ...]:
        ids = [m.id for m in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate message ids {dupes}")
        return v

    @model_validator(mode="after")
    def _references(self) -> Knowledge:
        for m in self.messages:
            unknown = [c for c in m.causes if c not in self.causes]
            if unknown:
                raise ValueError(f"message {m.id!r} names unknown causes {unknown}")
        catalog = controls()
        for cid, cause in self.causes.items():
            if cause.control and cause.control not in catalog.controls:
                raise ValueError(f"cause {cid!r} names unknown control {cause.control}")
            for link in cause.fix.links:
                if link not in catalog.links and not link.startswith("https://"):
                    raise ValueError(f"cause {cid!r} names unknown link {link!r}")
        return self


@cache
def knowledge() -> Knowledge:
    return Knowledge.model_validate(read_data("known_errors.yaml"))


@dataclass(frozen=True, slots=True)
class Cause:
    """A cause, ready to show: its fix rendered with the admin UI's menu paths and links."""

    id: str
    title: str
    who: str
    control: str | None
    checked_by: tuple[str, ...]
    fix: Remediation

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "who": self.who,
            "control": self.control,
            "fix": {"summary": self.fix.summary, "steps": list(self.fix.steps), "links": list(self.fix.links)},
        }


_MENU = re.compile(r"\{menu\.(\w+)\}")


@cache
def cause(cause_id: str) -> Cause:
    spec = knowledge().causes[cause_id]
    catalog = controls()

    def fill(text: str) -> str:
        return _MENU.sub(lambda m: catalog.menu[m.group(1)], text)

    links = tuple(link if link.startswith("https://") else catalog.link(link) for link in spec.fix.links)
    fix = Remediation(fill(spec.fix.summary), tuple(fill(s) for s in spec.fix.steps), links, None, None)
    return Cause(cause_id, spec.title, spec.who, spec.control, spec.checked_by, fix)


@dataclass(frozen=True, slots=True)
class Match:
    message: MessageSpec
    score: float  # 1.0 verbatim; lower for fragments and word overlap

    @property
    def causes(self) -> tuple[Cause, ...]:
        return tuple(cause(c) for c in self.message.causes)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in normalise(text).split() if w not in STOPWORDS)


def _score(known: str, pasted_norm: str, pasted_words: frozenset[str]) -> float:
    k = normalise(known)
    if not k or not pasted_norm:
        return 0.0
    if f" {k} " in f" {pasted_norm} ":
        return FULL
    if f" {pasted_norm} " in f" {k} " and len(pasted_words) >= 2:
        return FRAGMENT * len(pasted_norm) / len(k)
    words = _words(known)
    if len(words) < 2:
        return 0.0  # a one-word text matches verbatim or not at all
    overlap = len(words & pasted_words) / len(words)
    return OVERLAP_WEIGHT * overlap if overlap >= MIN_OVERLAP else 0.0


def explain(message: str) -> list[Match]:
    """Known messages that match `message`, best first (ties keep the file's order)."""
    pasted_norm = normalise(message)
    pasted_words = _words(message)
    found: list[tuple[float, int, Match]] = []
    for index, spec in enumerate(knowledge().messages):
        best = max(_score(t, pasted_norm, pasted_words) for t in (spec.text, *spec.variants))
        if best > 0:
            found.append((-round(best, 6), index, Match(spec, round(best, 3))))
    matches = [m for _, _, m in sorted(found, key=lambda item: (item[0], item[1]))]
    if matches and matches[0].score == FULL:
        # A verbatim hit outranks paraphrase guesses that merely share its words.
        matches = [m for m in matches if m.score == FULL]
    return matches


def classify(*texts: str | None) -> tuple[str, ...]:
    """Cause ids for server texts (bodies, error descriptions), most likely first; only
    confident matches count, since a live verdict must not rest on a guess."""
    specific: list[str] = []
    generic: list[str] = []
    for text in texts:
        if not text:
            continue
        for m in explain(text):
            if m.score >= OVERLAP_WEIGHT:
                (generic if m.message.generic else specific).extend(m.message.causes)
    return tuple(dict.fromkeys([*specific, *generic]))


def source() -> dict[str, str]:
    k = knowledge()
    return {
        "file": "auditor/data/known_errors.yaml",
        "as_of": k.as_of.isoformat(),
        "source": " ".join(k.source.split()),
    }


# -- a pasted block of messages: one combined verdict -----------------------------------------
# Matching the whole block as one text dropped lines: once any line matched verbatim, every
# match that was not verbatim was filtered out (explain()'s rule, right for one message), so a
# line only half-recognised, by word overlap, vanished with no trace. A block is therefore
# matched line by line; the causes are ranked across the lines, and the lines no known
# message matches are listed.

WEAKER = 0.75  # within one line, a match below this share of the line's best is noise
# Causes whose fix involves an API token rather than an OAuth client (for the next command).
API_TOKEN_CAUSES = frozenset(
    {"api-token-auth-off", "api-token-invalid", "org-admin-api-key", "classic-or-legacy-token", "user-token-as-bearer"}
)


@dataclass(frozen=True, slots=True)
class LineMatch:
    number: int  # 1-based, counting every line of the paste (blank ones too)
    text: str
    matches: tuple[Match, ...]  # best first; empty: not recognised


@dataclass(frozen=True, slots=True)
class RankedCause:
    cause: Cause
    score: float  # summed over the lines that point to it (a cause's rank within a line weighs it)
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BlockVerdict:
    lines: tuple[LineMatch, ...]  # every non-blank line, recognised or not, in order
    causes: tuple[RankedCause, ...]  # best first

    @property
    def unrecognised(self) -> tuple[LineMatch, ...]:
        return tuple(line for line in self.lines if not line.matches)

    @property
    def oauth(self) -> bool:
        """Whether the best cause concerns an OAuth client (else an API token)."""
        return bool(self.causes) and self.causes[0].cause.id not in API_TOKEN_CAUSES


def strong(matches: list[Match]) -> tuple[Match, ...]:
    """The matches worth showing: those within WEAKER of the best (explain's order kept)."""
    if not matches:
        return ()
    best = matches[0].score
    return tuple(m for m in matches if m.score >= best * WEAKER)


def explain_block(text: str) -> BlockVerdict:
    """Each non-blank line of `text` matched on its own; causes ranked across the lines: a
    cause scores, on each line that names it, the line's match score divided by its place
    among that message's causes (1st: full, 2nd: half, ...), its best on that line; the
    scores add up over lines, so a cause several lines point to ranks higher. Ties: more
    lines, then the earliest line, then the knowledge file's order. Deterministic."""
    order = {cid: i for i, cid in enumerate(knowledge().causes)}
    lines: list[LineMatch] = []
    per_cause: dict[str, dict[int, float]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        matches = strong(explain(line))
        lines.append(LineMatch(number, line, matches))
        for m in matches:
            for place, cid in enumerate(m.message.causes, 1):
                weight = m.score / place
                seen = per_cause.setdefault(cid, {})
                seen[number] = max(seen.get(number, 0.0), weight)
    ranked = sorted(
        per_cause.items(),
        key=lambda item: (-round(sum(item[1].values()), 6), -len(item[1]), min(item[1]), order[item[0]]),
    )
    causes = tuple(
        RankedCause(cause(cid), round(sum(by_line.values()), 3), tuple(sorted(by_line))) for cid, by_line in ranked
    )
    return BlockVerdict(tuple(lines), causes)
