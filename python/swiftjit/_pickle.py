"""Pickling of dispatchers: by reference for functions importable by name, by
value (the Python function, through cloudpickle when it is installed) for
closures and functions defined in ``__main__``; the options travel along.
A dispatcher unpickled in another process compiles again on its first call
(or loads its code from the disk cache with ``cache=True``)."""
import importlib
import pickle
import sys

from . import _swiftjit


def _lookup(module, qualname):
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _by_reference(dispatcher):
    func = dispatcher.py_func
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not module or module == "__main__" or "<locals>" in qualname:
        return None
    try:
        found = _lookup(module, qualname)
    except Exception:  # noqa: BLE001 - not importable: pickle by value
        return None
    return (module, qualname) if found is dispatcher else None


def _rebuild(func_bytes, options):
    from .decorators import _make_dispatcher
    return _make_dispatcher(pickle.loads(func_bytes), options)


def _reduce(self):
    ref = _by_reference(self)
    if ref is not None:
        return _lookup, ref
    try:
        import cloudpickle
        func_bytes = cloudpickle.dumps(self.py_func)
    except ImportError:
        func_bytes = pickle.dumps(self.py_func)  # works for functions importable by name
    return _rebuild, (func_bytes, dict(getattr(self, "targetoptions", {})))


_swiftjit.Dispatcher.__reduce__ = _reduce
