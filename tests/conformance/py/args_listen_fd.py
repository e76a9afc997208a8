# listen({fd}) with an fd that is not a usable descriptor number (negative,
# a string, a boolean): Node treats the options as having neither port nor
# path, and throws ERR_INVALID_ARG_VALUE at the call.
from typing import Any

from _trace import attempt, run

import trionet


def main() -> None:
    cases: tuple[tuple[str, Any], ...] = (("-1", -1), ("-2", -2), ("'3'", "3"), ("true", True))
    for label, fd in cases:
        attempt(
            f"listen({{fd: {label}}})", lambda fd=fd: trionet.create_server().listen({"fd": fd})
        )


run(main)
