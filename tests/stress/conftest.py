"""tests/stress/ runs only under ``nox -s stress`` (which sets TRIONET_STRESS=1).

The default test session collects ``tests/``; without the variable these long
variants are not even collected.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if not os.environ.get("TRIONET_STRESS"):
    collect_ignore_glob = ["test_*.py"]

# The scenarios live in tests/test_reliability.py (their CI variants run there).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
