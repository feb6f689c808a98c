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
            if n == 0:
                return 0
            return deep(n - 1) + 1

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
