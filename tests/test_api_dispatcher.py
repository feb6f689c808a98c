"""Dispatcher API: signatures, overloads, inspect_*, recompile, config, help (issue 8)."""
import ctypes
import os
import subprocess
import sys

import pytest

import swiftjit
from swiftjit import njit, types


def make_poly():
    @njit
    def poly(x, n):
        s = 0.0
        for i in range(n):
            if i % 2 == 0:
                s += x ** i
            else:
                s -= x
        return s
    return poly


def test_signatures_and_py_func():
    poly = make_poly()
    assert poly.signatures == []
    poly(2.0, 3)
    poly(2, 3)
    assert poly.signatures == [(types.float64, types.int64), (types.int64, types.int64)]
    assert poly.py_func(2.0, 3) == poly(2.0, 3)
    assert poly.__name__ == "poly" and poly.py_func.__name__ == "poly"


def test_overloads_entry_point_is_callable_native_code():
    @njit
    def add(a, b):
        return a * 10 + b
    add(1, 2)
    ov = add.overloads[(types.int64, types.int64)]
    assert ov.return_type == types.int64 and ov.entry_point > 0 and ov.wrapper_address > 0
    # i32 native(ptr ret, ptr ctx, i64, i64) with a zeroed context {exc, objects, count, capacity}
    proto = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
    native = proto(ov.entry_point)
    ret = ctypes.c_int64()
    ctx = (ctypes.c_void_p * 4)()
    assert native(ctypes.addressof(ret), ctypes.addressof(ctx), 4, 5) == 0
    assert ret.value == 45


def test_inspect_types_with_source_lines():
    poly = make_poly()
    poly(2.0, 3)
    text = poly.inspect_types(poly.signatures[0])
    assert "s += x ** i" in text and "# --- LINE" in text
    assert "x: float64 = arg(0)" in text
    everything = poly.inspect_types()
    assert list(everything) == poly.signatures
    import io
    buf = io.StringIO()
    assert poly.inspect_types(file=buf) is None
    assert "for i in range(n):" in buf.getvalue()
    assert poly.inspect_types("float64(float64, int64)") == text  # a signature string selects too


def test_inspect_llvm_and_asm():
    poly = make_poly()
    poly(2.0, 3)
    sig = poly.signatures[0]
    llvm = poly.inspect_llvm(sig)
    assert "define" in llvm and ".native" in llvm
    asm = poly.inspect_asm(sig)
    assert ".native:" in asm
    assert any(op in asm for op in ("ret", "retq"))
    assert poly.inspect_asm() == {sig: asm}
    with pytest.raises(KeyError):
        poly.inspect_asm((types.int64, types.int64))


def test_inspect_cfg():
    poly = make_poly()
    poly(2.0, 3)
    cfg = poly.inspect_cfg(poly.signatures[0])
    dot = cfg.dot
    assert dot.startswith('digraph "make_poly.<locals>.poly(float64, int64)"') and dot.rstrip().endswith("}")
    assert '[label="true"]' in dot and '[label="body"]' in dot
    text = str(cfg)
    assert "block0 -> block1" in text and "(exit)" in text
    assert len(cfg.blocks) >= 5


THRESHOLD = 10


def test_recompile_reads_globals_again():
    @njit
    def above(x):
        return x > THRESHOLD
    assert above(15) is True
    globals()["THRESHOLD"] = 20
    try:
        assert above(15) is True  # frozen at compile time, as Numba
        above.recompile()
        assert above(15) is False
        assert above.signatures == [(types.int64,)]
    finally:
        globals()["THRESHOLD"] = 10


def test_recompile_explicit_keeps_signatures():
    @njit(["float64(int64)", "float64(float64)"])
    def f(x):
        return x + THRESHOLD
    f.recompile()
    assert f.signatures == [(types.int64,), (types.float64,)]
    assert f(1) == 11.0
    with pytest.raises(TypeError):
        f((1, 2))


def test_help_shows_options():
    doc = swiftjit.jit.__doc__
    for word in ("nopython", "nogil", "cache", "fastmath", "boundscheck", "parallel", "signature"):
        assert word in doc
    assert "signature" in swiftjit.njit.__doc__
    import pydoc
    assert "fastmath" in pydoc.render_doc(swiftjit.jit)


def test_config_attributes():
    cfg = swiftjit.config
    for name in ("OPT", "DISABLE_JIT", "BOUNDSCHECK", "DEBUG_IR", "DEBUG_LLVM", "NUM_THREADS", "CACHE_DIR"):
        assert hasattr(cfg, name)
    assert cfg.NUM_THREADS >= 1


def run(code, **env):
    full = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


def test_config_from_environment():
    out = run("import swiftjit.config as c; print(c.OPT, c.NUM_THREADS, c.CACHE_DIR, c.DEBUG_IR, c.BOUNDSCHECK)",
              SWIFTJIT_OPT="1", SWIFTJIT_NUM_THREADS="3", SWIFTJIT_CACHE_DIR="/tmp/x", SWIFTJIT_DEBUG_IR="1",
              SWIFTJIT_BOUNDSCHECK="1")
    assert out.stdout.split() == ["1", "3", "/tmp/x", "True", "True"]


def test_debug_dumps_to_stderr():
    code = ("import swiftjit\n"
            "@swiftjit.njit\n"
            "def f(x):\n    return x + 1\n"
            "print(f(1))\n")
    out = run(code, SWIFTJIT_DEBUG_IR="1")
    assert out.stdout.strip() == "2"
    assert "typed IR of f(int64) -> int64" in out.stderr and "binary(+" in out.stderr
    out = run(code, SWIFTJIT_DEBUG_LLVM="1")
    assert "LLVM IR of f(int64)" in out.stderr and "define" in out.stderr
    out = run(code)
    assert out.stderr == ""


def test_disable_jit():
    out = run("import swiftjit\n@swiftjit.njit\ndef f(x):\n    return [x]\nprint(f(1), swiftjit.config.DISABLE_JIT)",
              SWIFTJIT_DISABLE_JIT="1")
    assert out.stdout.split() == ["[1]", "True"]


def test_prange_forms_and_other_module_attributes():
    import swiftjit as numba
    from swiftjit import prange

    @njit(parallel=True)
    def a(n):
        s = 0
        for i in numba.prange(n):
            s += i
        return s

    @njit(parallel=True)
    def b(n):
        s = 0
        for i in prange(1, n, 2):
            s += i
        return s
    assert a(10) == a.py_func(10) == 45
    assert b(10) == b.py_func(10) == 25

    @njit
    def c(x):
        return numba.typeof(x)
    with pytest.raises(swiftjit.TypingError, match="only prange and the number types"):
        c(1)
