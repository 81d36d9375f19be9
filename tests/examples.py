"""How many examples a property test draws: all of them in `make test` (CI); a quarter, at least 25, in the fast loop
(`make test-fast` sets KPBKIT_QUICK_PROPERTIES=1), where the same properties run with fewer random cases."""

from __future__ import annotations

import os

QUICK = os.environ.get("KPBKIT_QUICK_PROPERTIES") == "1"


def examples(n: int) -> int:
    """``n``, or in the fast loop a quarter of it (at least 25)."""
    return max(25, n // 4) if QUICK else n
