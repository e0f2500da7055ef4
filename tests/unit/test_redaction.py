"""A secret is redacted in every form a server may echo it: raw, in a JSON string with any of
its characters as \\uXXXX (or / as \\/), inside other text."""

from __future__ import annotations

import json

import pytest

from auditor.mcpclient.credentials import Redactor

SECRET = "ATATT3xFfGF0/abc+def=XYZ-é"


@pytest.mark.parametrize(
    "text",
    [
        f"plain {SECRET} text",
        json.dumps({"error": f"bad token {SECRET}"}),  # ensure_ascii: é as \\u00e9
        json.dumps({"error": SECRET}, ensure_ascii=False).replace("/", "\\/"),
        '{"e": "' + "".join(f"\\u{ord(c):04X}" for c in SECRET) + '"}',  # every character escaped
        '{"e": "' + "".join(f"\\u{ord(c):04x}" if i % 2 else c for i, c in enumerate(SECRET)) + '"}',  # some
    ],
    ids=["raw", "json-ascii", "json-slash", "all-escaped", "some-escaped"],
)
def test_every_json_form_is_redacted(text: str) -> None:
    out = Redactor([SECRET])(text)
    assert "[redacted]" in out
    decoded = out
    if out.startswith("{"):
        decoded = json.dumps(json.loads(out), ensure_ascii=False)
    assert SECRET not in decoded and SECRET[8:-8] not in decoded


def test_ordinary_text_is_left_alone() -> None:
    text = json.dumps({"msg": "no secret here \\u0041 / ok"})
    assert Redactor([SECRET])(text) == text
