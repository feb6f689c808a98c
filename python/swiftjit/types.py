"""Type objects of nopython mode, with Numba's names (``swiftjit.types`` ~ ``numba.types``).

Scalars: ``int8 .. int64``, ``uint8 .. uint64``, ``intp``, ``float32``, ``float64``,
``complex64``, ``complex128``, ``boolean`` (``bool_``), ``void``/``none``.
Arrays: ``float64[:]`` (any layout), ``float64[::1]`` and ``float64[:, ::1]`` (C),
``float64[::1, :]`` (F), ``Array(float64, 2, "C", readonly=True)``.
Tuples: ``UniTuple(int64, 3)``, ``Tuple((int64, float64))``.
Signatures: ``float64(float64[:], int64)`` or the string ``"float64(float64[:], int64)"``
(Numba's short names ``f8``, ``i8``, ``b1``, ``c16`` ... are understood too).

Every type has ``name`` (how Numba prints it) and ``compiler_name`` (the type the
compiler computes with, as in ``Dispatcher.signatures``). The compiler computes every
integer scalar as int64 and float32 as float64 (as Numba promotes arithmetic to
intp/float64), so ``int32`` scalar arguments compile as ``int64``; array element
types (``int32[:]``) are kept exactly.
"""

__all__ = [
    "Type", "Number", "Integer", "Float", "Complex", "Boolean", "NoneType", "Array", "BaseTuple",
    "UniTuple", "Tuple", "Optional", "ListType", "DictType", "Signature", "from_name", "parse_signature",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp", "intc",
    "uintc", "float32", "float64", "double", "complex64", "complex128", "boolean", "bool_", "b1",
    "void", "none", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8", "c8", "c16",
    "byte", "float_", "int_",
]


class Type:
    """A nopython type. ``name`` is Numba's spelling, ``compiler_name`` the compiler's."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    @property
    def compiler_name(self):
        return self.name

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, Type):
            return self.name == other.name
        return NotImplemented

    def __hash__(self):
        return hash(("swiftjit.Type", self.name))

    def __call__(self, *args):
        """``float64(int64, float64[:])``: a signature returning this type.

        A number type called with a value casts it, as in Numba: ``float32(1)`` is
        ``numpy.float32(1.0)``; in compiled code ``float64(x)`` is ``float(x)``,
        any integer type ``int(x)``, ``boolean(x)`` ``bool(x)``."""
        if len(args) == 1 and _is_value(args[0]) and isinstance(self, (Number, Boolean)):
            import numpy as np
            return getattr(np, "bool_" if isinstance(self, Boolean) else self.name)(args[0])
        if len(args) == 1 and isinstance(args[0], (tuple, list)):
            args = tuple(args[0])
        return Signature(self, tuple(_as_type(a) for a in args))

    def __getitem__(self, spec):
        """``float64[:]``, ``float64[:, ::1]``: an array of this type."""
        return _array_from_slices(self, spec)


class Number(Type):
    __slots__ = ("_compiler",)

    def __init__(self, name, compiler):
        super().__init__(name)
        self._compiler = compiler

    @property
    def compiler_name(self):
        return self._compiler


def _is_value(v):
    if isinstance(v, (bool, int, float, complex)):
        return True
    return type(v).__module__ == "numpy" and not isinstance(v, type) and hasattr(v, "dtype") and v.shape == ()


class Integer(Number):
    __slots__ = ("bitwidth", "signed")
    #: What the type means when called in compiled code.
    __swiftjit_builtin__ = "int"

    def __init__(self, name, bitwidth, signed):
        super().__init__(name, "int64")
        self.bitwidth = bitwidth
        self.signed = signed


class Float(Number):
    __slots__ = ("bitwidth",)
    __swiftjit_builtin__ = "float"

    def __init__(self, name, bitwidth):
        super().__init__(name, "float64")
        self.bitwidth = bitwidth


class Complex(Number):
    __slots__ = ("bitwidth",)
    __swiftjit_builtin__ = "complex"

    def __init__(self, name, bitwidth):
        super().__init__(name, "complex128")
        self.bitwidth = bitwidth


class Boolean(Type):
    __slots__ = ()
    __swiftjit_builtin__ = "bool"

    @property
    def compiler_name(self):
        return "bool"


class NoneType(Type):
    __slots__ = ()

    @property
    def compiler_name(self):
        return "none"


int8 = Integer("int8", 8, True)
int16 = Integer("int16", 16, True)
int32 = Integer("int32", 32, True)
int64 = Integer("int64", 64, True)
uint8 = Integer("uint8", 8, False)
uint16 = Integer("uint16", 16, False)
uint32 = Integer("uint32", 32, False)
uint64 = Integer("uint64", 64, False)
float32 = Float("float32", 32)
float64 = Float("float64", 64)
complex64 = Complex("complex64", 64)
complex128 = Complex("complex128", 128)
boolean = Boolean("bool")
none = NoneType("none")
void = none

intp = int64
uintp = uint64
intc = int32
uintc = uint32
int_ = int64
byte = uint8
double = float64
float_ = float64
bool_ = b1 = boolean
i1, i2, i4, i8 = int8, int16, int32, int64
u1, u2, u4, u8 = uint8, uint16, uint32, uint64
f4, f8 = float32, float64
c8, c16 = complex64, complex128

#: Array element types the compiler supports (NumPy dtype names).
_DTYPES = {t.name: t for t in (boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64)}


class Array(Type):
    """``Array(dtype, ndim, layout, readonly=False)``; layout "C", "F" or "A" (any)."""

    __slots__ = ("dtype", "ndim", "layout", "readonly")

    def __init__(self, dtype, ndim, layout="A", readonly=False):
        dtype = _as_type(dtype)
        if dtype.name not in _DTYPES:
            raise TypeError(f"arrays of {dtype} are not supported in nopython mode "
                            f"(supported dtypes: {', '.join(_DTYPES)})")
        if layout not in ("C", "F", "A"):
            raise ValueError(f"array layout must be 'C', 'F' or 'A', not {layout!r}")
        if not isinstance(ndim, int) or ndim < 0:
            raise ValueError(f"bad number of dimensions {ndim!r}")
        self.dtype, self.ndim, self.layout, self.readonly = dtype, ndim, layout, bool(readonly)
        super().__init__(f"array({dtype.name}, {ndim}d, {layout}{', readonly' if readonly else ''})")

    def copy(self, dtype=None, ndim=None, layout=None, readonly=None):
        return Array(dtype or self.dtype, self.ndim if ndim is None else ndim, layout or self.layout,
                     self.readonly if readonly is None else readonly)


def _array_from_slices(dtype, spec):
    if not isinstance(spec, tuple):
        spec = (spec,)
    layout = "A"
    for i, s in enumerate(spec):
        if not isinstance(s, slice) or s.start is not None or s.stop is not None or s.step not in (None, 1):
            raise TypeError(f"array type subscripts must be ':' or '::1', got {s!r}")
        if s.step == 1:
            if i == len(spec) - 1 and layout == "A":
                layout = "C"
            elif i == 0 and layout == "A":
                layout = "F"
            else:
                raise TypeError("'::1' may only mark the first (F) or the last (C) dimension")
    if len(spec) == 1 and layout == "F":
        layout = "C"
    return Array(dtype, len(spec), layout)


class BaseTuple(Type):
    __slots__ = ("types",)

    def __init__(self, types):
        self.types = tuple(_as_type(t) for t in types)
        super().__init__(self._make_name())

    def _make_name(self):
        return "tuple(" + ", ".join(t.name for t in self.types) + ")"

    @property
    def compiler_name(self):
        return "tuple(" + ", ".join(t.compiler_name for t in self.types) + ")"

    def __len__(self):
        return len(self.types)

    def __iter__(self):
        return iter(self.types)

    @property
    def count(self):
        return len(self.types)


class Tuple(BaseTuple):
    """A heterogeneous tuple: ``Tuple((int64, float64))``."""
    __slots__ = ()

    def __new__(cls, types):
        types = tuple(types)
        if types and all(_as_type(t) == _as_type(types[0]) for t in types):
            return UniTuple(types[0], len(types))
        return super().__new__(cls)

    def __init__(self, types):
        super().__init__(tuple(types))


class UniTuple(BaseTuple):
    """A homogeneous tuple: ``UniTuple(int64, 3)``."""
    __slots__ = ("dtype",)

    def __init__(self, dtype, count):
        self.dtype = _as_type(dtype)
        super().__init__((self.dtype,) * count)


class Optional(Type):
    """A value that may be None: ``Optional(int64)``."""
    __slots__ = ("type",)

    def __init__(self, typ):
        self.type = _as_type(typ)
        super().__init__(f"optional({self.type.name})")

    @property
    def compiler_name(self):
        return f"optional({self.type.compiler_name})"


class ListType(Type):
    """``ListType(item_type)``: the type of a ``swiftjit.typed.List`` (an item type of nested typed lists)."""

    __slots__ = ("item_type",)

    def __init__(self, item_type):
        self.item_type = _as_type(item_type)
        super().__init__(f"ListType[{self.item_type}]")

    @property
    def compiler_name(self):
        return f"list({self.item_type.compiler_name})"


class DictType(Type):
    """``DictType(key_type, value_type)``: the type of a ``swiftjit.typed.Dict``."""

    __slots__ = ("key_type", "value_type")

    def __init__(self, key_type, value_type):
        self.key_type, self.value_type = _as_type(key_type), _as_type(value_type)
        super().__init__(f"DictType[{self.key_type},{self.value_type}]")

    @property
    def compiler_name(self):
        return f"dict({self.key_type.compiler_name}, {self.value_type.compiler_name})"


class Signature:
    """``return_type(args...)``; ``return_type`` is None when only argument types were given."""

    __slots__ = ("return_type", "args")

    def __init__(self, return_type, args):
        self.return_type = return_type
        self.args = tuple(args)

    def __repr__(self):
        args = ", ".join(str(a) for a in self.args)
        return f"({args})" if self.return_type is None else f"{self.return_type}({args})"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Signature) and (self.return_type, self.args) == (other.return_type, other.args)

    def __hash__(self):
        return hash((self.return_type, self.args))


_by_name = {}


def _as_type(t):
    """A Type from a Type, a NumPy dtype or scalar class, or a type name."""
    if isinstance(t, Type):
        return t
    if isinstance(t, str):
        return parse_type(t)
    if t is bool:
        return boolean
    if t is int:
        return int64
    if t is float:
        return float64
    if t is complex:
        return complex128
    if t is str:
        return unicode_type
    try:
        import numpy as np
        name = np.dtype(t).name
    except Exception:
        raise TypeError(f"not a nopython type: {t!r}") from None
    found = _NAMESPACE.get(name)
    if not isinstance(found, Type):
        raise TypeError(f"NumPy dtype {name} has no nopython type")
    return found


def from_name(name):
    """The type object for a type name printed by the compiler (``int64``, ``array(float64, 1d, C)``)."""
    t = _by_name.get(name)
    if t is None:
        t = _by_name[name] = Type(name)
    return t


for _t in (int64, float64, complex128, none):
    _by_name[_t.name] = _t
_by_name["bool"] = boolean

_NAMESPACE = {name: value for name, value in globals().items()
              if isinstance(value, Type)}
_NAMESPACE.update({"Array": Array, "UniTuple": UniTuple, "Tuple": Tuple, "Optional": Optional,
                   "ListType": ListType, "DictType": DictType,
                   "complex": complex128, "float": float64, "int": int64, "bool": boolean})


def parse_type(text):
    """A type from its Numba spelling: ``"float64[:, ::1]"``, ``"UniTuple(int64, 2)"``."""
    value = _eval(text)
    if not isinstance(value, Type):
        raise TypeError(f"{text!r} is not a type")
    return value


def parse_signature(sig):
    """A Signature from a string (``"f8(f8[:], i8)"``, ``"(f8, i8)"``), a Signature, or a tuple of argument types."""
    if isinstance(sig, Signature):
        return sig
    if isinstance(sig, str):
        value = _eval(sig)
        if isinstance(value, Signature):
            return value
        if isinstance(value, tuple):
            return Signature(None, tuple(_as_type(t) for t in value))
        if isinstance(value, Type):
            return Signature(None, (value,))
        raise TypeError(f"{sig!r} is not a signature")
    if isinstance(sig, (tuple, list)):
        return Signature(None, tuple(_as_type(t) for t in sig))
    if isinstance(sig, Type):
        return Signature(None, (sig,))
    raise TypeError(f"not a signature: {sig!r} (use a string such as 'float64(int64)' or types.float64(types.int64))")


def _eval(text):
    try:
        return eval(text, {"__builtins__": {}}, _NAMESPACE)  # noqa: S307 - names are only types
    except TypeError:
        raise
    except Exception as e:
        raise TypeError(f"cannot parse the type or signature {text!r}: {e}") from None


def typeof(value):
    """The nopython type of a Python value, as the dispatcher types arguments."""
    if value is None:
        return none
    if isinstance(value, bool):
        return boolean
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise ValueError(f"{value} does not fit in int64")
        return int64
    if isinstance(value, float):
        return float64
    if isinstance(value, complex):
        return complex128
    if isinstance(value, tuple):
        return Tuple(tuple(typeof(v) for v in value)) if value else BaseTuple(())
    mod = type(value).__module__
    if mod == "numpy":
        import numpy as np
        if isinstance(value, np.ndarray):
            if value.dtype.name not in _DTYPES or not value.dtype.isnative:
                raise ValueError(f"arrays of dtype {value.dtype} are not supported in nopython mode")
            flags = value.flags
            layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "A"
            return Array(_DTYPES[value.dtype.name], value.ndim, layout, readonly=not flags.writeable)
        if isinstance(value, np.generic):
            t = _NAMESPACE.get(value.dtype.name)
            if isinstance(t, Type):
                return t
    from . import typed, _typed_specs
    if isinstance(value, (typed.List, typed.Dict)):
        spec = _typed_specs.spec_of_container(value)
        if spec is None:
            raise ValueError(f"an empty {type(value).__name__}() has no element types yet")
        return _type_of_spec(spec)
    raise ValueError(f"cannot type {type(value).__name__} values in nopython mode")


def _type_of_spec(spec):
    """The type object of a typed container's element spec (python/swiftjit/_typed_specs.py)."""
    k = spec[0]
    if k == "str":
        return unicode_type
    if k == "tuple":
        return Tuple(tuple(_type_of_spec(s) for s in spec[1])) if spec[1] else BaseTuple(())
    if k == "array":
        return Array(_DTYPES[spec[1]], spec[2], spec[3], readonly=spec[4])
    if k == "list":
        return ListType(_type_of_spec(spec[1]))
    if k == "dict":
        return DictType(_type_of_spec(spec[1]), _type_of_spec(spec[2]))
    return {"int64": int64, "float64": float64, "bool": boolean, "complex128": complex128}[k]


class _UnicodeType(Type):
    __slots__ = ()
    # In compiled code: a type argument of typed.List.empty_list / typed.Dict.empty.
    __swiftjit_builtin__ = "typed.type.str"


# str values (issue 11): Numba's name; the compiler calls it "str".
unicode_type = _UnicodeType("unicode_type")
_NAMESPACE["unicode_type"] = unicode_type
