"""Benchmarks: every hot path measured side by side with a peer (see docs/benchmarks.md).

Each module runs alone (`.venv/bin/python bench/page_weight.py`) and `bench/run.py` runs them all.
A module prints its figures, the budget each one is held to and the ratio to the peer measured
in the same run; it exits non-zero only when it could not run at all (a missed budget is a
finding, not a failure). Benchmarks are not tests: nothing here asserts a timing.
"""
