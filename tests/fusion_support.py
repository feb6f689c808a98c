"""Helpers shared by the array-fusion tests (issue 7; Lowering/ArrayFusion.swift)."""
import numpy as np

from swiftjit import njit

SIZES = [0, 1, 3, 17, 8191, 8192, 100_003]


def compiled(f):
    """The function compiled serially and with parallel=True."""
    return njit(parallel=False)(f), njit(parallel=True)(f)


def allocations(dispatcher):
    """Arrays the compiled code allocates (calls of the runtime's array constructor)."""
    ir = "\n".join(dispatcher.inspect_llvm().values())
    return ir.count("call ptr @swiftjit_array_new")


def same_array(x, y):
    """Same dtype, shape and elements (NaN equal to NaN)."""
    assert isinstance(x, np.ndarray), type(x)
    assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, y.dtype, x.shape, y.shape)
    np.testing.assert_array_equal(x, y)
