"""@guvectorize (generalized ufuncs through PyUFunc_FromFuncAndDataAndSignature) and
target="parallel" for @vectorize / @guvectorize (issue 8). Differential: against a
plain Python reference loop over the loop dimensions (and the same kernel run by Python)."""
import math

import numpy as np
import pytest

import swiftjit
from swiftjit import guvectorize, vectorize


@pytest.fixture(autouse=True)
def all_threads():
    n = swiftjit.get_num_threads()
    yield
    swiftjit.set_num_threads(n)


def dot_kernel(x, y, out):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * y[i]
    out[0] = s


def reference(kernel, layout_out_shape, *inputs):
    """Runs the kernel in Python over the broadcast loop dimensions (one core dim per input)."""
    loop = np.broadcast_shapes(*[np.shape(a)[:np.ndim(a) - 1] for a in inputs])
    out = np.zeros(loop + layout_out_shape)
    for idx in np.ndindex(*loop):
        args = [np.broadcast_to(a, loop + np.shape(a)[-1:])[idx] for a in inputs]
        o = out[idx] if layout_out_shape else np.zeros(1)
        kernel(*args, o)
        if not layout_out_shape:
            out[idx] = o[0]
    return out


@pytest.fixture(params=["cpu", "parallel"])
def target(request):
    return request.param


def make_dot(target):
    return guvectorize(["void(float64[:], float64[:], float64[:])"], "(n),(n)->()", target=target)(dot_kernel)


def test_is_a_real_gufunc(target):
    f = make_dot(target)
    assert isinstance(f, np.ufunc)
    assert f.signature == "(n),(n)->()"
    assert f.nin == 2 and f.nout == 1
    assert f.types == ["dd->d"]


@pytest.mark.parametrize("shape", [(0, 4), (1, 4), (3, 5), (7, 1), (1000, 3), (5000, 16), (4, 6, 9), (2, 0)])
def test_dot_over_loop_dimensions(target, shape):
    f = make_dot(target)
    r = np.random.default_rng(sum(shape))
    x, y = r.standard_normal(shape), r.standard_normal(shape)
    got = f(x, y)
    want = reference(dot_kernel, (), x, y)
    assert got.shape == shape[:-1]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def test_broadcasting_out_and_views(target):
    f = make_dot(target)
    r = np.random.default_rng(7)
    x = r.standard_normal((40, 30, 8))
    y = r.standard_normal(8)             # broadcast over the loop dimensions
    want = reference(dot_kernel, (), x, y)
    np.testing.assert_allclose(f(x, y), want, rtol=1e-13)
    out = np.full((40, 30), -1.0)
    res = f(x, y, out=out)
    assert res is out
    np.testing.assert_allclose(out, want, rtol=1e-13)
    # non-contiguous core and loop strides
    xv, yv = x[::2, :, ::-1], y[::-1]
    np.testing.assert_allclose(f(xv, yv), reference(dot_kernel, (), xv, yv), rtol=1e-13)
    # a 1-D call (no loop dimensions) gives a 0-d result
    assert math.isclose(float(f(y, y)), float(y @ y), rel_tol=1e-13)


def test_core_dimension_mismatch_raises(target):
    f = make_dot(target)
    with pytest.raises(ValueError):
        f(np.zeros((3, 4)), np.zeros((3, 5)))


def scale_add(x, a, out):
    for i in range(x.shape[0]):
        out[i] = x[i] * a + 1.0


def test_scalar_core_dims_and_array_outputs(target):
    # NumPy takes the first loop the inputs cast to safely: the int64 loop comes first.
    f = guvectorize(["void(int64[:], int64, int64[:])", "void(float64[:], float64, float64[:])"],
                    "(n),()->(n)", target=target)(scale_add)
    r = np.random.default_rng(3)
    x = r.standard_normal((300, 50))
    a = r.standard_normal(300)[:, None]    # one scalar per row...
    got = f(x, a[:, 0])                     # ...broadcast over the loop dimension
    np.testing.assert_array_equal(got, x * a + 1.0)
    np.testing.assert_array_equal(f(x, 2.0), x * 2.0 + 1.0)
    xi = r.integers(-100, 100, (64, 9))
    got = f(xi, 3)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, xi * 3 + 1)


def matmul_kernel(a, b, out):
    m, k = a.shape
    n = b.shape[1]
    for i in range(m):
        for j in range(n):
            s = 0.0
            for t in range(k):
                s += a[i, t] * b[t, j]
            out[i, j] = s


def test_two_dimensional_cores(target):
    f = guvectorize(["void(float64[:,:], float64[:,:], float64[:,:])"], "(m,k),(k,n)->(m,n)",
                    target=target)(matmul_kernel)
    r = np.random.default_rng(11)
    a, b = r.standard_normal((20, 4, 3)), r.standard_normal((20, 3, 5))
    np.testing.assert_allclose(f(a, b), a @ b, rtol=1e-12)
    np.testing.assert_allclose(f(a, b[0]), a @ b[0], rtol=1e-12)
    bt = np.asfortranarray(b)
    np.testing.assert_allclose(f(a, bt), a @ b, rtol=1e-12)


def signature_tuple_kernel(x, out):
    acc = 0
    for i in range(x.shape[0]):
        acc += x[i]
        out[i] = acc


def test_signatures_as_tuples_of_types(target):
    from swiftjit import types
    f = guvectorize([(types.int64[:], types.int64[:]), "(float32[:], float32[:])"], "(n)->(n)",
                    target=target)(signature_tuple_kernel)
    x = np.arange(-20, 20).reshape(4, 10)
    np.testing.assert_array_equal(f(x), np.cumsum(x, axis=1))
    xf = np.linspace(0, 1, 30, dtype=np.float32).reshape(3, 10)
    got = f(xf)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.cumsum(xf, axis=1), rtol=1e-6)


def test_dynamic_gufunc_compiles_per_dtype(target):
    f = guvectorize("(n),(n)->()", target=target)(dot_kernel)
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(f(x, x), (x * x).sum(axis=1))
    xi = np.arange(12).reshape(3, 4)
    got = f(xi, xi)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, (xi * xi).sum(axis=1))
    assert len(f.types) == 2


def checked(x, out):
    for i in range(x.shape[0]):
        if x[i] < 0:
            raise ValueError("negative input")
        out[i] = math.sqrt(x[i])


def test_exceptions_propagate(target):
    f = guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", target=target)(checked)
    x = np.ones((5000, 4))
    np.testing.assert_array_equal(f(x), x)
    x[3333, 2] = -1.0
    with pytest.raises(ValueError, match="negative input"):
        f(x)


def test_bad_declarations():
    with pytest.raises(ValueError, match="layout"):
        guvectorize(["void(float64[:], float64[:])"], "(n)->")(checked)
    with pytest.raises(TypeError, match="operands"):
        guvectorize(["void(float64[:], float64[:], float64[:])"], "(n)->(n)")(checked)
    with pytest.raises(TypeError, match="void"):
        guvectorize(["float64(float64[:], float64[:])"], "(n)->(n)")(checked)
    with pytest.raises(Exception, match="core dimension"):
        guvectorize(["void(float64, float64[:])"], "(n)->(n)")(checked)
    with pytest.raises(NotImplementedError):
        guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", target="cuda")(checked)


# ---- vectorize(target="parallel") -------------------------------------------

def poly(x, y):
    return x * x - 3.0 * y + math.sin(x)


@pytest.mark.parametrize("n", [0, 1, 5, 4095, 4096, 100_003])
def test_parallel_vectorize_matches_cpu(n):
    sigs = ["float64(float64, float64)", "float32(float32, float32)"]
    cpu = vectorize(sigs)(poly)
    par = vectorize(sigs, target="parallel")(poly)
    r = np.random.default_rng(n)
    x, y = r.standard_normal(n), r.standard_normal(n)
    np.testing.assert_array_equal(par(x, y), cpu(x, y))
    np.testing.assert_allclose(par(x, y), [poly(a, b) for a, b in zip(x, y)], rtol=1e-14)
    np.testing.assert_array_equal(par(x.astype(np.float32), y.astype(np.float32)),
                                  cpu(x.astype(np.float32), y.astype(np.float32)))
    # broadcasting and out=
    xs = r.standard_normal((max(n // 100, 1), 100))
    out = np.empty_like(xs)
    par(xs, 0.5, out=out)
    np.testing.assert_array_equal(out, cpu(xs, 0.5))


def int_kernel(a, b):
    return (a * 7 + b) // 3


def test_parallel_vectorize_ints_reduce_and_dynamic():
    par = vectorize(["int64(int64, int64)"], target="parallel")(int_kernel)
    a = np.arange(-50_000, 50_000)
    np.testing.assert_array_equal(par(a, 5), (a * 7 + 5) // 3)
    dyn = vectorize(target="parallel")(int_kernel)
    np.testing.assert_array_equal(dyn(a, a), (a * 7 + a) // 3)


def divide(a, b):
    return a // b


def test_parallel_vectorize_exception():
    par = vectorize(["int64(int64, int64)"], target="parallel")(divide)
    b = np.ones(200_000, dtype=np.int64)
    b[123_456] = 0
    with pytest.raises(ZeroDivisionError):
        par(np.arange(200_000), b)
    swiftjit.set_num_threads(1)
    with pytest.raises(ZeroDivisionError):
        par(np.arange(200_000), b)


def printing(x, out):
    print(x)
    out[0] = x.sum()


def test_kernel_printing_its_core_view(capfd):
    # A core view has no owning Python object: boxing it (print) boxes a copy.
    f = guvectorize(["void(float64[:], float64[:])"], "(n)->()")(printing)
    got = f(np.arange(4.0).reshape(2, 2))
    np.testing.assert_array_equal(got, [1.0, 5.0])
    assert capfd.readouterr().out.split("\n")[:2] == ["[0. 1.]", "[2. 3.]"]


def add(a, b):
    return a + b


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_parallel_vectorize_reduce_and_accumulate(dtype):
    # reduce and accumulate call the loop with the accumulator aliased: it must stay serial.
    par = vectorize(["int64(int64, int64)", "float64(float64, float64)"], target="parallel", identity=0)(add)
    x = (np.arange(100_000) % 13).astype(dtype)
    assert par.reduce(x) == x.sum()
    np.testing.assert_array_equal(par.accumulate(x), np.cumsum(x))
    m = (np.arange(300 * 300) % 7).reshape(300, 300).astype(dtype)
    for axis in (0, 1):
        np.testing.assert_array_equal(par.reduce(m, axis=axis), m.sum(axis=axis))
        np.testing.assert_array_equal(par.accumulate(m, axis=axis), m.cumsum(axis=axis))
    # in place (out is an input, exactly): runs in parallel and gives the same result
    y = x.copy()
    par(y, x, out=y)
    np.testing.assert_array_equal(y, 2 * x)
