"""YAML as the reports write it (the report's snippets, the plan's and collect's settings)."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's emitter writes the same bytes as PyYAML's pure-Python one, several times faster:
# the pure-Python emitter was 62-65 % of report.html's render on a large estate.
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: object, **options: Any) -> str:
    return str(yaml.dump(data, Dumper=_DUMPER, **options))
