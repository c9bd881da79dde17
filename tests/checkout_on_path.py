"""Puts the checkout itself on `sys.path`, so tests import `infra` even while pyproject.toml's
package list (which the editable install follows) names only `site_builder` and `functions`.
Harmless once `infra` is listed there too; then this module and its imports can go."""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT = str(Path(__file__).resolve().parent.parent)
if CHECKOUT not in sys.path:
    sys.path.insert(0, CHECKOUT)
