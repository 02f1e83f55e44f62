"""The benchmark suite: `python -m benchmarks [--quick]` writes benchmarks/results.md (see suite.py)."""
