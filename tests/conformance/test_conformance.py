"""Conformance against Node itself (issue #4).

Every scenario is a pair: ``node/<name>.js`` using Node's ``net`` and
``py/<name>.py`` doing the same with trionet. Both print a normalised event
trace (see ``node/_trace.js`` and ``py/_trace.py``); the test runs both, at
the same time, and asserts identical stdout and exit status.

Where trionet differs from Node on purpose, the scenario says so in a comment
and both sides print trionet's documented behaviour. Where it differs and
looks like a bug, the case is in ``XFAIL`` below (strict: it must fail until
trionet is fixed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
NODE_DIR = HERE / "node"
PY_DIR = HERE / "py"
TIMEOUT = 20
NODE = shutil.which("node")

SCENARIOS = sorted(p.stem for p in NODE_DIR.glob("*.js") if not p.name.startswith("_"))

#: Divergences that look like trionet bugs: scenario -> what differs.
XFAIL: dict[str, str] = {
    "rst_after_data_unread": "data then a RST waiting unread: trionet reads again after the short "
    "read and reports ECONNRESET; libuv takes POLLHUP as EOF ('end', no 'error')",
}


def _params() -> list[object]:
    params: list[object] = []
    for name in SCENARIOS:
        marks = []
        if name in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[name]))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def _require_node() -> str:
    if NODE is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node is required for the conformance suite on CI (CI is set)")
        pytest.skip("node is not installed")
    return NODE


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return -1, out, err + f"\n[timed out after {TIMEOUT} s]"
    return proc.returncode, out, err


def test_every_scenario_has_both_sides() -> None:
    js = {p.stem for p in NODE_DIR.glob("*.js") if not p.name.startswith("_")}
    py = {p.stem for p in PY_DIR.glob("*.py") if not p.name.startswith("_")}
    assert js == py
    assert len(js) >= 100  # Node behaviours pinned by a pair; grows, never shrinks
    assert set(XFAIL) <= js


@pytest.mark.node
@pytest.mark.parametrize("name", _params())
def test_conformance(name: str) -> None:
    node = _require_node()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NODE_NO_WARNINGS": "1"}
    # The two sides run at the same time: at most two processes per test.
    node_proc = subprocess.Popen(
        [node, str(NODE_DIR / f"{name}.js")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=NODE_DIR,
    )
    py_proc = subprocess.Popen(
        [sys.executable, str(PY_DIR / f"{name}.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PY_DIR,
    )
    node_rc, node_out, node_err = _finish(node_proc)
    py_rc, py_out, py_err = _finish(py_proc)
    assert node_out.strip(), f"node printed nothing:\n{node_err}"
    detail = f"\n--- node stderr ---\n{node_err}\n--- python stderr ---\n{py_err}"
    assert py_out.splitlines() == node_out.splitlines(), detail
    assert py_rc == node_rc, detail
