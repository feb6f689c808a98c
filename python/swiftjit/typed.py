"""``swiftjit.typed.List`` and ``swiftjit.typed.Dict``: containers with declared element
types that compiled code takes as they are.

Natively held (no conversion at all between Python and compiled code):

- ``List`` of ``bool``, ``int64`` (any integer type), ``float64`` (any float type) or
  ``complex128`` items: an instance of a subclass of the native list type
  (``swiftjit._swiftjit._NativeList``), whose items live unboxed in one buffer.
  Compiled code receives the object itself and reads its buffer (no copy in, no
  reflection out); a call costs the same for 10 or 10**6 items.
- ``Dict`` with ``int64``/``bool`` keys and ``int64``/``float64``/``bool`` values: a
  subclass of the native dict type (``_NativeDict``), the insertion-ordered table
  compiled code uses.

A typed container returned by compiled code comes back as the same object, and so do
copies and slices of it made there, as Numba does; lists and dicts made in compiled code
from ``[]``/``{}`` still come back as ``list``/``dict``.

Other element types (str, tuples, arrays, nested typed containers as items; float, str and
tuple keys; any value type): an instance of a ``list``/``dict`` subclass made once per
declared type (``ListType[unicode_type]``, ``DictType[unicode_type,int64]``; bases
``_ObjectList``/``_ObjectDict``). Compiled code holds such lists and dicts as Python
objects already, so it receives the object itself (no copy, no write-back) and returns it
as the same object. The dispatcher types it by its class alone (``_swiftjit_type``, parsed
once per class) and keys its fast path on that class: a call costs the same for 10 or
10**5 items. Because nobody looks at the items per call, every store made from Python is
checked: casts as Numba casts (int -> float64, bool -> int64, NumPy scalars, tuples item
by item; ``_typed_specs.caster``), TypeError otherwise. ``isinstance(x, List)`` and
``isinstance(x, Dict)`` hold for both representations.

From Python the native ones behave as Numba's typed containers: storing a value of
another type raises TypeError unless Numba casts it safely (an int into a float64 list,
a bool into an int64 one); a float into an int64 list is refused, as Numba refuses it.
"""
import numbers as _numbers

from . import types as _types
from . import _typed_specs as _specs
from ._swiftjit import _NativeList, _NativeDict

__all__ = ["List", "Dict"]

#: Native list kinds (nativelist.c) and native dict tags (nativedict.c) by compiler type name.
_LIST_KINDS = {"bool": 0, "int64": 1, "float64": 2, "complex128": 3}
_KIND_NAMES = {v: k for k, v in _LIST_KINDS.items()}
_KEY_TAGS = {"int64": 0, "bool": 1}
_VALUE_TAGS = {"int64": 0, "float64": 1, "bool": 2}


def _name(t):
    """The compiler's name of an element type: a swiftjit type, int/float/bool/str/complex, a tuple
    of those, or a name."""
    if isinstance(t, str):
        return t
    if isinstance(t, _types.Type):
        return t.compiler_name
    simple = {int: "int64", float: "float64", bool: "bool", str: "str", complex: "complex128"}
    if t in simple:
        return simple[t]
    if isinstance(t, tuple):  # (int64, str): a tuple type
        return "tuple(" + ", ".join(_name(x) for x in t) + ")"
    raise TypeError(f"{t!r} is not a type nopython containers can hold (use int64, float64, unicode_type, ...)")


def _kind_of_items(items):
    """The native list kind for `items` (unified as compiled code does: bool < int < float
    < complex), or None when they are not all numbers."""
    rank = -1
    for x in items:
        if isinstance(x, bool):
            r = 0
        elif isinstance(x, _numbers.Integral):  # int, NumPy integers
            r = 1
        elif isinstance(x, _numbers.Real):  # float, NumPy floats
            r = 2
        elif isinstance(x, complex):
            r = 3
        else:
            return None
        if rank >= 0 and (r == 0) != (rank == 0):
            return None  # bool and numbers do not mix (as in compiled code)
        rank = max(rank, r)
    return rank


class _TypedMeta(type):
    """``isinstance(x, List)`` is true for both representations of a typed list."""

    def __instancecheck__(cls, obj):
        return type.__instancecheck__(cls, obj) or isinstance(obj, cls._other)

    def __subclasscheck__(cls, sub):
        return type.__subclasscheck__(cls, sub) or issubclass(sub, cls._other)


def _refused(what, spec, value):
    return TypeError(f"typed {what} of {_specs.display(spec)} cannot hold {_specs.describe(value)}")


class _ObjectList(list):
    """A typed list of items the native list does not hold (str, tuples, arrays, nested typed
    containers): a ``list`` subclass, one class per item type (``_list_class``), which compiled
    code takes as it is (a list of boxed items, no copy, no write-back).

    The dispatcher types it by its class alone (``_swiftjit_type``, read once per class), so
    every store made from Python is checked here and cast where Numba casts (an int into a
    float64 item), refused with TypeError otherwise: compiled code never meets an item of
    another type."""

    __slots__ = ()
    _spec = None   # ("list", item spec), set on each generated class
    _cast = None   # staticmethod: value -> stored value, or raises _specs.Refused
    _exact = None  # the Python type stored without a cast (str for unicode_type items), or None

    def __new__(cls, iterable=None):
        if cls._spec is None:
            raise TypeError("make typed lists with swiftjit.typed.List(...) or List.empty_list(item_type)")
        self = list.__new__(cls)
        if iterable is not None:
            list.extend(self, self._checked(iterable))
        return self

    def __init__(self, *args, **kwargs):
        pass  # __new__ did the work

    @classmethod
    def _trusted(cls, items):
        """A new list of this class holding `items`, already of the item type."""
        self = list.__new__(cls)
        list.extend(self, items)
        return self

    def _item(self, v):
        if type(v) is self._exact:
            return v
        try:
            return self._cast(v)
        except _specs.Refused:
            raise _refused("List", self._spec[1], v) from None

    def _checked(self, values):
        cast, exact = self._cast, self._exact
        out = []
        for v in values:
            if type(v) is exact:
                out.append(v)
                continue
            try:
                out.append(cast(v))
            except _specs.Refused:
                raise _refused("List", self._spec[1], v) from None
        return out

    @property
    def item_type(self):
        """The item type's name (Numba's spelling: ``unicode_type``, ``UniTuple(int64, 2)``)."""
        return _specs.display(self._spec[1])

    def append(self, value):
        list.append(self, value if type(value) is self._exact else self._item(value))

    def insert(self, index, value):
        list.insert(self, index, self._item(value))

    def extend(self, iterable):
        list.extend(self, self._checked(iterable))

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            list.__setitem__(self, index, self._checked(value))
        else:
            list.__setitem__(self, index, self._item(value))

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __add__(self, other):
        if not isinstance(other, list):
            return NotImplemented
        out = self.copy()
        out.extend(other)
        return out

    def __mul__(self, n):
        return self._trusted(list.__mul__(self, n))

    __rmul__ = __mul__

    def __imul__(self, n):
        # In place (defining __mul__ would otherwise make `*=` rebind to a new list).
        return list.__imul__(self, n)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._trusted(list.__getitem__(self, index))
        return list.__getitem__(self, index)

    def copy(self):
        return self._trusted(self)

    def __repr__(self):
        return f"{_specs.display(self._spec)}({list.__repr__(self)})"

    def __str__(self):
        return list.__repr__(self)

    def __reduce__(self):
        return (_rebuild_object_list, (self._swiftjit_type, list(self)))


class _ObjectDict(dict):
    """A typed dict whose keys or values the native dict does not hold (float/str/tuple keys,
    str/tuple/array/container values): a ``dict`` subclass, one class per (key, value) type
    (``_dict_class``), taken by compiled code as it is. Stores made from Python are checked
    and cast as in ``_ObjectList``."""

    __slots__ = ()
    _spec = None       # ("dict", key spec, value spec)
    _cast_key = None   # staticmethods, as _ObjectList._cast
    _cast_value = None
    _exact_key = None  # as _ObjectList._exact
    _exact_value = None

    def __new__(cls, *args, **kwargs):
        if cls._spec is None:
            raise TypeError("make typed dicts with swiftjit.typed.Dict(...) or Dict.empty(key_type, value_type)")
        self = dict.__new__(cls)
        if args or kwargs:
            self.update(*args, **kwargs)
        return self

    def __init__(self, *args, **kwargs):
        pass  # __new__ did the work

    def _key(self, k):
        if type(k) is self._exact_key:
            return k
        try:
            return self._cast_key(k)
        except _specs.Refused:
            raise TypeError(f"typed Dict with {_specs.display(self._spec[1])} keys cannot take "
                            f"{_specs.describe(k)} key") from None

    def _value(self, v):
        if type(v) is self._exact_value:
            return v
        try:
            return self._cast_value(v)
        except _specs.Refused:
            raise TypeError(f"typed Dict with {_specs.display(self._spec[2])} values cannot take "
                            f"{_specs.describe(v)} value") from None

    def __setitem__(self, key, value):
        if type(key) is not self._exact_key:
            key = self._key(key)
        if type(value) is not self._exact_value:
            value = self._value(value)
        dict.__setitem__(self, key, value)

    def update(self, *args, **kwargs):
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        pairs = []
        if args:
            src = args[0]
            if isinstance(src, dict):
                pairs = list(src.items())
            elif hasattr(src, "keys"):
                pairs = [(k, src[k]) for k in src.keys()]
            else:
                for item in src:
                    k, v = item
                    pairs.append((k, v))
        pairs.extend(kwargs.items())
        # Check every pair before storing any (a refused store changes nothing).
        checked = [(self._key(k), self._value(v)) for k, v in pairs]
        for k, v in checked:
            dict.__setitem__(self, k, v)

    def setdefault(self, key, default=None):
        key = self._key(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        value = self._value(default)
        dict.__setitem__(self, key, value)
        return value

    def __ior__(self, other):
        self.update(other)
        return self

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        out = self.copy()
        out.update(other)
        return out

    def copy(self):
        out = dict.__new__(type(self))
        dict.update(out, self)
        return out

    @classmethod
    def fromkeys(cls, keys, value=None):
        out = cls()
        for k in keys:
            out[k] = value
        return out

    @property
    def key_type(self):
        return _specs.display(self._spec[1])

    @property
    def value_type(self):
        return _specs.display(self._spec[2])

    def __repr__(self):
        return f"{_specs.display(self._spec)}({dict.__repr__(self)})"

    def __str__(self):
        return dict.__repr__(self)

    def __reduce__(self):
        return (_rebuild_object_dict, (self._swiftjit_type, list(self.items())))


#: The generated classes by compiler type name ("list(str)", "dict(str, int64)"): one class per
#: declared type, kept for the life of the process (the dispatcher memoizes class -> type).
_object_classes = {}


def _object_class(spec):
    """The class of typed lists/dicts of `spec` (("list", item) or ("dict", key, value))."""
    name = _specs.name(spec)
    cls = _object_classes.get(name)
    if cls is not None:
        return cls
    if spec[0] == "list":
        ns = {"__slots__": (), "_spec": spec, "_swiftjit_type": name,
              "_swiftjit_desc": _specs.native_descriptor(spec),
              "_swiftjit_ddesc": _specs.native_dict_descriptor(spec),
              "_cast": staticmethod(_specs.caster(spec[1])), "_exact": _specs.exact_type(spec[1]),
              "__module__": __name__}
        cls = type(_specs.display(spec), (_ObjectList,), ns)
    else:
        ns = {"__slots__": (), "_spec": spec, "_swiftjit_type": name,
              "_swiftjit_desc": _specs.native_descriptor(spec),
              "_swiftjit_ddesc": _specs.native_dict_descriptor(spec),
              "_cast_key": staticmethod(_specs.caster(spec[1])),
              "_cast_value": staticmethod(_specs.caster(spec[2])),
              "_exact_key": _specs.exact_type(spec[1]), "_exact_value": _specs.exact_type(spec[2]),
              "__module__": __name__}
        cls = type(_specs.display(spec), (_ObjectDict,), ns)
    _object_classes[name] = cls
    return cls


def _native_list_kind(spec):
    return _LIST_KINDS.get(spec[1][0]) if spec[0] == "list" and len(spec[1]) == 1 else None


def _native_dict_tags(spec):
    if spec[0] == "dict" and len(spec[1]) == 1 and len(spec[2]) == 1 \
            and spec[1][0] in _KEY_TAGS and spec[2][0] in _VALUE_TAGS:
        return _KEY_TAGS[spec[1][0]], _VALUE_TAGS[spec[2][0]]
    return None


def _empty_of(spec):
    """A new empty typed container of container spec `spec` (native where the storage holds it)."""
    kind = _native_list_kind(spec)
    if kind is not None:
        return _NativeList.__new__(List, kind)
    tags = _native_dict_tags(spec)
    if tags is not None:
        return _NativeDict.__new__(Dict, tags[0], tags[1], 0)
    return _object_class(spec)()


def _coerce(spec, x):
    """`x` for an element of type `spec` in a container being constructed: plain lists and
    dicts (nested in the constructor's argument) become typed ones; the rest is cast by the
    container's checks."""
    if spec[0] in ("list", "dict") and type(x) in (list, dict):
        out = _empty_of(spec)
        if spec[0] == "list" and type(x) is list:
            out.extend([_coerce(spec[1], v) for v in x])
        elif spec[0] == "dict" and type(x) is dict:
            out.update({_coerce(spec[1], k): _coerce(spec[2], v) for k, v in x.items()})
        return out
    if spec[0] == "tuple" and type(x) is tuple and len(x) == len(spec[1]):
        return tuple(_coerce(s, v) for s, v in zip(spec[1], x))
    return x


def _rebuild_object_list(name, items):
    return _object_class(_specs.parse(name))._trusted(items)


def _rebuild_object_dict(name, items):
    out = _object_class(_specs.parse(name))()
    dict.update(out, items)
    return out

def _rebuild_list(kind, items):
    out = _NativeList.__new__(List, kind)
    out._assign(items)
    return out


class List(_NativeList, metaclass=_TypedMeta):
    """A typed list: ``List.empty_list(int64)``, ``List([1, 2, 3])`` or ``List()`` (the item
    type then comes from the first item).

    Numbers are held natively and passed to compiled code without conversion; other items
    give a ``list`` subclass that is copied and reflected (see the module's doc)."""

    __slots__ = ()
    _other = _ObjectList

    def __new__(cls, iterable=None, allocated=0):
        if iterable is None:
            return _NativeList.__new__(cls, -1)
        items = list(iterable)
        kind = _kind_of_items(items)
        if kind is not None:
            out = _NativeList.__new__(cls, kind)
            out._assign(items)
            return out
        # Other items: the class of their unified type (plain lists/dicts inside become typed).
        spec = ("list", _specs.unify_all(items))
        if spec[1][0] in ("list", "dict", "tuple"):
            items = [_coerce(spec[1], x) for x in items]
        return _object_class(spec)(items)

    @classmethod
    def empty_list(cls, item_type, allocated=0):
        """An empty list of `item_type` (a swiftjit type such as ``int64``, ``unicode_type``,
        ``UniTuple(int64, 2)``, ``float64[::1]``, ``ListType(unicode_type)``, or its name)."""
        return _empty_of(("list", _specs.parse(_name(item_type))))

    @property
    def item_type(self):
        """The item type's name (``None`` for a ``List()`` that has no item yet)."""
        return _KIND_NAMES.get(self._kind)

    def __repr__(self):
        return f"ListType[{self.item_type or 'undefined'}]({self._tolist()!r})"

    def __str__(self):
        return str(self._tolist())

    def __reduce__(self):
        return (_rebuild_list, (self._kind, self._tolist()))

    def __iadd__(self, other):
        self.extend(other)
        return self

    __hash__ = None

    def index(self, value, start=0, stop=None):
        items = self._tolist()
        try:
            return items.index(value, start, len(items) if stop is None else stop)
        except ValueError:
            raise ValueError(f"{value!r} is not in list") from None

    def count(self, value):
        return self._tolist().count(value)

    def remove(self, value):
        items = self._tolist()
        try:
            i = items.index(value)
        except ValueError:
            raise ValueError("list.remove(x): x not in list") from None
        del self[i]

    def sort(self, *, key=None, reverse=False):
        items = self._tolist()
        items.sort(key=key, reverse=reverse)
        self._assign(items)

    def reverse(self):
        items = self._tolist()
        items.reverse()
        self._assign(items)


def _rebuild_dict(types, items):
    out = Dict() if types is None else Dict.empty(types[0], types[1])
    out.update(items)
    return out


class Dict(_NativeDict, metaclass=_TypedMeta):
    """A typed dict: ``Dict.empty(key_type=int64, value_type=float64)``, ``Dict()`` (types from
    the first item) or ``Dict(mapping_or_pairs)``.

    Int/bool keys with int/float/bool values are held natively and passed to compiled
    code without conversion; other types give a ``dict`` subclass that is copied and
    written back (see the module's doc)."""

    __slots__ = ()
    _other = _ObjectDict

    def __new__(cls, *args, **kwargs):
        if len(args) > 1:
            raise TypeError(f"Dict expected at most 1 argument, got {len(args)}")
        if not args and not kwargs:
            return _NativeDict.__new__(cls)
        items = dict(*args, **kwargs)
        if not items:
            return _NativeDict.__new__(cls)
        keys = _kind_of_items(items.keys())
        values = _kind_of_items(items.values())
        if keys in (0, 1) and values in (0, 1, 2):
            out = _NativeDict.__new__(cls, 1 if keys == 0 else 0, {0: 2, 1: 0, 2: 1}[values])
            out.update(items)
            return out
        spec = ("dict", _specs.unify_all(items.keys()), _specs.unify_all(items.values()))
        if spec[1][0] in ("list", "dict", "tuple") or spec[2][0] in ("list", "dict", "tuple"):
            items = {_coerce(spec[1], k): _coerce(spec[2], v) for k, v in items.items()}
        return _object_class(spec)(items)

    def __init__(self, *args, **kwargs):
        pass  # __new__ did the work

    @classmethod
    def empty(cls, key_type, value_type, n_keys=0):
        """An empty dict of `key_type` keys and `value_type` values (swiftjit types or names)."""
        return _empty_of(("dict", _specs.parse(_name(key_type)), _specs.parse(_name(value_type))))

    def __repr__(self):
        types = self._types
        name = "DictType[undefined]" if types is None else f"DictType[{types[0]},{types[1]}]"
        return f"{name}({dict(self.items())!r})"

    def __str__(self):
        return str(dict(self.items()))

    def __reduce__(self):
        return (_rebuild_dict, (self._types, list(self.items())))

    __hash__ = None

    @classmethod
    def fromkeys(cls, keys, value=None):
        return cls({k: value for k in keys})


# Compiled code makes typed containers of these classes (List.empty_list(T), Dict.empty(K, V)).
_makers = {}


def _empty_by_name(name):
    """A new empty typed container of compiler type `name` ("list(str)", "dict(str, int64)"), for
    compiled code (swiftjit_typed_object_new); the constructor is found once per name."""
    make = _makers.get(name)
    if make is None:
        spec = _specs.parse(name)
        make = _makers[name] = (lambda: _empty_of(spec)) if _native_list_kind(spec) is not None \
            or _native_dict_tags(spec) is not None else _object_class(spec)
    return make()


_NativeList._register_typed(List, Dict, _empty_by_name)
