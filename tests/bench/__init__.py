"""The benchmark suite: python -m tests.bench --help. Not part of the pytest run."""
