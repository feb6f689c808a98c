"""Configuration read from SWIFTJIT_* environment variables at import (as ``numba.config``).

| variable | attribute | meaning |
|---|---|---|
| SWIFTJIT_OPT | OPT | LLVM optimization level 0-3 (default 3) |
| SWIFTJIT_DISABLE_JIT | DISABLE_JIT | decorators return the Python function unchanged |
| SWIFTJIT_BOUNDSCHECK | BOUNDSCHECK | default of ``boundscheck`` |
| SWIFTJIT_DEBUG | DEBUG | sets both dumps below |
| SWIFTJIT_DEBUG_IR | DEBUG_IR | print the typed IR of each new specialization to stderr |
| SWIFTJIT_DEBUG_LLVM | DEBUG_LLVM | print the optimized LLVM IR of each new specialization to stderr |
| SWIFTJIT_NUM_THREADS | NUM_THREADS | threads for ``parallel=True`` (default: CPU count) |
| SWIFTJIT_PARALLEL_SPIN_US | (read by the runtime) | microseconds idle pool threads spin before sleeping (default 200, 0: never) |
| SWIFTJIT_CACHE_DIR | CACHE_DIR | folder of the ``cache=True`` files (default: ``__pycache__`` next to the source) |

The dumps are read by the compiler when it compiles, so setting
``os.environ["SWIFTJIT_DEBUG_IR"] = "1"`` later works too; ``reload()`` re-reads the rest.
"""
import os


def _int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def reload():
    """Reads the SWIFTJIT_* environment variables again."""
    g = globals()
    g["OPT"] = max(0, min(3, _int("SWIFTJIT_OPT", 3)))
    g["BOUNDSCHECK"] = bool(_int("SWIFTJIT_BOUNDSCHECK", 0))
    g["DISABLE_JIT"] = bool(_int("SWIFTJIT_DISABLE_JIT", 0))
    g["DEBUG"] = bool(_int("SWIFTJIT_DEBUG", 0))
    if g["DEBUG"]:
        os.environ.setdefault("SWIFTJIT_DEBUG_IR", "1")
        os.environ.setdefault("SWIFTJIT_DEBUG_LLVM", "1")
    g["DEBUG_IR"] = bool(_int("SWIFTJIT_DEBUG_IR", 0))
    g["DEBUG_LLVM"] = bool(_int("SWIFTJIT_DEBUG_LLVM", 0))
    g["NUM_THREADS"] = max(1, _int("SWIFTJIT_NUM_THREADS", os.cpu_count() or 1))
    g["CACHE_DIR"] = os.environ.get("SWIFTJIT_CACHE_DIR") or None


#: LLVM optimization level, 0 to 3 (SWIFTJIT_OPT).
OPT = 3
#: Default for ``boundscheck`` when the decorator does not say (SWIFTJIT_BOUNDSCHECK).
BOUNDSCHECK = False
#: When set, decorators return the Python function unchanged (SWIFTJIT_DISABLE_JIT).
DISABLE_JIT = False
DEBUG = DEBUG_IR = DEBUG_LLVM = False
NUM_THREADS = 1
CACHE_DIR = None
reload()
