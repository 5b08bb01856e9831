"""Licence expressions are parsed from several checks at once (deps.license and deps.sbom run concurrently):
the first parses of a fresh licensing object must not race (license_expression builds its tokenizer lazily)."""

import sys
import threading

from certifier.collect.advisories import licenses


def test_concurrent_first_parses_all_succeed():
    # switch threads often, as the check scheduler does, so an unguarded lazy build is interleaved
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _rounds()
    finally:
        sys.setswitchinterval(previous)


def _rounds():
    for _ in range(5):
        licenses._licensing.cache_clear()  # a fresh tokenizer each round, as at the start of a process
        barrier = threading.Barrier(8)
        results, errors = [], []

        def parse():
            barrier.wait()
            try:
                results.append(licenses.classify("MIT OR (Apache-2.0 AND BSD-3-Clause)").category)
            except Exception as error:  # the race shows up as assorted exceptions from the tokenizer
                errors.append(repr(error))

        threads = [threading.Thread(target=parse) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(set(results)) == 1 and len(results) == 8
