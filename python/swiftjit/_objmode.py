"""Object mode (issue 5): the Python-level view of a dispatcher's object-mode code."""
from . import _swiftjit

Dispatcher = _swiftjit.Dispatcher


def _lifted_loops(self):
    """The loops lifted out of this function's object-mode code: a list of dicts with
    ``line`` (the loop's first line), ``live_ins`` and ``live_outs`` (variable names),
    ``signatures`` (live-in types it was compiled for; empty until it runs natively),
    ``failures`` (types for which it did not compile, with the reason; the loop then
    ran in object mode) and ``ir``. Empty when the function is not in object mode."""
    info = _swiftjit._object_mode_info(self)
    return [] if info is None else info["lifted_loops"]


def _object_mode(self):
    """Whether calls missing the nopython fast path run object-mode code."""
    return _swiftjit._object_mode_info(self) is not None


def _inspect_objmode(self):
    """The object-mode IR (with ``lifted_loop`` calls) and its LLVM IR, or None."""
    info = _swiftjit._object_mode_info(self)
    if info is None:
        return None
    return {"ir": info["ir"], "llvm": info["llvm"]}


Dispatcher.lifted_loops = property(_lifted_loops)
Dispatcher.object_mode = property(_object_mode)
Dispatcher.inspect_objmode = _inspect_objmode
