"""Settings for the whole test run."""

from __future__ import annotations

import signal

# A run started in the background of a non-interactive shell (`nox &`, a CI
# step) inherits SIGINT ignored, and so would every child process a test starts:
# the tests that stop a server with Ctrl-C need it delivered. With a handler
# installed here, children start with SIGINT at its default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


import pytest
from transport_mode import FAST_PATH


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``fast_path`` check the fast path's own machinery (parking,
    the poller's descriptor): skipped when the run is over trio streams."""
    if FAST_PATH:
        return
    skip = pytest.mark.skip(reason="checks the descriptor fast path, which is off")
    for item in items:
        if item.get_closest_marker("fast_path") is not None:
            item.add_marker(skip)
