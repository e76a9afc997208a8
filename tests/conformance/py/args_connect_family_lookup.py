# connect() option types checked at the call: lookup must be callable;
# auto_select_family a boolean; auto_select_family_attempt_timeout a
# positive number (0 and negative values are out of range, 1 to 9 are
# accepted).
# trionet's messages name its snake_case keys (a documented naming difference):
# the Node side prints its messages with the key in snake_case.
from typing import Any

from _trace import attempt, run

import trionet


def main() -> None:
    lookups: tuple[tuple[str, Any], ...] = (
        ("'foobar'", "foobar"),
        ("1", 1),
        ("{}", {}),
        ("[]", []),
    )
    for label, lookup in lookups:
        attempt(
            f"lookup: {label}",
            lambda lookup=lookup: trionet.connect(
                {"host": "localhost", "port": 9, "lookup": lookup}
            ),
        )
    attempt(
        "autoSelectFamily: 'INVALID'",
        lambda: trionet.connect({"port": 9, "auto_select_family": "INVALID"}),
    )
    attempt("autoSelectFamily: 1", lambda: trionet.connect({"port": 9, "auto_select_family": 1}))
    for timeout in (-10, 0):
        attempt(
            f"autoSelectFamilyAttemptTimeout: {timeout}",
            lambda timeout=timeout: trionet.connect(
                {
                    "port": 9,
                    "auto_select_family": True,
                    "auto_select_family_attempt_timeout": timeout,
                }
            ),
        )
    attempt(
        "autoSelectFamilyAttemptTimeout: '5'",
        lambda: trionet.connect({"port": 9, "auto_select_family_attempt_timeout": "5"}),
    )
    for timeout in (1, 9):

        def ok(timeout: int = timeout) -> None:
            s = trionet.connect(
                {"port": 9, "host": "127.0.0.1", "auto_select_family_attempt_timeout": timeout}
            )
            s.on("error", lambda _: None)
            s.destroy()

        attempt(f"autoSelectFamilyAttemptTimeout: {timeout}", ok)


run(main)
