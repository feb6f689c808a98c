"""``cfunc`` (C callbacks) and ``vectorize`` (NumPy ufuncs), as in Numba.

Both compile the function for scalar signatures, then generate a small native
adapter in LLVM (``Sources/SwiftJIT/Backend/Adapters.swift``) that calls the
compiled native entry: a C-ABI function for ``cfunc``, an inner loop
``void loop(char **args, npy_intp const *dims, npy_intp const *steps, void *data)``
for each signature of ``vectorize``, registered with NumPy's
``PyUFunc_FromFuncAndData``.
"""
import ctypes

from . import _swiftjit, config, types
from .decorators import _check_options

_CTYPES = {
    "bool": ctypes.c_bool, "int8": ctypes.c_int8, "int16": ctypes.c_int16, "int32": ctypes.c_int32,
    "int64": ctypes.c_int64, "uint8": ctypes.c_uint8, "uint16": ctypes.c_uint16, "uint32": ctypes.c_uint32,
    "uint64": ctypes.c_uint64, "float32": ctypes.c_float, "float64": ctypes.c_double,
}


def _new_dispatcher(func, options):
    """A Dispatcher even under SWIFTJIT_DISABLE_JIT (a C callback or a ufunc needs native code)."""
    options = _check_options(options)
    boundscheck = options["boundscheck"]
    if boundscheck is None:
        boundscheck = config.BOUNDSCHECK
    return _swiftjit.new_dispatcher(func, bool(options["fastmath"]), bool(boundscheck), bool(options["nogil"]),
                                    config.OPT, None, None)


def _c_dtype(t, what):
    t = types._as_type(t)
    if isinstance(t, (types.Integer, types.Float, types.Boolean)):
        return t.name
    raise TypeError(f"{what} of type {t} is not supported here (supported: bool, int8-64, uint8-64, float32, float64)")


def _compile(dispatcher, sig):
    from ._api import _compiler_names
    args, ret = _compiler_names(sig)
    return dispatcher._compile(args, ret)


class CFunc:
    """A compiled C callback: ``address`` (int), ``ctypes`` (a ctypes function), callable from Python."""

    def __init__(self, func, sig, options):
        self.py_func = func
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func
        self.signature = sig
        self._dispatcher = _new_dispatcher(func, options)
        index = _compile(self._dispatcher, sig)
        arg_dtypes = [_c_dtype(a, "an argument") for a in sig.args]
        ret = sig.return_type
        ret_dtype = None if isinstance(ret, types.NoneType) else _c_dtype(ret, "a return value")
        self.address = self._dispatcher._cfunc(index, arg_dtypes, ret_dtype)
        restype = None if ret_dtype is None else _CTYPES[ret_dtype]
        self._ctypes_type = ctypes.CFUNCTYPE(restype, *(_CTYPES[d] for d in arg_dtypes))
        self.ctypes = self._ctypes_type(self.address)
        self.native_name = self._dispatcher._overload_info()[index][4]

    def __call__(self, *args):
        return self.ctypes(*args)

    @property
    def __swiftjit_dispatcher__(self):
        """Compiled code calls the cfunc's function through its dispatcher (for its own argument types)."""
        return self._dispatcher

    def inspect_llvm(self):
        return next(iter(self._dispatcher.inspect_llvm().values()))

    def inspect_types(self):
        return next(iter(self._dispatcher.inspect_types().values()))

    def __repr__(self):
        return f"<swiftjit.CFunc {self.__qualname__} {self.signature} at 0x{self.address:x}>"


def cfunc(sig, locals=None, cache=False, pipeline_class=None, **options):
    """Compiles a function into a C callback for ``sig`` (``"float64(float64, int32)"``).

    The result has ``.address`` (the C function pointer, as an int), ``.ctypes`` (a ctypes
    function for it) and can be called from Python. Arguments and results are C scalars
    (bool, int8-64, uint8-64, float32, float64; ``void`` returns nothing). An exception raised
    inside is printed through ``sys.unraisablehook`` and the result is 0 (Numba prints it too).
    """
    sig = types.parse_signature(sig)
    if sig.return_type is None:
        raise TypeError("cfunc needs a signature with a return type, e.g. 'float64(float64)'")
    if options.pop("nopython", True) is False:
        raise TypeError("cfunc supports nopython mode only")

    def decorate(func):
        return CFunc(func, sig, options)
    return decorate


# ---- vectorize ----

_PyUFunc_None, _PyUFunc_Zero, _PyUFunc_One, _PyUFunc_ReorderableNone = -1, 0, 1, -2
_keepalive = []
#: ufunc -> the Dispatcher of its kernel, so that compiled code can call the kernel.
_ufunc_dispatchers = {}
_from_func_and_data = None


def _ufunc_api():
    global _from_func_and_data
    if _from_func_and_data is None:
        import numpy as np
        try:
            from numpy._core import _multiarray_umath as umath
        except ImportError:  # NumPy 1.x
            from numpy.core import _multiarray_umath as umath
        get = ctypes.pythonapi.PyCapsule_GetPointer
        get.restype = ctypes.c_void_p
        get.argtypes = [ctypes.py_object, ctypes.c_char_p]
        table = ctypes.cast(get(umath._UFUNC_API, None), ctypes.POINTER(ctypes.c_void_p))
        proto = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
        _from_func_and_data = proto(table[1])
        del np
    return _from_func_and_data


def _identity(identity):
    if identity is None:
        return _PyUFunc_None
    if identity == "reorderable":
        return _PyUFunc_ReorderableNone
    if identity is False or identity is True:
        identity = int(identity)
    if identity in (0, 1):
        return int(identity)
    raise ValueError(f"identity must be None, 0, 1 or 'reorderable', not {identity!r}")


def _build_ufunc(name, doc, nin, loops, identity):
    """A numpy.ufunc from loops [(address, [dtype names of inputs and output])]."""
    import numpy as np
    n = len(loops)
    funcs = (ctypes.c_void_p * n)(*[address for address, _ in loops])
    data = (ctypes.c_void_p * n)()
    codes = (ctypes.c_char * (n * (nin + 1)))(*[bytes([np.dtype(d).num]) for _, ds in loops for d in ds])
    name_b = name.encode()
    doc_b = (doc or "").encode()
    ufunc = _ufunc_api()(ctypes.addressof(funcs), ctypes.addressof(data), ctypes.cast(codes, ctypes.c_char_p),
                         n, nin, 1, _identity(identity), name_b, doc_b, 0)
    # NumPy keeps these pointers: they must live as long as the ufunc.
    _keepalive.append((funcs, data, codes, name_b, doc_b))
    return ufunc


def _scalar_dtype_of_return(compiler_name):
    return {"int64": "int64", "float64": "float64", "bool": "bool"}.get(compiler_name)


class DUFunc:
    """A ufunc compiled lazily for the dtypes it is called with (``@vectorize`` without signatures).

    Each new combination of input dtypes compiles a kernel and rebuilds the underlying
    numpy.ufunc (``.ufunc``); ``reduce``, ``accumulate``, ``outer``, ``at`` work on the
    loops compiled so far."""

    def __init__(self, func, identity, options, parallel=False):
        import inspect
        self._parallel = parallel
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self.nin = len(inspect.signature(func).parameters)
        self.nout = 1
        self._identity = identity
        self._dispatcher = _new_dispatcher(func, options)
        self._loops = []
        self._keys = set()
        self.ufunc = None

    @property
    def __swiftjit_dispatcher__(self):
        """Compiled code calls the kernel on scalars through its dispatcher."""
        return self._dispatcher

    def _add(self, in_dtypes):
        key = tuple(in_dtypes)
        if key in self._keys:
            return
        scalar = [types._DTYPES[d].compiler_name for d in in_dtypes]
        index = self._dispatcher._compile(scalar, None)
        ret = self._dispatcher._overload_info()[index][1]
        out = _scalar_dtype_of_return(str(ret))
        if out is None:
            raise TypeError(f"vectorize: {self.__name__} returns {ret}; a ufunc kernel must return a bool, int or float")
        address = self._dispatcher._ufunc_loop(index, list(in_dtypes), out, self._parallel)
        self._loops.append((address, list(in_dtypes) + [out]))
        self._keys.add(key)
        self.ufunc = _build_ufunc(self.__name__, self.__doc__, self.nin, self._loops, self._identity)

    def __call__(self, *args, **kwargs):
        import numpy as np
        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} arguments ({len(args)} given)")
        dtypes = []
        for a in args:
            d = np.asarray(a).dtype
            if d.name not in types._DTYPES:
                raise TypeError(f"{self.__name__}(): inputs of dtype {d} are not supported")
            dtypes.append(d.name)
        self._add(dtypes)
        return self.ufunc(*args, **kwargs)

    def __getattr__(self, name):
        if name in ("reduce", "accumulate", "reduceat", "outer", "at", "types", "ntypes", "identity", "signature"):
            if self.ufunc is None:
                raise AttributeError(f"{self.__name__}.{name}: call the function once first (no loop compiled yet)")
            return getattr(self.ufunc, name)
        raise AttributeError(name)


def vectorize(ftylist_or_function=(), identity=None, nopython=True, target="cpu", cache=False, **options):
    """Builds a NumPy ufunc from a scalar function, as ``numba.vectorize``.

    ``@vectorize(["float64(float64, float64)", "int64(int64, int64)"])`` compiles each
    signature now and returns a real ``numpy.ufunc`` (broadcasting, ``out=``, ``dtype=``,
    ``.reduce``, ``.accumulate``, ``.outer`` all come from NumPy). ``identity`` may be
    None, 0, 1 or "reorderable". Bare ``@vectorize`` returns a DUFunc that compiles
    for the dtypes of each call. ``target="cpu"`` runs the loop in the calling thread;
    ``target="parallel"`` splits each loop call's elements over the thread pool of
    ``parallel=True`` (calls of fewer than 4096 elements run in the calling thread);
    other targets raise NotImplementedError. Scalars are the
    compiler's (int64/float64/bool): an int32 loop reads int32 and computes in int64.
    An exception raised in the kernel stops the loop and propagates from the ufunc call.
    """
    parallel = _check_target(target, "vectorize")
    if callable(ftylist_or_function) and hasattr(ftylist_or_function, "__code__"):
        return DUFunc(ftylist_or_function, identity, options, parallel)
    sigs = ftylist_or_function
    if isinstance(sigs, (str, types.Signature)):
        sigs = [sigs]
    sigs = [types.parse_signature(s) for s in sigs]
    if not sigs:
        return lambda func: DUFunc(func, identity, options, parallel)
    for s in sigs:
        if s.return_type is None:
            raise TypeError(f"vectorize signatures need a return type: {s}")

    def decorate(func):
        dispatcher = _new_dispatcher(func, options)
        nin = len(sigs[0].args)
        loops = []
        for s in sigs:
            if len(s.args) != nin:
                raise TypeError("all vectorize signatures must have the same number of inputs")
            index = _compile(dispatcher, s)
            ins = [_c_dtype(a, "a ufunc input") for a in s.args]
            out = _c_dtype(s.return_type, "a ufunc output")
            loops.append((dispatcher._ufunc_loop(index, ins, out, parallel), ins + [out]))
        ufunc = _build_ufunc(func.__name__, func.__doc__, nin, loops, identity)
        _keepalive.append(dispatcher)
        _ufunc_dispatchers[ufunc] = dispatcher
        return ufunc
    return decorate


def _check_target(target, what):
    """True for target="parallel", False for "cpu"; anything else is not supported."""
    if target not in ("cpu", "parallel"):
        raise NotImplementedError(f"{what} target {target!r} is not supported (only 'cpu' and 'parallel')")
    return target == "parallel"


# ---- guvectorize ----

def _parse_layout(layout):
    """``"(m,n),(n)->(m)"`` -> ([("m", "n"), ("n",)], [("m",)])."""
    if not isinstance(layout, str):
        raise TypeError(f"guvectorize needs a layout string such as '(n),(n)->()', not {layout!r}")
    text = "".join(layout.split())
    if text.count("->") != 1:
        raise ValueError(f"bad gufunc layout {layout!r}: expected inputs '->' outputs, e.g. '(n),(n)->()'")

    def groups(part):
        if not (part.startswith("(") and part.endswith(")")):
            raise ValueError(f"bad gufunc layout {layout!r}: each operand is written (dims), e.g. '(n)' or '()'")
        out = []
        for g in part[1:-1].split("),("):
            names = tuple(g.split(",")) if g else ()
            for name in names:
                if not name.isidentifier():
                    raise ValueError(f"bad gufunc layout {layout!r}: dimension {name!r} is not a name")
            out.append(names)
        return out
    ins, outs = text.split("->")
    inputs, outputs = groups(ins), groups(outs)
    if not outputs:
        raise ValueError(f"bad gufunc layout {layout!r}: no output")
    return inputs, outputs


def _core_dim_indices(operands):
    """NumPy numbers the core dimensions in order of first appearance in the layout."""
    order = {}
    for op in operands:
        for name in op:
            order.setdefault(name, len(order))
    return [" ".join(str(order[n]) for n in op) for op in operands]


def _gufunc_signature_args(sig, operands, layout):
    if sig.return_type is not None and not isinstance(sig.return_type, types.NoneType):
        raise TypeError(f"guvectorize signatures return void (results are written to the output arguments): {sig}")
    if len(sig.args) != len(operands):
        raise TypeError(f"the signature {sig} has {len(sig.args)} arguments; the layout {layout!r} has "
                        f"{len(operands)} operands")
    out = []
    for k, (a, core) in enumerate(zip(sig.args, operands)):
        t = types._as_type(a)
        if core and not isinstance(t, types.Array):
            raise TypeError(f"argument {k + 1} of {sig} is the scalar {t}, but the layout {layout!r} gives it "
                            f"{len(core)} core dimension(s): declare it as an array")
        if isinstance(t, types.Array) and t.ndim < len(core):
            raise TypeError(f"argument {k + 1} of {sig} has {t.ndim} dimension(s), fewer than its "
                            f"{len(core)} core dimension(s) in {layout!r}")
        if isinstance(t, types.Array):
            # The loop hands the kernel strided views of NumPy's operands: any layout.
            out.append(types.Array(t.dtype, t.ndim, "A"))
        elif isinstance(t, (types.Integer, types.Float, types.Boolean)):
            out.append(t)
        else:
            raise TypeError(f"guvectorize arguments are arrays or scalars of bool, int, uint or float; not {t}")
    return types.Signature(None, tuple(out))


def _build_gufunc(name, doc, nin, nout, loops, layout):
    """A generalized numpy.ufunc from loops [(address, [dtype names of operands])]."""
    import numpy as np
    _ufunc_api()
    get = ctypes.pythonapi.PyCapsule_GetPointer
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath
    table = ctypes.cast(get(umath._UFUNC_API, None), ctypes.POINTER(ctypes.c_void_p))
    proto = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                              ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                              ctypes.c_char_p)
    make = proto(table[31])  # PyUFunc_FromFuncAndDataAndSignature
    n = len(loops)
    funcs = (ctypes.c_void_p * n)(*[address for address, _ in loops])
    data = (ctypes.c_void_p * n)()
    codes = (ctypes.c_char * (n * (nin + nout)))(*[bytes([np.dtype(d).num]) for _, ds in loops for d in ds])
    name_b, doc_b, sig_b = name.encode(), (doc or "").encode(), layout.encode()
    ufunc = make(ctypes.addressof(funcs), ctypes.addressof(data), ctypes.cast(codes, ctypes.c_char_p),
                 n, nin, nout, _PyUFunc_None, name_b, doc_b, 0, sig_b)
    _keepalive.append((funcs, data, codes, name_b, doc_b, sig_b))
    return ufunc


class GUFunc:
    """A generalized ufunc compiled lazily for the dtypes it is called with
    (``@guvectorize(layout)`` without type signatures).

    Each new combination of operand dtypes compiles the kernel (arrays of any layout with
    as many dimensions as their core dimensions; scalars for operands without core
    dimensions) and rebuilds the numpy.ufunc (``.ufunc``). Outputs not passed are made by
    NumPy with the dtype of the inputs' common type."""

    def __init__(self, func, layout, options, parallel):
        self.py_func = func
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func
        self.layout = layout
        self._inputs, self._outputs = _parse_layout(layout)
        self.nin, self.nout = len(self._inputs), len(self._outputs)
        self._parallel = parallel
        self._dispatcher = _new_dispatcher(func, options)
        self._loops = []
        self._keys = set()
        self.ufunc = None

    def _add(self, dtypes):
        key = tuple(dtypes)
        if key in self._keys:
            return
        operands = self._inputs + self._outputs
        # Inputs without core dimensions are scalars; outputs are always arrays
        # (a 1-element array for '()'), as in Numba.
        args = []
        for i, (d, core) in enumerate(zip(dtypes, operands)):
            t = types._DTYPES[d]
            args.append(t if i < self.nin and not core else types.Array(t, max(len(core), 1), "A"))
        sig = types.Signature(None, tuple(args))
        index = _compile(self._dispatcher, sig)
        address = self._dispatcher._gufunc_loop(index, list(dtypes), _core_dim_indices(operands), self._parallel)
        self._loops.append((address, list(dtypes)))
        self._keys.add(key)
        self.ufunc = _build_gufunc(self.__name__, self.__doc__, self.nin, self.nout, self._loops, self.layout)

    def __call__(self, *args, **kwargs):
        import numpy as np
        if len(args) not in (self.nin, self.nin + self.nout):
            raise TypeError(f"{self.__name__}() takes {self.nin} inputs (and optionally {self.nout} outputs), "
                            f"{len(args)} given")
        outs = list(args[self.nin:])
        out_kw = kwargs.get("out")
        if out_kw is not None:
            outs = list(out_kw) if isinstance(out_kw, tuple) else [out_kw]
        dtypes = []
        for a in args[:self.nin]:
            dtypes.append(np.asarray(a).dtype)
        common = np.result_type(*dtypes) if dtypes else np.dtype("float64")
        dtypes += [np.asarray(o).dtype for o in outs] if outs else [common] * self.nout
        names = []
        for d in dtypes:
            if d.name not in types._DTYPES:
                raise TypeError(f"{self.__name__}(): operands of dtype {d} are not supported")
            names.append(d.name)
        self._add(names)
        return self.ufunc(*args, **kwargs)

    def __getattr__(self, name):
        if name in ("types", "ntypes", "signature", "nargs", "identity"):
            if self.ufunc is None:
                raise AttributeError(f"{self.__name__}.{name}: call the function once first (no loop compiled yet)")
            return getattr(self.ufunc, name)
        raise AttributeError(name)


def guvectorize(*args, target="cpu", identity=None, nopython=True, cache=False, writable_args=(), **options):
    """Builds a generalized NumPy ufunc from a kernel that writes its results into output
    arguments, as ``numba.guvectorize``.

    ``@guvectorize(["void(float64[:], float64[:], float64[:])"], "(n),(n)->()")`` compiles
    each signature now and returns a real ``numpy.ufunc`` with that layout (made through
    ``PyUFunc_FromFuncAndDataAndSignature``): NumPy broadcasts the loop dimensions, checks
    the core dimensions, makes outputs that are not passed, and accepts ``out=``. Signatures
    may also be tuples of argument types without ``void(...)``. The kernel gets arrays
    (strided views of the operands over their core dimensions) and, for inputs without core
    dimensions declared as scalars, the element itself; an output ``()`` is a 1-element
    array. ``@guvectorize("(n),(n)->()")`` alone compiles for the dtypes of each call.
    ``target="parallel"`` splits the loop dimension over the thread pool.
    """
    if nopython is False:
        raise TypeError("guvectorize supports nopython mode only")
    if writable_args:
        raise NotImplementedError("guvectorize(writable_args=...) is not supported")
    parallel = _check_target(target, "guvectorize")
    if len(args) == 1 and isinstance(args[0], str):
        layout = args[0]
        _parse_layout(layout)
        return lambda func: GUFunc(func, layout, options, parallel)
    if len(args) != 2:
        raise TypeError("guvectorize(signatures, layout) or guvectorize(layout), e.g. "
                        "guvectorize(['void(float64[:], float64[:])'], '(n)->()')")
    sigs, layout = args
    if callable(sigs):
        raise TypeError("guvectorize needs a layout, e.g. @guvectorize(['void(float64[:], float64[:])'], '(n)->()')")
    inputs, outputs = _parse_layout(layout)
    operands = inputs + outputs
    if isinstance(sigs, (str, types.Signature)):
        sigs = [sigs]
    sigs = [_gufunc_signature_args(types.parse_signature(s), operands, layout) for s in sigs]
    if not sigs:
        raise TypeError("guvectorize needs at least one signature")
    core_dims = _core_dim_indices(operands)

    def decorate(func):
        dispatcher = _new_dispatcher(func, options)
        loops = []
        for s in sigs:
            index = _compile(dispatcher, s)
            dtypes = []
            for a in s.args:
                t = a.dtype if isinstance(a, types.Array) else a
                dtypes.append(_c_dtype(t, "a gufunc operand"))
            loops.append((dispatcher._gufunc_loop(index, dtypes, core_dims, parallel), dtypes))
        ufunc = _build_gufunc(func.__name__, func.__doc__, len(inputs), len(outputs), loops, layout)
        _keepalive.append(dispatcher)
        return ufunc
    return decorate
