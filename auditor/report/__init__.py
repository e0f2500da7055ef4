"""Everything rovo-audit renders, and nothing else: the one place that turns models into text.

- formats.py: the audit's output formats (`--format`), one module each behind interface.Format:
  json_format, html (+ html_view, templates/), markdown, csv_format, sarif, junit.
- diff.py: a diff as text, JSON, Markdown and HTML; trend_svg.py: a trend as an inline SVG.
- step_summary.py: the GitHub Actions job summary.
- terminal.py: the audit's terminal summary; doctor.py and explain.py: the doctor's outputs.
- templating.py: the one Jinja environment and its filters.

Modules are imported where used (nothing here): `doctor --explain` must not load Jinja.
"""
