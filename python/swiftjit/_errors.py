"""Formats compile errors reported by the Swift core into Python exceptions."""
import linecache

from .errors import InternalError, TypingError, UnsupportedError


def source_excerpt(filename, line, col, endcol):
    """The source line and a caret line under columns [col, endcol), or ''."""
    if line is None or line < 1:
        return ""
    text = linecache.getline(filename, line)
    if not text:
        return ""
    text = text.rstrip("\n")
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    out = "    " + stripped
    if 0 <= col < len(text) and col >= indent:
        # Columns are UTF-8 byte offsets in CPython's position table.
        encoded = text.encode("utf-8")
        start = len(encoded[:col].decode("utf-8", "replace"))
        end = len(encoded[:endcol].decode("utf-8", "replace")) if endcol > col else start + 1
        end = max(end, start + 1)
        out += "\n    " + " " * (start - indent) + "^" * (end - start)
    return out


def make_error(kind, message, funcname, filename, line, col, endcol, stage):
    """Builds the exception for a compile error (called from the Swift core)."""
    where = f"in function '{funcname}'"
    if line is not None and line > 0:
        where += f', file "{filename}", line {line}'
    excerpt = source_excerpt(filename, line, col, endcol)
    if kind == "internal":
        text = f"internal compiler error in stage '{stage}' {where}: {message}"
        if excerpt:
            text += "\n" + excerpt
        return InternalError(text)
    cls = UnsupportedError if kind == "unsupported" else TypingError
    mode = "object mode" if stage == "object mode" else "nopython mode"
    text = f"Failed in {mode}: {message}\n  {where}"
    if excerpt:
        text += ":\n" + excerpt
    return cls(text, function=funcname, filename=filename, lineno=line if line and line > 0 else None,
               cause=message)
