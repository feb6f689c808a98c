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

Other element types (str, tuples, arrays, nested containers) keep the earlier
representation: ``list``/``dict`` subclasses that carry their declared types and are
copied into compiled code and reflected back at each call. ``isinstance(x, List)`` and
``isinstance(x, Dict)`` hold for both representations.

From Python the native ones behave as Numba's typed containers: storing a value of
another type raises TypeError unless Numba casts it safely (an int into a float64 list,
a bool into an int64 one); a float into an int64 list is refused, as Numba refuses it.
"""
import numbers as _numbers

from . import types as _types
from ._swiftjit import _NativeList, _NativeDict

__all__ = ["List", "Dict"]

#: Native list kinds (nativelist.c) and native dict tags (nativedict.c) by compiler type name.
_LIST_KINDS = {"bool": 0, "int64": 1, "float64": 2, "complex128": 3}
_KIND_NAMES = {v: k for k, v in _LIST_KINDS.items()}
_KEY_TAGS = {"int64": 0, "bool": 1}
_VALUE_TAGS = {"int64": 0, "float64": 1, "bool": 2}


def _name(t):
    """The compiler's name of an element type: a swiftjit type, int/float/bool/str/complex, or a name."""
    if isinstance(t, str):
        return t
    if isinstance(t, _types.Type):
        return t.compiler_name
    simple = {int: "int64", float: "float64", bool: "bool", str: "str", complex: "complex128"}
    if t in simple:
        return simple[t]
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


class _ReflectedList(list):
    """A typed list of items the native list does not hold: a ``list`` copied into compiled
    code and reflected back at each call (the dispatcher reads ``_swiftjit_type``)."""

    _swiftjit_type = ""

    def __repr__(self):
        return f"List({list.__repr__(self)})"


class _ReflectedDict(dict):
    """A typed dict of keys or values the native dict does not hold: a ``dict`` copied into
    compiled code and written back at each call."""

    _swiftjit_type = ""

    def __repr__(self):
        return f"Dict({dict.__repr__(self)})"


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
    _other = _ReflectedList

    def __new__(cls, iterable=None, allocated=0):
        if iterable is None:
            return _NativeList.__new__(cls, -1)
        items = list(iterable)
        kind = _kind_of_items(items)
        if kind is None:
            return _ReflectedList(items)  # the type comes from the items, as for a plain list
        out = _NativeList.__new__(cls, kind)
        out._assign(items)
        return out

    @classmethod
    def empty_list(cls, item_type, allocated=0):
        """An empty list of `item_type` (a swiftjit type such as ``int64`` or ``unicode_type``)."""
        name = _name(item_type)
        if name in _LIST_KINDS:
            return _NativeList.__new__(cls, _LIST_KINDS[name])
        out = _ReflectedList()
        out._swiftjit_type = f"list({name})"
        return out

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
    _other = _ReflectedDict

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
        return _ReflectedDict(items)

    def __init__(self, *args, **kwargs):
        pass  # __new__ did the work

    @classmethod
    def empty(cls, key_type, value_type, n_keys=0):
        """An empty dict of `key_type` keys and `value_type` values."""
        k, v = _name(key_type), _name(value_type)
        if k in _KEY_TAGS and v in _VALUE_TAGS:
            return _NativeDict.__new__(cls, _KEY_TAGS[k], _VALUE_TAGS[v], n_keys)
        out = _ReflectedDict()
        out._swiftjit_type = f"dict({k}, {v})"
        return out

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
        out = cls()
        for k in keys:
            out[k] = value
        return out


# Compiled code makes typed containers of these classes (List.empty_list(T), Dict.empty(K, V)).
_NativeList._register_typed(List, Dict)
