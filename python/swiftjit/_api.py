"""The Numba-compatible Dispatcher API (issue 8), added to the Swift Dispatcher type.

``overloads``, ``inspect_types``/``inspect_llvm``/``inspect_asm``/``inspect_cfg``
with an optional ``signature``, ``compile(sig)``, ``recompile()``; explicit
signatures (``jit("f8(f8[:])")``) are compiled through ``_compile``.
"""
import dis
import linecache
import re

from . import _swiftjit
from . import types as _types

Dispatcher = _swiftjit.Dispatcher


class Overload:
    """One compiled specialization: ``signature`` (argument types), ``return_type``,
    ``entry_point`` (address of the native entry ``i32 f(ptr ret, ptr ctx, args...)``),
    ``wrapper_address`` (``PyObject *f(PyObject *const *args, Py_ssize_t n)``),
    ``native_name`` and ``cache_status``."""

    __slots__ = ("signature", "return_type", "entry_point", "wrapper_address", "native_name", "cache_status")

    def __init__(self, signature, return_type, entry_point, wrapper_address, native_name, cache_status):
        self.signature = signature
        self.return_type = return_type
        self.entry_point = entry_point
        self.wrapper_address = wrapper_address
        self.native_name = native_name
        self.cache_status = cache_status

    def __repr__(self):
        return (f"<Overload {self.signature} -> {self.return_type} at 0x{self.entry_point:x}>")


def _has_optional(t):
    if isinstance(t, _types.Optional):
        return True
    return isinstance(t, _types.BaseTuple) and any(_has_optional(x) for x in t.types)


def _compiler_names(sig):
    for a in sig.args:
        if _has_optional(_types._as_type(a)):
            raise TypeError(f"{a} arguments are not supported in signatures; declare the concrete "
                            "type (a None argument is typed 'none'), or compile lazily without signatures")
    args = [_types._as_type(a).compiler_name for a in sig.args]
    ret = None if sig.return_type is None else _types._as_type(sig.return_type).compiler_name
    return args, ret


def compile_signature(dispatcher, sig):
    """Compiles (or finds) the overload for a signature; returns its argument types."""
    sig = _types.parse_signature(sig)
    args, ret = _compiler_names(sig)
    index = dispatcher._compile(args, ret)
    return dispatcher.signatures[index]


def _overloads(self):
    return {info[0]: Overload(*info) for info in self._overload_info()}


def _select(self, table, signature):
    if signature is None:
        return table
    if not isinstance(signature, tuple) or (signature and not isinstance(signature[0], _types.Type)):
        sig = _types.parse_signature(signature)
        signature = tuple(_types.from_name(n) for n in _compiler_names(sig)[0])
    else:
        signature = tuple(_types.from_name(_types._as_type(t).compiler_name) for t in signature)
    if signature not in table:
        raise KeyError(f"no overload for {signature}; compiled: {list(table)}")
    return table[signature]


_original_inspect_types = Dispatcher.inspect_types
_original_inspect_llvm = Dispatcher.inspect_llvm


def _line_starts(code):
    starts = {}
    for offset, line in dis.findlinestarts(code):
        if line is not None:
            starts[offset] = line
    return sorted(starts.items())


def _line_of(starts, offset):
    line = None
    for o, ln in starts:
        if o > offset:
            break
        line = ln
    return line


def annotate(py_func, text):
    """Typed IR with the source lines of each block shown above it (as Numba's inspect_types).

    A block header ``blockN:  # offset K`` covers the bytecode from K to the next block's offset;
    the source lines starting in that range are printed as comments before it."""
    code = py_func.__code__
    starts = [(o, ln) for o, ln in _line_starts(code)]
    filename = code.co_filename
    lines = text.splitlines()
    offsets = sorted({int(m.group(1)) for m in (re.match(r"\s*block\d+:\s*# offset (\d+)", x) for x in lines) if m})
    out = [f"# File: {filename}"]
    shown = set()
    for line in lines:
        m = re.match(r"\s*block\d+:\s*# offset (\d+)", line)
        if m:
            lo = int(m.group(1))
            later = [o for o in offsets if o > lo]
            hi = later[0] if later else 1 << 60
            first = _line_of(starts, lo)
            wanted = ([first] if first is not None else []) + [ln for o, ln in starts if lo < o < hi]
            for ln in wanted:
                if ln in shown or ln <= code.co_firstlineno and len(starts) > 1 and ln != starts[-1][1]:
                    continue
                shown.add(ln)
                out.append(f"# --- LINE {ln} ---")
                src = linecache.getline(filename, ln).strip()
                if src:
                    out.append(f"# {src}")
        out.append(line)
    return "\n".join(out) + "\n"


def _inspect_types(self, signature=None, file=None, pretty=False):
    """Typed IR annotated with source lines: a dict signature -> text, or the text of one
    signature. With ``file`` (a writable stream), writes every specialization there and returns None."""
    table = {sig: annotate(self.py_func, text) for sig, text in _original_inspect_types(self).items()}
    if file is not None:
        for sig, text in table.items():
            file.write(f"{self.py_func.__qualname__} {sig}\n{'-' * 60}\n{text}\n")
        return None
    return _select(self, table, signature)


def _inspect_llvm(self, signature=None):
    """Optimized LLVM IR: a dict signature -> text, or the text of one signature."""
    return _select(self, _original_inspect_llvm(self), signature)


def _inspect_asm(self, signature=None):
    """Native assembly for this CPU: a dict signature -> text, or the text of one signature."""
    table = {sig: self._asm(i) for i, sig in enumerate(self.signatures)}
    return _select(self, table, signature)


class ControlFlowGraph:
    """The blocks and edges of one specialization's IR; ``dot`` is Graphviz source, ``str()`` a text listing."""

    def __init__(self, name, blocks, edges):
        self.name = name
        self.blocks = blocks  # name -> text
        self.edges = edges    # (from, to, label)

    @property
    def dot(self):
        lines = [f'digraph "{self.name}" {{', "  node [shape=box, fontname=monospace];"]
        for name, text in self.blocks.items():
            label = (name + ":\\l" + "\\l".join(t.replace("\\", "\\\\").replace('"', '\\"')
                                                for t in text.splitlines()) + "\\l")
            lines.append(f'  "{name}" [label="{label}"];')
        for a, b, label in self.edges:
            lines.append(f'  "{a}" -> "{b}"' + (f' [label="{label}"]' if label else "") + ";")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def display(self, *args, **kwargs):
        return self.dot

    def __str__(self):
        out = [f"CFG of {self.name}"]
        for name in self.blocks:
            succ = [f"{b}{'(' + label + ')' if label else ''}" for a, b, label in self.edges if a == name]
            out.append(f"  {name} -> {', '.join(succ) if succ else '(exit)'}")
        return "\n".join(out) + "\n"

    __repr__ = __str__


def cfg_from_ir(name, text):
    blocks, edges, current = {}, [], None
    for line in text.splitlines():
        m = re.match(r"\s*(block\d+):", line)
        if m:
            current = m.group(1)
            blocks[current] = ""
            continue
        if current is None:
            continue
        stmt = line.strip()
        blocks[current] += stmt + "\n"
        if stmt.startswith("jump "):
            edges.append((current, stmt.split()[1], ""))
        elif stmt.startswith("branch "):
            targets = re.findall(r"block\d+", stmt)
            for target, label in zip(targets[-2:], ("true", "false")):
                edges.append((current, target, label))
        elif stmt.startswith("for_iter "):
            targets = re.findall(r"block\d+", stmt)
            for target, label in zip(targets[-2:], ("body", "exit")):
                edges.append((current, target, label))
    return ControlFlowGraph(name, blocks, edges)


def _inspect_cfg(self, signature=None):
    """Control flow graph of the IR: dict signature -> ControlFlowGraph (``.dot``, ``str()``), or one of them."""
    table = {sig: cfg_from_ir(f"{self.py_func.__qualname__}{sig}", text)
             for sig, text in _original_inspect_types(self).items()}
    return _select(self, table, signature)


def _compile(self, sig):
    """Compiles a specialization now for a signature (``"float64(int64)"`` or a Signature)."""
    return compile_signature(self, sig)


def _recompile(self):
    """Compiles every existing specialization again (module globals are read again, as in Numba)."""
    explicit = getattr(self, "_explicit_signatures", None)
    previous = list(self.signatures)
    self._clear_overloads()
    if explicit:
        for sig in explicit:
            compile_signature(self, sig)
    else:
        for sig in previous:
            self._compile([t.name for t in sig], None)


def _nopython_signatures(self):
    return list(self.signatures)


Dispatcher.overloads = property(_overloads, doc="dict: signature -> Overload (entry point address, return type).")
Dispatcher.nopython_signatures = property(_nopython_signatures)
Dispatcher.inspect_types = _inspect_types
Dispatcher.inspect_llvm = _inspect_llvm
Dispatcher.inspect_asm = _inspect_asm
Dispatcher.inspect_cfg = _inspect_cfg
Dispatcher.compile = _compile
Dispatcher.recompile = _recompile
