"""Compiles Python source and prints, as JSON, the code object of every
top-level function it defines (used by the SwiftJIT unit tests).

Usage: python3 dump_code.py [FILE]   (reads stdin when FILE is missing)

Output: {"version": [major, minor], "functions": {name: code, ...}} where code
holds co_code (list of ints), co_consts, the names/varnames/cell/free tuples,
argument counts, co_flags, co_firstlineno, co_name, co_qualname,
co_linetable, co_exceptiontable (lists of ints), co_positions() as a list
of [line, end_line, col, end_col] with null for None, and "dis": the
instructions dis.get_instructions() reports, as [offset, opname, arg, target].

Constants are tagged so that every Python value round-trips unambiguously:
{"none": true}, {"bool": b}, {"int": i} (or {"bigint": "digits"} outside
int64), {"float": repr}, {"str": s}, {"bytes": [..]}, {"tuple": [..]},
{"code": {...}} for nested code objects, {"other": type name}.
"""
import dis
import json
import sys
import types

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def const(c):
    if c is None:
        return {"none": True}
    if isinstance(c, bool):
        return {"bool": c}
    if isinstance(c, int):
        if INT64_MIN <= c <= INT64_MAX:
            return {"int": c}
        return {"bigint": str(c)}
    if isinstance(c, float):
        return {"float": repr(c)}  # repr keeps nan/inf and every bit
    if isinstance(c, str):
        return {"str": c}
    if isinstance(c, bytes):
        return {"bytes": list(c)}
    if isinstance(c, (tuple, frozenset)):
        return {"tuple": [const(x) for x in c]}
    if isinstance(c, types.CodeType):
        return {"code": code(c)}
    if c is Ellipsis:
        return {"ellipsis": True}
    return {"other": type(c).__name__}


def opt(x):
    return x  # None becomes JSON null


def code(co):
    return {
        "co_name": co.co_name,
        "co_qualname": co.co_qualname,
        "co_filename": co.co_filename,
        "co_firstlineno": co.co_firstlineno,
        "co_argcount": co.co_argcount,
        "co_posonlyargcount": co.co_posonlyargcount,
        "co_kwonlyargcount": co.co_kwonlyargcount,
        "co_flags": co.co_flags,
        "co_varnames": list(co.co_varnames),
        "co_cellvars": list(co.co_cellvars),
        "co_freevars": list(co.co_freevars),
        "co_names": list(co.co_names),
        "co_consts": [const(c) for c in co.co_consts],
        "co_code": list(co.co_code),
        "co_linetable": list(co.co_linetable),
        "co_exceptiontable": list(co.co_exceptiontable),
        "co_positions": [[opt(a), opt(b), opt(c), opt(d)] for (a, b, c, d) in co.co_positions()],
        "dis": [instruction(i) for i in dis.get_instructions(co)],
    }


def instruction(i):
    """[offset, opname, arg, jump target or None] as the dis module sees it
    (EXTENDED_ARG is its own entry; the next instruction's arg is folded)."""
    jump = i.opcode in dis.hasjrel or i.opcode in dis.hasjabs
    return [i.offset, i.opname, i.arg, i.argval if jump else None]


def main():
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            source = f.read()
        filename = sys.argv[1]
    else:
        source = sys.stdin.read()
        filename = "<test>"
    module = compile(source, filename, "exec")
    functions = {}
    for c in module.co_consts:
        if isinstance(c, types.CodeType):
            functions[c.co_name] = code(c)
    json.dump({"version": list(sys.version_info[:2]), "functions": functions}, sys.stdout)


if __name__ == "__main__":
    main()
