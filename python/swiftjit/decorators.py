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
    # Accepted for Numba compatibility and ignored: scalars compute as int64/float64 anyway.
    "locals": None,
    "debug": False,
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
    # 0: nopython only; 1: fall back to object mode when nopython typing fails; 2: object mode.
    mode = 0 if options["nopython"] else 2 if options["forceobj"] else 1
    dispatcher = _swiftjit.new_dispatcher(
        func, bool(options["fastmath"]), bool(boundscheck), bool(options["nogil"]), config.OPT,
        cache_dir, cache_prefix, bool(options["parallel"]), mode, bool(options["looplift"]))
    functools.update_wrapper(dispatcher, func)
    dispatcher.targetoptions = {k: v for k, v in options.items()}
    return dispatcher


def _signature_list(sigs):
    """The signatures given to jit: one (string, Signature, tuple of argument types) or a list of them."""
    from . import types
    if isinstance(sigs, list):
        return [types.parse_signature(s) for s in sigs]
    return [types.parse_signature(sigs)]


def _compile_explicit(dispatcher, sigs):
    from . import _api
    if not isinstance(dispatcher, _swiftjit.Dispatcher):
        return dispatcher  # SWIFTJIT_DISABLE_JIT: the plain function
    for sig in sigs:
        _api.compile_signature(dispatcher, sig)
    dispatcher._explicit_signatures = sigs
    dispatcher._set_explicit(True)
    return dispatcher


def jit(signature_or_function=None, **options):
    """Compiles a Python function to native code.

    Usable bare (``@jit``), with options (``@jit(nopython=True, nogil=True)``) or
    with explicit signatures (``@jit("float64(float64[:], int64)")``,
    ``@jit([sig1, sig2], nogil=True)``, ``@jit(types.float64(types.int64))``).

    Without signatures, each new combination of argument types compiles one
    specialization on the first call; later calls with the same types jump
    straight into the native code.

    With signatures, every signature is compiled at decoration time (typing
    errors are raised there), the declared return type is converted to, calls
    convert arguments to a compiled signature the way Numba does (bool -> int ->
    float -> complex, any array layout to ``A``), and arguments matching no
    signature raise ``TypeError`` listing the accepted ones; nothing new is compiled.
    Narrow scalars compute as 64-bit: ``int32`` arguments compile as int64,
    ``float32`` as float64 (array element types are kept).

    Options:
      nopython (bool): compile the whole function natively, or raise TypingError.
      cache (bool): keep compiled code on disk between processes (see swiftjit.cache).
      nogil (bool): release the GIL while the native code runs.
      parallel (bool): run the outermost ``prange`` loop of a nest on a thread pool (all cores).
      fastmath (bool): allow LLVM to reassociate floating point arithmetic.
      boundscheck (bool): check array indices (default: SWIFTJIT_BOUNDSCHECK or off).
      forceobj (bool): compile in object mode directly (every value a Python object,
        every operation a CPython C API call; still compiled code).
      looplift (bool, default True): in object mode, run loops that type-check in
        nopython mode natively (compiled for the runtime types of their variables).
      error_model, inline, locals, debug: accepted for Numba compatibility and ignored.

    Without ``nopython=True``, a function that does not type-check in nopython mode
    is compiled in object mode, with a ``swiftjit.errors.FallbackWarning`` issued
    once (its message gives the reason); ``nopython=True`` (and ``njit``) raise
    ``swiftjit.errors.TypingError`` instead. See docs/USER_GUIDE.md, "Object mode".

    The returned Dispatcher has ``signatures``, ``overloads``, ``py_func``,
    ``inspect_types()``, ``inspect_llvm()``, ``inspect_asm()``, ``inspect_cfg()``,
    ``compile(sig)``, ``recompile()`` and ``stats``.
    """
    options = _check_options(options)
    if signature_or_function is None:
        return lambda func: _make_dispatcher(func, options)
    if callable(signature_or_function) and hasattr(signature_or_function, "__code__"):
        return _make_dispatcher(signature_or_function, options)
    sigs = _signature_list(signature_or_function)

    def decorate(func):
        return _compile_explicit(_make_dispatcher(func, options), sigs)
    return decorate


def njit(signature_or_function=None, **options):
    """``jit`` with ``nopython=True``: ``@njit``, ``@njit(**options)``, ``@njit("f8(f8)")``.

    See ``help(swiftjit.jit)`` for the options and signatures."""
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
