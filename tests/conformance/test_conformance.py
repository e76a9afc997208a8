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
    # upstream test-net-* a-l checklist (docs/_upstream_a.md)
    "after_close_local_state": "address()/local_address/local_port still answer after close "
    "(Node: {}/undefined)",
    "reset_before_connect": "reset_and_destroy(): no ERR_SOCKET_CLOSED when never connected; "
    "while connecting it destroys at once (Node: waits for 'connect', then RST)",
    "listen_fd_not_a_socket": "listen({fd}) of a regular file or char device: ENOTSOCK "
    "(Node: EINVAL)",
    "connect_port_forms": "positional '', ' ' and '0x..' ports are taken as Unix paths "
    "(Node: bad port / a port); port 0's connect error has port 0 (Node: undefined)",
    "half_open_client_variants": "allow_half_open given to socket.connect() is applied "
    "(Node: only Socket()/net.connect() options)",
    "happy_eyeballs_order": "attempted addresses write IPv6 as '[::1]:port' (Node: '::1:port')",
    "cork_end_empty": "cork(); write(); end(''): the loop spins, nothing is sent, no close",
    "destroy_during_lookup": "destroy() while connecting leaves connecting True; the lookup is not "
    "called when destroy() follows connect() in the same tick (Node calls it inside connect())",
    "error_once_peer_gone": "the write that failed on a reset peer: its callback gets None "
    "(Node: the socket's error)",
    "auto_select_family_off": "auto_select_family_attempted_addresses is [] without a race "
    "(Node: undefined)",
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
    assert len(js) >= 40
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
