"""Element types of ``swiftjit.typed`` containers held as Python objects (str, tuples, arrays,
nested containers, float/str/tuple keys): parsing, naming, typing values, unifying, and the
casts that keep a container's declared type true when Python stores into it.

A *spec* is a small tuple:

- ``("int64",)``, ``("float64",)``, ``("bool",)``, ``("complex128",)``, ``("str",)``
- ``("tuple", (spec, ...))``
- ``("array", dtype, ndim, layout, readonly)`` (layout "C", "F" or "A")
- ``("list", spec)``, ``("dict", key_spec, value_spec)``

``name(spec)`` is the compiler's spelling (what the dispatcher parses, once per class),
``display(spec)`` Numba's (``unicode_type``, ``Tuple(int64, unicode_type)``).
"""
import numbers as _numbers
import re as _re

_SCALARS = ("int64", "float64", "bool", "complex128", "str")
#: Element types the native list holds (typed.List of these is a _NativeList).
NATIVE_LIST_ITEMS = ("bool", "int64", "float64", "complex128")
NATIVE_DICT_KEYS = ("int64", "bool")
NATIVE_DICT_VALUES = ("int64", "float64", "bool")
_ALIASES = {"unicode_type": "str", "boolean": "bool", "bool_": "bool", "intp": "int64", "int_": "int64",
            "float_": "float64", "double": "float64"}
_ARRAY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64")
_TOKEN = _re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|\d+d|[(),])")


def parse(text):
    """The spec of a compiler type name (``"tuple(int64, str)"``, ``"array(float64, 1d, C)"``)."""
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text.replace(" ", ""):
        raise TypeError(f"cannot parse the type name {text!r}")
    pos = [0]

    def take(expected=None):
        if pos[0] >= len(tokens):
            raise TypeError(f"cannot parse the type name {text!r}")
        t = tokens[pos[0]]
        if expected is not None and t != expected:
            raise TypeError(f"cannot parse the type name {text!r} (expected {expected!r})")
        pos[0] += 1
        return t

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def one():
        w = take()
        w = _ALIASES.get(w, w)
        if w in _SCALARS:
            return (w,)
        take("(")
        if w == "tuple":
            items = []
            if peek() != ")":
                items.append(one())
                while peek() == ",":
                    take()
                    items.append(one())
            take(")")
            return ("tuple", tuple(items))
        if w == "list":
            s = one()
            take(")")
            return ("list", s)
        if w == "dict":
            k = one()
            take(",")
            v = one()
            take(")")
            return ("dict", k, v)
        if w == "array":
            dtype = take()
            dtype = _ALIASES.get(dtype, dtype)
            take(",")
            nd = take()
            take(",")
            layout = take()
            readonly = False
            if peek() == ",":
                take()
                readonly = take("readonly") == "readonly"
            take(")")
            if not nd.endswith("d") or layout not in ("C", "F", "A") or dtype not in _ARRAY_DTYPES:
                raise TypeError(f"cannot parse the array type {text!r}")
            return ("array", dtype, int(nd[:-1]), layout, readonly)
        raise TypeError(f"{w!r} is not a type typed containers can hold "
                        "(int64, float64, bool, complex128, unicode_type, tuples, arrays, lists, dicts)")

    spec = one()
    if pos[0] != len(tokens):
        raise TypeError(f"cannot parse the type name {text!r}")
    return spec


def name(spec):
    """The compiler's spelling of `spec`."""
    k = spec[0]
    if k == "tuple":
        return "tuple(" + ", ".join(name(s) for s in spec[1]) + ")"
    if k == "array":
        return f"array({spec[1]}, {spec[2]}d, {spec[3]}{', readonly' if spec[4] else ''})"
    if k == "list":
        return f"list({name(spec[1])})"
    if k == "dict":
        return f"dict({name(spec[1])}, {name(spec[2])})"
    return k


def native_descriptor(spec):
    """The descriptor nativelist.c's boundary conversions walk for `spec` (Swift's
    `JITType.nativeListDescriptor`): "n<kind>" a list of numbers, "l<item>", "m<key><value>",
    "t<count>;<items>", "o" anything else."""
    k = spec[0]
    if k == "list" and len(spec[1]) == 1 and spec[1][0] in NATIVE_LIST_ITEMS:
        return f"n{NATIVE_LIST_ITEMS.index(spec[1][0])}"
    if k == "list":
        return "l" + native_descriptor(spec[1])
    if k == "dict":
        return "m" + native_descriptor(spec[1]) + native_descriptor(spec[2])
    if k == "tuple":
        return f"t{len(spec[1])};" + "".join(native_descriptor(s) for s in spec[1])
    return "o"


def native_dict_descriptor(spec):
    """The descriptor nativedict.c's walk follows for `spec` (Swift's
    `JITType.nativeDictDescriptor`): "N<value kind><key is bool>" a dict held natively,
    "L<item>", "D<key><value>", "T<count>:<items>", "x" anything else."""
    k = spec[0]
    if k == "dict" and len(spec[1]) == 1 and len(spec[2]) == 1 and spec[1][0] in NATIVE_DICT_KEYS \
            and spec[2][0] in NATIVE_DICT_VALUES:
        return f"N{NATIVE_DICT_VALUES.index(spec[2][0])}{1 if spec[1][0] == 'bool' else 0}"
    if k == "list":
        return "L" + native_dict_descriptor(spec[1])
    if k == "dict":
        return "D" + native_dict_descriptor(spec[1]) + native_dict_descriptor(spec[2])
    if k == "tuple":
        return f"T{len(spec[1])}:" + "".join(native_dict_descriptor(s) for s in spec[1])
    return "x"


def display(spec):
    """Numba's spelling of `spec` (for repr and messages)."""
    k = spec[0]
    if k == "str":
        return "unicode_type"
    if k == "tuple":
        items = spec[1]
        if items and all(s == items[0] for s in items):
            return f"UniTuple({display(items[0])}, {len(items)})"
        return "Tuple(" + ", ".join(display(s) for s in items) + ")"
    if k == "array":
        return name(spec)
    if k == "list":
        return f"ListType[{display(spec[1])}]"
    if k == "dict":
        return f"DictType[{display(spec[1])},{display(spec[2])}]"
    return k


def _is_numpy(x, *names):
    t = type(x)
    return t.__module__ == "numpy" and t.__name__ in names


def of_value(x):
    """The spec of one value, as the dispatcher would type it (TypeError when it has none)."""
    from . import typed
    if isinstance(x, bool) or _is_numpy(x, "bool_", "bool"):
        return ("bool",)
    if isinstance(x, _numbers.Integral):
        v = int(x)
        if not -(1 << 63) <= v < (1 << 63):
            raise OverflowError(f"{v} does not fit in int64")
        return ("int64",)
    if isinstance(x, _numbers.Real):
        return ("float64",)
    if isinstance(x, _numbers.Complex):
        return ("complex128",)
    if isinstance(x, str):
        return ("str",)
    if isinstance(x, tuple):
        return ("tuple", tuple(of_value(v) for v in x))
    if _is_numpy(x, "ndarray"):
        if not x.dtype.isnative or x.dtype.name not in _ARRAY_DTYPES:
            raise TypeError(f"arrays of dtype {x.dtype} cannot be held by a typed container")
        f = x.flags
        layout = "C" if f.c_contiguous else "F" if f.f_contiguous else "A"
        return ("array", x.dtype.name, x.ndim, layout, not f.writeable)
    if isinstance(x, typed.List):
        s = spec_of_container(x)
        if s is None:
            raise TypeError("an empty List() has no item type: make it with List.empty_list(item_type)")
        return s
    if isinstance(x, typed.Dict):
        s = spec_of_container(x)
        if s is None:
            raise TypeError("an empty Dict() has no types: make it with Dict.empty(key_type, value_type)")
        return s
    if type(x) is list:
        if not x:
            raise TypeError("an empty list has no item type: use List.empty_list(item_type)")
        return ("list", unify_all(x))
    if type(x) is dict:
        if not x:
            raise TypeError("an empty dict has no types: use Dict.empty(key_type, value_type)")
        return ("dict", unify_all(x.keys()), unify_all(x.values()))
    raise TypeError(f"a typed container cannot hold a {type(x).__name__} "
                    "(numbers, str, tuples, arrays and typed Lists/Dicts can)")


def spec_of_container(x):
    """The spec of a typed.List/typed.Dict (None for an empty List()/Dict() with no types yet)."""
    cls_spec = getattr(type(x), "_spec", None)
    if cls_spec is not None:
        return cls_spec
    if hasattr(x, "_kind"):  # native list
        k = x._kind
        return None if k < 0 else ("list", (NATIVE_LIST_ITEMS[k],))
    t = x._types
    return None if t is None else ("dict", (t[0],), (t[1],))


def unify(a, b):
    """The element type of a container holding values of specs `a` and `b` (None: they do not mix)."""
    if a == b:
        return a
    ka, kb = a[0], b[0]
    ranks = {"int64": 1, "float64": 2, "complex128": 3}
    if ka in ranks and kb in ranks:
        return a if ranks[ka] > ranks[kb] else b
    if ka == kb == "tuple" and len(a[1]) == len(b[1]):
        items = tuple(unify(x, y) for x, y in zip(a[1], b[1]))
        return None if None in items else ("tuple", items)
    if ka == kb == "array" and a[1] == b[1] and a[2] == b[2]:
        return ("array", a[1], a[2], a[3] if a[3] == b[3] else "A", a[4] or b[4])
    return None


def unify_all(values):
    """The unified spec of `values` (at least one)."""
    u = None
    seen = None  # the exact type of the last value, when it is a plain scalar type already unified
    for v in values:
        t = type(v)
        if t is seen:
            continue  # str, float, bool, complex: same spec as before (ints: range checked by the casts)
        s = of_value(v)
        if t in _PLAIN_SCALARS:
            seen = t
        if u is None:
            u = s
            continue
        n = unify(u, s)
        if n is None:
            raise TypeError(f"the items mix {display(u)} and {display(s)}: a typed container holds one type "
                            "(use a tuple for values of mixed types)")
        u = n
    return u


_PLAIN_SCALARS = (str, int, float, bool, complex)


def exact_type(spec):
    """The Python type whose values are stored as they are for an element of `spec` (no cast
    needed), or None."""
    return {"str": str, "float64": float, "bool": bool, "complex128": complex}.get(spec[0])


class Refused(Exception):
    """A value that a container of a declared type cannot hold (made into a TypeError by the caller)."""


def caster(spec):
    """A function value -> the value to store for an element of type `spec` (cast as Numba casts:
    int -> float64, int/float -> complex128, bool -> int64; NumPy scalars to Python numbers), or
    raising Refused. Arrays and nested typed containers are stored as they are (never copied)."""
    k = spec[0]
    if k == "str":
        def cast(x):
            if type(x) is str:
                return x
            if isinstance(x, str):
                return str.__str__(x)
            raise Refused
        return cast
    if k == "int64":
        def cast(x):
            if type(x) is int:
                if -(1 << 63) <= x < (1 << 63):
                    return x
                raise OverflowError(f"{x} does not fit in int64")
            if isinstance(x, (bool, _numbers.Integral)) or _is_numpy(x, "bool_", "bool"):
                return cast(int(x))
            raise Refused
        return cast
    if k == "float64":
        def cast(x):
            if type(x) is float:
                return x
            if isinstance(x, (_numbers.Real, bool)) or _is_numpy(x, "bool_", "bool"):
                return float(x)
            raise Refused
        return cast
    if k == "complex128":
        def cast(x):
            if type(x) is complex:
                return x
            if isinstance(x, _numbers.Complex) or _is_numpy(x, "bool_", "bool"):
                return complex(x)
            raise Refused
        return cast
    if k == "bool":
        def cast(x):
            if x is True or x is False:
                return x
            if _is_numpy(x, "bool_", "bool"):
                return bool(x)
            raise Refused
        return cast
    if k == "tuple":
        items = [caster(s) for s in spec[1]]
        count = len(items)

        def cast(x):
            if not isinstance(x, tuple) or len(x) != count:
                raise Refused
            out = tuple(c(v) for c, v in zip(items, x))
            return x if type(x) is tuple and all(a is b for a, b in zip(out, x)) else out
        return cast
    if k == "array":
        _, dtype, ndim, layout, readonly = spec

        def cast(x):
            if not _is_numpy(x, "ndarray") or x.dtype.name != dtype or not x.dtype.isnative or x.ndim != ndim:
                raise Refused
            f = x.flags
            if (layout == "C" and not f.c_contiguous) or (layout == "F" and not f.f_contiguous) \
                    or (not readonly and not f.writeable) or not f.aligned:
                raise Refused
            return x
        return cast
    if k in ("list", "dict"):
        def cast(x):
            from . import typed
            # Typed containers of the type; also the plain native ones compiled code makes
            # from [] / {} and stores into typed containers of typed lists / dicts.
            if isinstance(x, (typed.List, typed.Dict, typed._NativeList, typed._NativeDict)) \
                    and spec_of_container(x) == spec:
                return x
            raise Refused
        return cast
    raise TypeError(f"typed containers cannot hold {display(spec)}")


def describe(x):
    """A short description of a refused value for messages."""
    r = repr(x)
    if len(r) > 40:
        r = r[:37] + "..."
    n = type(x).__name__
    return f"{'an' if n[:1] in 'aeiou' else 'a'} {n} ({r})"
