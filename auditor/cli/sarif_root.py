"""results.sarif's repository root, found where the command meets the file system.

GitHub code scanning places a result only by a URI relative to the repository's root
(`uriBaseId: %SRCROOT%`). The root is `--sarif-root DIR` when given, else git's top level of
the first policy file's folder (`git rev-parse --show-toplevel`), else the working folder,
said in the run's properties. Each file the SARIF may name is resolved here, once, so that the
renderer only looks its URI up: a file under the root gets its path from the root, one outside
it its absolute path (an absolute `file://` URI, with a note), one not on disk (a bundled
policy) keeps the name it was given.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from ..report.interface import SarifRoot
from .options import require

# `git rev-parse` answers in ~5 ms; a hung credential helper or network file system must not
# hold the audit, and no answer is the same as no git.
GIT_TIMEOUT_S = 5.0


def git_toplevel(folder: Path) -> Path | str:
    """The top level of the git work tree holding `folder`, or why there is none (no git, not a
    work tree, a repository git refuses to read, the timeout)."""
    try:
        p = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except FileNotFoundError:
        return "git is not installed (not on PATH)"
    except subprocess.TimeoutExpired:
        return f"git did not answer in {GIT_TIMEOUT_S:g} s"
    except OSError as e:
        return f"git could not run ({e.strerror or e})"
    top = p.stdout.strip()
    if p.returncode == 0 and top:
        return Path(top)
    said = next((line.strip() for line in p.stderr.splitlines() if line.strip()), f"exit status {p.returncode}")
    return f"git: {said[:200]}"


def find_sarif_root(explicit: Path | None, policies: Iterable[str], others: Iterable[str] = ()) -> SarifRoot:
    """The root and every named file's place under it. `policies` are the policy files as the
    results name them (the first one on disk decides git's work tree); `others`, the settings
    file and any other file a result may point at."""
    cwd = Path.cwd()
    policies = list(policies)
    names = list(dict.fromkeys([*policies, *others]))
    note = None
    if explicit is not None:
        require(explicit.is_dir(), f"--sarif-root {explicit}: no such folder")
        root, found_by = explicit.resolve(), "--sarif-root"
    else:
        start = next((Path(p).resolve().parent for p in policies if Path(p).is_file()), cwd)
        top = git_toplevel(start)
        if isinstance(top, Path):
            root, found_by = top.resolve(), "git"
        else:
            root, found_by = cwd.resolve(), "working folder"
            note = (
                f"no git work tree found ({top}): artifact URIs are relative to the folder rovo-audit ran in; "
                "give --sarif-root DIR to say where the repository is"
            )
    under: dict[str, str] = {}
    outside: dict[str, str] = {}
    for name in names:
        path = Path(name)
        if not path.is_file():
            continue  # a bundled policy or a file gone since: the renderer keeps its name
        full = path.resolve()
        try:
            under[name] = full.relative_to(root).as_posix()
        except ValueError:
            outside[name] = full.as_posix()
    return SarifRoot(found_by, note, under, outside)


def sarif_root_of(args: object, policies: Iterable[str], others: Iterable[str] = ()) -> SarifRoot | None:
    """The root for a command's `--format`/`--sarif-root` flags: None when no SARIF is written
    (git is not asked); a `--sarif-root` that is no folder is a usage error either way."""
    explicit: Path | None = getattr(args, "sarif_root", None)
    if explicit is not None:
        require(explicit.is_dir(), f"--sarif-root {explicit}: no such folder")
    if "sarif" not in (getattr(args, "format", None) or ()):
        return None
    return find_sarif_root(explicit, policies, others)
