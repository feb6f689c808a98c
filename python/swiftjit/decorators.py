"""The decorators: ``jit``, ``njit``, and ``prange``."""
import functools

from . import _cache, _swiftjit, config

_OPTIONS = {
    "nopython": False,
    "forceobj": False,
    "looplift": True,
    "cache": False,
    "nogil": False,
    "parallel": False,
    "fastmath": False,
    "boundscheck": None,
    "error_model": "python",
    "inline": "never",
}


def _check_options(options):
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(
            f"jit() got unexpected option(s): {', '.join(unknown)}; "
            f"valid options are {', '.join(sorted(_OPTIONS))}")
    merged = dict(_OPTIONS)
    merged.update(options)
    return merged


def _make_dispatcher(func, options):
    if not hasattr(func, "__code__"):
        raise TypeError(f"jit can only compile Python functions, not {type(func).__name__}")
    if config.DISABLE_JIT:
        return func
    boundscheck = options["boundscheck"]
    if boundscheck is None:
        boundscheck = config.BOUNDSCHECK
    cache_dir = cache_prefix = None
    if options["cache"]:
        loc = _cache.location(func)
        if loc is not None:
            cache_dir, cache_prefix = loc
            _cache._dirs_in_use.add(cache_dir)
    dispatcher = _swiftjit.new_dispatcher(
        func, bool(options["fastmath"]), bool(boundscheck), bool(options["nogil"]), config.OPT,
        cache_dir, cache_prefix, bool(options["parallel"]))
    functools.update_wrapper(dispatcher, func)
    dispatcher.targetoptions = {k: v for k, v in options.items()}
    return dispatcher


def jit(signature_or_function=None, **options):
    """Compiles a Python function to native code on its first call.

    Usable bare (``@jit``) or with options (``@jit(nopython=True, nogil=True)``).
    Each new combination of argument types compiles one specialization;
    later calls with the same types jump straight into the native code.

    Options:
      nopython (bool): compile the whole function natively, or raise TypingError.
      cache (bool): keep compiled code on disk between processes (see swiftjit.cache).
      nogil (bool): release the GIL while the native code runs.
      parallel (bool): run ``prange`` loops on all cores.
      fastmath (bool): allow LLVM to reassociate floating point arithmetic.
      boundscheck (bool): check array indices (default: SWIFTJIT_BOUNDSCHECK or off).
      forceobj, looplift, error_model, inline: accepted for Numba compatibility.

    Object mode is not implemented yet: a function that does not type-check
    raises ``swiftjit.errors.TypingError`` whether or not nopython is set.
    """
    options = _check_options(options)
    if signature_or_function is None:
        return lambda func: _make_dispatcher(func, options)
    if callable(signature_or_function) and hasattr(signature_or_function, "__code__"):
        return _make_dispatcher(signature_or_function, options)
    raise TypeError("explicit signatures are not supported yet; call jit without a signature")


def njit(signature_or_function=None, **options):
    """``jit`` with ``nopython=True``."""
    options["nopython"] = True
    return jit(signature_or_function, **options)


def prange(*args):
    """``range`` for loops that ``parallel=True`` may run on several cores.

    In a function compiled with ``parallel=True`` the outermost ``prange`` loop of
    a nest runs its iterations in chunks on a thread pool; reductions (``s += e``,
    ``s -= e``, ``s *= e``, ``s = min(s, e)``, ``s = max(s, e)``) are combined in
    order. Otherwise it is ``range``. See ``dispatcher.parallel_diagnostics()``.
    """
    return range(*args)


def set_num_threads(n):
    """Sets how many threads parallel loops use, from 1 to the pool size
    (``SWIFTJIT_NUM_THREADS``, default the number of cores)."""
    _swiftjit.set_num_threads(int(n))


def get_num_threads():
    """How many threads parallel loops use."""
    return _swiftjit.get_num_threads()
