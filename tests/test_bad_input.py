"""Bad input never crashes the process: each case runs in a subprocess and must end
with a Python exception whose message names the cause."""
import subprocess
import sys
import textwrap

import pytest

CASES = {
    "too_many_arguments": ("f(1, 2, 3)", "TypeError", "takes 2 positional arguments but 3 were given"),
    "missing_argument": ("f(1)", "TypeError", "missing 1 required positional argument"),
    "list_argument": ("f([1], 2)", "TypingError", "list"),
    "dict_argument": ("f({}, 2)", "TypingError", "dict"),
    "string_argument": ("f('a', 2)", "TypingError", "str"),
    "object_argument": ("f(object(), 2)", "TypingError", "object"),
    "none_where_number": ("f(None, 2)", "TypingError", "none"),
    "huge_int": ("f(10**30, 2)", "OverflowError", "int64"),
    "object_array": ("f(np.array([1, 'x'], dtype=object), 2)", "TypingError", "object"),
    "datetime_array": ("f(np.zeros(2, 'datetime64[ns]'), 2)", "TypingError", "datetime64"),
    "structured_array": ("f(np.zeros(2, [('x', 'f8')]), 2)", "TypingError", "dtype"),
    "out_of_range_index": ("g(np.arange(3), 7)", "IndexError", "index 7 is out of bounds for axis 0 with size 3"),
    "deep_recursion": ("deep(10**7)", "RecursionError", "maximum recursion depth exceeded in compiled code"),
    # huge values
    "huge_negative_int": ("f(-2**63 - 1, 2)", "OverflowError", "argument 'a' does not fit in int64"),
    "huge_int_in_tuple": ("f((1, 2**64), (1, 2))", "OverflowError", "argument 'a' does not fit in int64"),
    "huge_uint64_scalar": ("f(np.uint64(2**64 - 1), 2)", "OverflowError", "too big"),
    "huge_float_to_int": ("to_int(1e300)", "OverflowError", "too large to convert to int64"),
    "inf_to_int": ("to_int(float('inf'))", "OverflowError", "infinity"),
    "nan_to_int": ("to_int(float('nan'))", "ValueError", "nan"),
    "huge_array_allocation": ("make(2**62)", "MemoryError", "cannot allocate"),
    "huge_2d_allocation": ("make2(2**32)", "MemoryError", "cannot allocate"),
    "negative_dimension": ("make(-1)", "ValueError", "negative dimensions"),
    "huge_index_boundscheck": ("g(np.arange(3), 2**62)", "IndexError", "out of bounds"),
    "huge_negative_index_boundscheck": ("g(np.arange(3), -2**62)", "IndexError", "out of bounds"),
    # dtypes and scalar types nopython mode does not have
    "float16_array": ("f(np.zeros(3, np.float16), 2)", "TypingError", "float16"),
    "big_endian_array": ("f(np.zeros(3, '>f8'), 2)", "TypingError", "native byte order"),
    "longdouble_scalar": ("f(np.longdouble(1), 2)", "TypingError", "longdouble"),
    "complex256_array": ("f(np.zeros(2, np.clongdouble), 2)", "TypingError", "complex256"),
    # recursion too deep where the C stack is small; a first call (a compile) with no Python stack left
    "deep_recursion_small_thread_stack": ("in_thread(deep, 10**6, stack=256 * 1024)", "RecursionError",
                                          "maximum recursion depth exceeded in compiled code"),
    "deep_recursion_tiny_thread_stack": ("in_thread(deep, 10**6, stack=64 * 1024)", "RecursionError",
                                         "maximum recursion depth exceeded in compiled code"),
    "first_call_at_python_recursion_limit": ("near_limit(new_function)", "RecursionError", "recursion"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name):
    call, exc, text = CASES[name]
    code = textwrap.dedent(f'''
        import numpy as np
        from swiftjit import njit

        @njit
        def f(a, b):
            return a + b

        @njit(boundscheck=True)
        def g(a, i):
            return a[i]

        @njit
        def deep(n):
            # Not `deep(n - 1) + 1`: LLVM turns that accumulator recursion into a loop.
            if n == 0:
                return 0
            r = deep(n - 1)
            if r < 0:
                return r
            return r + 1

        @njit
        def to_int(x):
            return int(x)

        @njit
        def make(n):
            return np.empty(n)

        @njit
        def make2(n):
            return np.zeros((n, n))

        @njit
        def new_function(x):
            return x + 1

        def in_thread(fn, *args, stack):
            import threading
            threading.stack_size(stack)
            box = []
            def run():
                try:
                    box.append(fn(*args))
                except BaseException as e:
                    box.append(e)
            t = threading.Thread(target=run)
            t.start()
            t.join()
            if isinstance(box[0], BaseException):
                raise box[0]
            return box[0]

        def near_limit(fn):
            # Python frames up to the recursion limit, then a first call that must compile.
            def down(k):
                return fn(1) if k == 0 else down(k - 1)
            import sys
            sys.setrecursionlimit(400)
            return down(10_000)

        try:
            {call}
        except Exception as e:
            print("RAISED", type(e).__name__, "|", e)
        else:
            print("NO EXCEPTION")
    ''')
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"the process died (code {p.returncode}): {p.stderr[-2000:]}"
    line = [l for l in p.stdout.splitlines() if l.startswith(("RAISED", "NO EXCEPTION"))][-1]
    assert line.startswith("RAISED"), line
    kind, message = line[len("RAISED "):].split(" | ", 1)
    import re
    assert re.fullmatch(exc, kind), line
    assert text.lower() in message.lower(), line
