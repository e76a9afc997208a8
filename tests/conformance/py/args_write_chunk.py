# write()/end() with something that is not a chunk: Node v20's message
# ("string or an instance of Buffer, TypedArray, or DataView"), and None.
from _trace import attempt, run

import trionet


def main() -> None:
    s = trionet.Socket()
    attempt("write(42)", lambda: s.write(42))
    attempt("write({})", lambda: s.write({}))
    # Python's None stands for JS undefined (trionet's documented rendering).
    attempt("write(undefined)", lambda: s.write(None))
    attempt("end(42)", lambda: s.end(42))
    s.destroy()


run(main)
