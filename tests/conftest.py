"""Settings for the whole test run."""

from __future__ import annotations

import signal

# A run started in the background of a non-interactive shell (`nox &`, a CI
# step) inherits SIGINT ignored, and so would every child process a test starts:
# the tests that stop a server with Ctrl-C need it delivered. With a handler
# installed here, children start with SIGINT at its default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
