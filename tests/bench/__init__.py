"""The benchmark suite: python -m tests.bench --help (pages under load) and
python -m tests.bench.editing --help (the page cache while editors work). Not part
of the pytest run."""
