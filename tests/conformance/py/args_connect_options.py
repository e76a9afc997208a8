# connect() with options that have no usable port: an empty object is
# "missing args", a boolean port is a type error naming number then string.
from _trace import attempt, run

import trionet


def main() -> None:
    attempt("connect({})", lambda: trionet.connect({}))
    attempt("connect({port: true})", lambda: trionet.connect({"port": True}))
    # trionet renders None as JS undefined (documented), so None is undefined here.
    attempt("connect({port: undefined})", lambda: trionet.connect({"port": None}))


run(main)
