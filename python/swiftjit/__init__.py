"""swiftjit: a just-in-time compiler for numeric Python, written in Swift over LLVM.

    from swiftjit import njit

    @njit
    def total(n):
        s = 0
        for i in range(n):
            s += i
        return s
"""
import sys

if not ((3, 10) <= sys.version_info[:2] <= (3, 13)):
    raise ImportError(
        f"swiftjit supports CPython 3.10 to 3.13; this is {sys.version.split()[0]}")

from . import _swiftjit, errors, types, config  # noqa: E402
from . import _cache as cache  # noqa: E402
from ._binding import bind as _bind  # noqa: E402
from ._errors import make_error as _make_error  # noqa: E402
from .decorators import jit, njit, prange, set_num_threads, get_num_threads  # noqa: E402
from .errors import TypingError  # noqa: E402
from . import _api  # noqa: E402,F401  (the Numba-compatible Dispatcher methods)
from . import _pickle  # noqa: E402,F401  (Dispatcher.__reduce__)
from . import _objmode  # noqa: E402,F401  (lifted_loops, object_mode, inspect_objmode)
from ._native import cfunc, vectorize, guvectorize  # noqa: E402
from .types import typeof  # noqa: E402
from . import typed  # noqa: E402  (typed.List, typed.Dict)

_swiftjit._set_hooks(_make_error, _bind, types.from_name, errors.SwiftJITWarning)

Dispatcher = _swiftjit.Dispatcher
__version__ = "0.1.0"
__all__ = ["jit", "njit", "prange", "set_num_threads", "get_num_threads", "cfunc", "vectorize", "guvectorize", "typeof", "errors", "types", "config",
           "cache", "TypingError", "Dispatcher",
           "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "float32", "float64",
           "complex64", "complex128", "boolean", "void", "none"]

# Numba exposes the common types at the top level (numba.float64, numba.int64 ...).
from .types import (int8, int16, int32, int64, uint8, uint16, uint32, uint64, intp, float32,  # noqa: E402
                    float64, complex64, complex128, boolean, void, none, b1, f4, f8, i4, i8, u1)

# numba.core.errors.TypingError, numba.core.types.float64 ... with `import swiftjit as numba`.
import types as _pytypes  # noqa: E402

core = _pytypes.SimpleNamespace(errors=errors, types=types, config=config)
