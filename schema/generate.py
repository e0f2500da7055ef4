"""Regenerate schema/*.schema.json from the models: `python schema/generate.py`.

`--check` writes nothing and exits 1 when a shipped file differs (the test suite runs it).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from auditor.cli.schema import KINDS, schema_text  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for kind in KINDS:
        path = HERE / f"{kind}.schema.json"
        text = schema_text(kind)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if check and stale:
        print(f"stale: {', '.join(stale)}; run python schema/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
