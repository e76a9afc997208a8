"""nox sessions: lint, typecheck, tests, conformance, docs (a bare ``nox``); bench, stress.

``tests`` and ``conformance`` run twice: on the descriptor fast path, and with it
switched off (``TRIONET_FAST_PATH=0``: every socket over a trio stream, the path
trionet takes on platforms without epoll). ``nox -s "tests(transport='streams')"``
runs one of them.
"""

from __future__ import annotations

import os
import shutil

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests", "conformance", "docs"]

LINT_PATHS = ["trionet", "tests", "examples", "bench", "noxfile.py"]

#: The two transports every test runs on: environment of the pytest run.
TRANSPORTS = {"fast": {"TRIONET_FAST_PATH": "1"}, "streams": {"TRIONET_FAST_PATH": "0"}}


@nox.session
@nox.parametrize("transport", list(TRANSPORTS))
def tests(session: nox.Session, transport: str) -> None:
    """The test suite on real loopback sockets (pytest + pytest-trio)."""
    session.install("-e", ".[test]")
    # tests/conformance runs in its own session (it needs node).
    session.run("pytest", "--ignore=tests/conformance", *session.posargs, env=TRANSPORTS[transport])


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


@nox.session
@nox.parametrize("transport", list(TRANSPORTS))
def conformance(session: nox.Session, transport: str) -> None:
    """Every scenario in tests/conformance run under node and under trionet; traces compared."""
    if shutil.which("node") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            session.error("node is required for the conformance suite on CI")
        session.skip("node is not installed")
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "tests/conformance",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env=TRANSPORTS[transport],
    )


@nox.session
def stress(session: nox.Session) -> None:
    """Long reliability variants (tests/stress/): floods of 10 000 connections, 100 000
    cycles, 1 GiB through a slow reader, 16 MiB integrity. Not part of a bare ``nox``."""
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "tests/stress",
        "-p",
        "no:cacheprovider",
        "-s",
        "--timeout=900",
        *session.posargs,
        env={"TRIONET_STRESS": "1"},
    )


@nox.session
def docs(session: nox.Session) -> None:
    """The docs site (Material for MkDocs + mkdocstrings), built with warnings as errors
    into site/. Everything comes from PyPI; the build fetches nothing else."""
    session.install(
        "-e",
        ".",
        "mkdocs>=1.6",
        "mkdocs-material>=9.5",
        "mkdocstrings[python]>=0.26",
        "ruff",
    )
    session.run("mkdocs", "build", "--strict", *session.posargs)
