"""Binds keyword arguments and defaults to positions for the dispatcher's slow path.

For each function a "twin" is made: a function with the very same parameters
that returns them as a tuple. Calling the twin binds arguments exactly as
Python does, with Python's own error messages.
"""
import weakref

_twins = weakref.WeakKeyDictionary()


def _make_twin(func):
    code = func.__code__
    nargs = code.co_argcount
    nposonly = code.co_posonlyargcount
    nkwonly = code.co_kwonlyargcount
    names = code.co_varnames[: nargs + nkwonly]
    defaults = func.__defaults__ or ()
    kwdefaults = func.__kwdefaults__ or {}
    first_default = nargs - len(defaults)
    parts = []
    for i, name in enumerate(names[:nargs]):
        parts.append(f"{name}=None" if i >= first_default else name)
        if nposonly and i == nposonly - 1:
            parts.append("/")
    if nkwonly:
        parts.append("*")
        for name in names[nargs:]:
            parts.append(f"{name}=None" if name in kwdefaults else name)
    body = ", ".join(names) + ("," if len(names) == 1 else "")
    src = f"def twin({', '.join(parts)}):\n    return ({body})\n"
    namespace = {}
    exec(src, namespace)
    twin = namespace["twin"]
    twin.__defaults__ = func.__defaults__
    twin.__kwdefaults__ = func.__kwdefaults__
    replace = {"co_name": code.co_name}
    if hasattr(code, "co_qualname"):
        replace["co_qualname"] = code.co_qualname
    twin.__code__ = twin.__code__.replace(**replace)
    # Binding errors name the function the way Python does (by its __qualname__).
    twin.__name__ = func.__name__
    twin.__qualname__ = func.__qualname__
    return twin


def bind(func, args, kwargs):
    """All arguments of a call of ``func``, in parameter order, as a tuple."""
    twin = _twins.get(func)
    if twin is None:
        code = func.__code__
        if code.co_flags & 0x0C:
            from ._errors import make_error
            raise make_error("unsupported", "*args and **kwargs parameters are not supported in nopython mode",
                             getattr(code, "co_qualname", code.co_name), code.co_filename, code.co_firstlineno,
                             -1, -1, "frontend")
        twin = _make_twin(func)
        _twins[func] = twin
    if kwargs is None:
        return twin(*args)
    return twin(*args, **kwargs)
