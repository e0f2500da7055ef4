"""Errors that end a run with exit status 2: bad input or bad usage, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: a file, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def ref(self) -> str:
        """`file:line`, the form findings use as `policy_ref`."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class InputError(Exception):
    """Bad input: one or more problems, each with its location. Exit status 2."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__(str(self.problems[0]))

    def __str__(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more:
            first += f" (and {more} more problem{'s' if more > 1 else ''}; `rovo-audit validate` lists all)"
        return first


class UsageError(Exception):
    """Bad command-line usage that argparse cannot catch. Exit status 2."""
