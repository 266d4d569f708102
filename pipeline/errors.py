"""Errors the CLI reports as one line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """An expected failure: reported as one line, exit code non-zero."""


class InputError(PipelineError):
    """The input file is missing, unreadable or not the expected document."""

    def __init__(self, path: Path | str | None, problem: str):
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)

    def __reduce__(self):  # survives the trip back from a worker process
        return (InputError, (self.path, self.problem))

    def with_path(self, path: Path | str) -> "InputError":
        return self if self.path else InputError(path, self.problem)
