"""``swiftjit.typed.List`` and ``swiftjit.typed.Dict``: Python lists and dicts that carry
their element types, so that compiled code can take them even when they are empty.

They are subclasses of ``list`` and ``dict``: compiled code uses them as it uses any list
or dict argument (changes are visible to the caller), and Python code uses them as lists
and dicts. The dispatcher reads the declared types (``_swiftjit_type``) instead of looking
at the elements. A ``List()`` made without a type takes it from its elements, as a plain
list does.
"""
from . import types as _types

__all__ = ["List", "Dict"]


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


class List(list):
    """A list with a declared item type: ``List.empty_list(int64)``."""

    _swiftjit_type = ""

    @classmethod
    def empty_list(cls, item_type, allocated=0):
        out = cls()
        out._swiftjit_type = f"list({_name(item_type)})"
        return out

    def __repr__(self):
        return f"List({list.__repr__(self)})"


class Dict(dict):
    """A dict with declared key and value types: ``Dict.empty(key_type=unicode_type, value_type=int64)``."""

    _swiftjit_type = ""

    @classmethod
    def empty(cls, key_type, value_type, n_keys=0):
        out = cls()
        out._swiftjit_type = f"dict({_name(key_type)}, {_name(value_type)})"
        return out

    def __repr__(self):
        return f"Dict({dict.__repr__(self)})"
