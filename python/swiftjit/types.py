"""Type objects of nopython mode, as reported by ``Dispatcher.signatures``."""

__all__ = ["Type", "int64", "float64", "boolean", "none", "from_name"]


class Type:
    """A nopython type, identified by its name (``int64``, ``tuple(int64, float64)``)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, Type):
            return self.name == other.name
        return NotImplemented

    def __hash__(self):
        return hash(("swiftjit.Type", self.name))


int64 = Type("int64")
float64 = Type("float64")
boolean = Type("bool")
none = Type("none")

_by_name = {t.name: t for t in (int64, float64, boolean, none)}


def from_name(name):
    """The type object for a type name printed by the compiler."""
    t = _by_name.get(name)
    if t is None:
        t = _by_name[name] = Type(name)
    return t
