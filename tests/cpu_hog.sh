#!/usr/bin/env bash
# Run the test session several times in a row while every core is kept busy.
#
# usage: bash tests/cpu_hog.sh [RUNS] [-- NOX_POSARGS...]    (from the repository root)
#
#   bash tests/cpu_hog.sh                       # nox -s tests, 3 times, under load
#   bash tests/cpu_hog.sh 5                     # 5 times
#   bash tests/cpu_hog.sh 3 -- -k examples      # only the tests matching "examples"
#
# A test that passes on an idle machine but fails here depends on timing: a
# sleep used as synchronisation, a deadline too tight for a slow scheduler, an
# ordering that only a fast machine gives. It starts one busy-looping process
# per core (nproc), runs `.venv/bin/nox -s tests` RUNS times (default 3), then
# kills exactly the processes it started, also on Ctrl-C or failure. Exit
# status: 0 if every run passed, else the number of failed runs.
# Run it on a machine of your own: it takes every core for the whole time.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=3
if [[ $# -gt 0 && $1 != "--" ]]; then
    runs=$1
    shift
fi
[[ ${1:-} == "--" ]] && shift
nox=${NOX:-.venv/bin/nox}  # NOX=... to use another nox

hogs=()
stop_hogs() {
    if [[ ${#hogs[@]} -gt 0 ]]; then
        kill "${hogs[@]}" 2>/dev/null
        wait "${hogs[@]}" 2>/dev/null
        hogs=()
    fi
}
child=
trap stop_hogs EXIT
# nox runs in a process group of its own (setsid): stopping it stops pytest too.
trap '[[ -n $child ]] && kill -TERM -- "-$child" 2>/dev/null; exit 130' INT TERM

cores=$(nproc)
for ((i = 0; i < cores; i++)); do
    python3 -c 'while True: pass' &
    hogs+=($!)
done
echo "cpu_hog: ${#hogs[@]} busy processes (pids ${hogs[*]}); $runs runs of '$nox -s tests -- $*'"

failed=0
for ((run = 1; run <= runs; run++)); do
    echo "cpu_hog: run $run of $runs"
    setsid "$nox" -s tests -- "$@" &
    child=$!
    if ! wait "$child"; then  # waiting in `wait` lets a signal's trap run at once
        failed=$((failed + 1))
        echo "cpu_hog: run $run FAILED"
    fi
done
echo "cpu_hog: $((runs - failed)) of $runs runs passed"
exit "$failed"
