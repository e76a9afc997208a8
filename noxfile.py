"""nox sessions: tests, lint, typecheck (all run by a bare ``nox``)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

LINT_PATHS = ["trionet", "tests", "examples", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite on real loopback sockets (pytest + pytest-trio)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff")
    session.run("ruff", "check", *LINT_PATHS)
    session.run("ruff", "format", "--check", *LINT_PATHS)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".", "mypy")
    session.run("mypy", "--strict", "trionet")


@nox.session
def bench(session: nox.Session) -> None:
    """trionet beside its peers under shared/bench/compare.py; writes docs/performance.md."""
    session.install("-e", ".", "matplotlib", "uvloop")
    session.run("python", "bench/run.py", *session.posargs)
