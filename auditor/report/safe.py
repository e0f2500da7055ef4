"""Untrusted text made safe for each sink: a terminal, Markdown.

Names, labels, allowlist entries and server messages come from people and servers the
admin does not control. A terminal must not receive escape sequences (ESC/CSI/OSC, C1
controls) or bidi overrides that reorder what it shows; Markdown must not turn data into
emphasis, links, images, HTML or broken tables.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# characters (U+202A..U+202E, U+2066..U+2069) plus the line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal(text: str) -> str:
    """`text` with every control character shown as its code point (`\\x1b`), never acted on."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")  # what acts anywhere in a line
_MD_LINE_START = re.compile(r"^(\s*)([#+\->=]|\d+[.)])")  # what acts at a line's start


def md_text(text: str) -> str:
    """Plain Markdown text: every character Markdown or HTML could act on is escaped (links and
    images need `[`, emphasis `*` or `_`, HTML `<`, tables `|`), and a newline cannot end a
    table row or start a block."""
    flat = terminal(text).replace("\n", " ").replace("\t", " ")
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
