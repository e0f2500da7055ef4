"""Untrusted text made safe for each sink: a terminal, Markdown.

Names, labels, allowlist entries and server messages come from people and servers the
admin does not control. A terminal must not receive escape sequences (ESC/CSI/OSC, C1
controls) or bidi overrides that reorder what it shows; Markdown must not turn data into
emphasis, links, images, HTML or broken tables.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# characters (U+202A..U+202E, U+2066..U+2069) plus the line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal(text: str) -> str:
    """`text` with every control character shown as its code point (`\\x1b`), never acted on."""
    return _UNSAFE.sub(_shown, text) if _UNSAFE.search(text) else text


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters, its last one "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_safe(text: str) -> str:
    """JSON text whose strings hold such characters as `\\uXXXX` escapes: the same values,
    read the same by any JSON parser, harmless on a terminal (json.dumps escapes C0 controls
    but leaves C1, bidi controls and U+2028/2029 raw when ensure_ascii is off)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _UNSAFE.search(text) else text


class SafeStream(io.TextIOBase):
    """A text stream that makes whatever is written to it safe for a terminal (`terminal`).

    The CLI puts stdout and stderr behind one for each command: every line any command prints,
    data or error message, passes here. `raw` is the stream below, for the one writer that
    sends control sequences on purpose (collect's progress line)."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.raw, "encoding", "utf-8"))

    def writable(self) -> bool:
        return True


# What GitHub's autolink extension turns into a link: URLs, www. hosts, e-mail addresses.
_AUTOLINK = re.compile(r"://|www\.|@", re.I)
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")  # what acts anywhere in a line
_MD_LINE_START = re.compile(r"^(\s*)([#+\->=]|\d+[.)])")  # what acts at a line's start


def md_text(text: str) -> str:
    """Plain Markdown text: every character Markdown or HTML could act on is escaped (links and
    images need `[`, emphasis `*` or `_`, HTML `<`, tables `|`), and a newline cannot end a
    table row or start a block."""
    flat = terminal(text).replace("\n", " ").replace("\t", " ")
    if _AUTOLINK.search(flat):
        return md_code(flat, in_table=True)  # GFM links a bare URL or address whatever is escaped
    return _MD_LINE_START.sub(_escape_marker, _MD_INLINE.sub(r"\\\1", flat))


def _escape_marker(m: re.Match[str]) -> str:
    marker = m.group(2)  # `1.` is escaped as `1\.` (a backslash before a digit is no escape)
    return m.group(1) + (marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker)


def md_code(text: str, *, in_table: bool = False) -> str:
    """A Markdown code span that shows `text` literally, whatever backticks it holds (in a
    table cell a `|` would still end the cell: GitHub reads it escaped there)."""
    flat = terminal(text).replace("\n", " ")
    if in_table:
        flat = flat.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


_TICKED = re.compile(r"`([^`]*)`")


def md_ticked(text: str, *, in_table: bool = False) -> str:
    """Text from a template whose values stand in backticks (remediation summaries): each
    ticked part as a code span sized to its content, the rest escaped as plain text."""
    out, at = [], 0
    for m in _TICKED.finditer(text):
        out += [md_text(text[at : m.start()]), md_code(m.group(1), in_table=in_table)]
        at = m.end()
    out.append(md_text(text[at:]))
    return "".join(out)


# --- colour, added by us after the text is safe --------------------------------------------------
# SGR parameters by meaning: what a status or verdict looks like on a terminal.
_SGR = {
    "fail": "1;31",  # bold red
    "unknown": "1;35",  # bold magenta: not seen, blocks like a fail
    "warn": "33",  # yellow
    "waived": "2",  # dim: accepted
    "pass": "32",  # green
    "critical": "1;31",
    "high": "31",
    "medium": "33",
    "blocked": "1;31",
    "ready": "1;32",
    "note": "1",
}


def colour_wanted(stream: object, environ: dict[str, str] | None = None) -> bool:
    """Colour on a terminal only. NO_COLOR set to anything but "" turns it off
    (https://no-color.org); FORCE_COLOR set to anything but "" turns it on, even into a pipe
    or over NO_COLOR, as https://force-color.org's reference check orders them; TERM=dumb
    (a terminal that cannot show it) turns it off unless forced."""
    import os

    env = os.environ if environ is None else environ
    if env.get("FORCE_COLOR", ""):
        return True
    if env.get("NO_COLOR", "") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def styled(safe_text: str, style: str) -> str:
    """`safe_text` (already through `terminal`: it holds no control character) in the colour of
    `style`, a name from our own vocabulary, never from data; an unknown name: unchanged."""
    code = _SGR.get(style)
    if code is None or "\x1b" in safe_text:
        return safe_text
    return f"\x1b[{code}m{safe_text}\x1b[0m"


def hyperlink(uri: str, shown: str) -> str:
    """An OSC 8 hyperlink to `uri` (percent-encoded: no control character, no space) showing
    `shown` (already safe). Terminals without OSC 8 show `shown` only."""
    if _UNSAFE.search(uri) or any(c.isspace() for c in uri) or "\x1b" in shown:
        return shown
    return f"\x1b]8;;{uri}\x1b\\{shown}\x1b]8;;\x1b\\"
