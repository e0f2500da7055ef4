"""results.json as plain JSON for tests, each finding whole again: a lean file (docs/FORMATS-
EXTENSIONS.md A.2) gives a control's title, area and remediation steps once, in `controls`.

Written from the documented rule alone, not with auditor.load.results, so that tests that read
this way also check that the file says what the documentation says it does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def whole(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of a results.json document, each with its `title`, `area` and, when it has
    a remediation, `steps` and `links` (without the lean file's `template` index)."""
    controls = doc.get("controls", {})
    out = []
    for f in doc["findings"]:
        f = dict(f)
        c = controls.get(f["control"], {})
        f.setdefault("title", c.get("title"))
        f.setdefault("area", c.get("area"))
        rem = f.get("remediation")
        if rem is not None and "template" in rem:
            rem = dict(rem)
            form = c["remediation"][rem.pop("template")]
            value = rem.get("value")
            rem["steps"] = [s.replace("{value}", f"`{value}`") if value else s for s in form["steps"]]
            rem["links"] = list(form["links"])
            f["remediation"] = rem
        out.append(f)
    return out


def findings(path: Path) -> list[dict[str, Any]]:
    """The findings of the results.json at `path`, each whole (see `whole`)."""
    return whole(json.loads(path.read_text(encoding="utf-8")))
