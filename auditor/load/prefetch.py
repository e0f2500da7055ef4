"""The settings file read and parsed on the other core while the process imports the rest.

An audit's process spends its first ~0.15 s importing pydantic and the models, then ~0.11 s
reading and parsing a large settings file (the 100-org estate's 1.5 MB), and the parse needs
nothing of those imports. `start` forks a child (auditor/parallel.py) that reads and parses
the file and hands back its plain values; the document's positions, asked for only by an
error message, come from parsing the file again if they ever are. Whenever the child fails
(a bad file included), the file is read here as before: the same values, the same located
error, raised where it was.

Only from the process entry (cli.run), for a file large enough to pay for the fork and the
hand-back (`MIN_BYTES`), and where parallel.py forks at all.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from .. import batch, parallel
from .yamlpos import Positions, YamlDocument, read_tree, read_yaml

# Below this, parsing costs about what forking and handing the values back do (a 1.5 MB file:
# the parse 0.11 s of CPU beside the imports, the hand-back 0.005 s to pickle in the child and
# 0.003 s to read back here; a 256 KB one parses in ~0.02 s).
MIN_BYTES = 256 * 1024


class Prefetch:
    def __init__(self, path: str) -> None:
        self.path = path
        self._later = parallel.Later(self._read, pays=True)

    def _read(self) -> dict[str, bytes]:
        return {"data": pickle.dumps(read_yaml(Path(self.path), self.path).data, protocol=pickle.HIGHEST_PROTOCOL)}

    def document(self) -> YamlDocument:
        """The parsed file (an InputError for a bad one, as `read_yaml` gives)."""
        data = pickle.loads(self._later.get()["data"])
        return YamlDocument(data, Positions(self.path, reparse=lambda: read_tree(Path(self.path), self.path)))

    def cancel(self) -> None:
        self._later.cancel()


def start(path: str | None) -> Prefetch | None:
    """A prefetch of the settings file at `path`, or None where it would not pay."""
    if path is None or not batch.at_entry():  # even with forks forced: main() in a test reads here
        return None
    try:
        size = os.stat(path).st_size
    except OSError:
        return None  # the loader says what is wrong with it
    return Prefetch(path) if parallel.wanted(size >= MIN_BYTES) else None
