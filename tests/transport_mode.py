"""Which transport this test run's loops use (CI runs the suite on both)."""

from trionet._loop import fast_path_default

#: True: plain TCP and Unix sockets take the descriptor fast path (epoll).
#: False (``TRIONET_FAST_PATH=0``, or no epoll): every socket runs over a trio stream.
FAST_PATH = fast_path_default()
