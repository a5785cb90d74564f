"""Benchmarks: ``python -m bench`` prints one table of our time vs the peer's, same run."""
