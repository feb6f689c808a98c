"""Many Python threads calling jitted functions at once, first calls included."""
import threading

import numpy as np

from swiftjit import njit


def test_eight_threads_mixed_signatures():
    @njit
    def combine(a, b):
        return a * 2 + b

    @njit(nogil=True)
    def total(x):
        return x.sum()

    arrays = [np.arange(10.0), np.arange(10), np.ones(3, np.float32)]
    errors = []

    def work(seed):
        try:
            for k in range(10_000):
                i = (k + seed) % 4
                if i == 0:
                    assert combine(k, 1) == 2 * k + 1
                elif i == 1:
                    assert combine(k * 0.5, 1.0) == k + 1.0
                elif i == 2:
                    assert combine(True, k) == 2 + k
                else:
                    a = arrays[k % 3]
                    assert total(a) == a.sum()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(combine.signatures) == 3 and len(total.signatures) == 3
