"""Fixed-seed sample of the differential fuzzer (issue 9): 300 random programs run
under plain Python and swiftjit.njit must agree (values, types, exceptions, arrays).

Seeds that expose a swiftjit bug are listed in EXCLUDED and have a minimal
reproducer in test_fuzz_regressions.py (xfail strict).
"""
import os
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import generator  # noqa: E402

N_PROGRAMS = 300
CHUNK = 50
EXCLUDED = set()  # seeds with a known swiftjit bug (see test_fuzz_regressions.py)


@pytest.mark.parametrize("start", range(0, N_PROGRAMS, CHUNK))
def test_fuzz_sample(start):
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(start, start + CHUNK):
            if seed in EXCLUDED:
                continue
            r = generator.run_program(seed)
            if r.status != "ok":
                failures.append(r.detail)
    assert not failures, "\n\n".join(failures)
