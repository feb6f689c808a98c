"""Configuration read from SWIFTJIT_* environment variables at import."""
import os


def _int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


#: LLVM optimization level, 0 to 3 (SWIFTJIT_OPT).
OPT = max(0, min(3, _int("SWIFTJIT_OPT", 3)))
#: Default for ``boundscheck`` when the decorator does not say (SWIFTJIT_BOUNDSCHECK).
BOUNDSCHECK = bool(_int("SWIFTJIT_BOUNDSCHECK", 0))
#: When set, decorators return the Python function unchanged (SWIFTJIT_DISABLE_JIT).
DISABLE_JIT = bool(_int("SWIFTJIT_DISABLE_JIT", 0))
