"""Random program generator, differential runner and shrinker for swiftjit (issue 9).

Each program is a small Python function in the nopython subset.  It is rendered
twice from the same statement tree:

* ``plain``   - the source compiled by ``swiftjit.njit``;
* ``checked`` - the reference run by CPython, in which every int result goes
  through ``_c`` (raises ``_Skip`` when it leaves int64: wraparound is a
  documented difference, so such inputs are skipped), math calls / ``**`` /
  ``int()`` go through helpers that turn ValueError/OverflowError/complex
  results (documented domain differences) into ``_Skip``, array reads become
  Python scalars (``.item()``), ``a.sum()`` is a sequential sum, and a value
  of mixed type is converted to the unified type (bool < int < float).

Usage: ``run_program(seed)`` -> Result; ``python3 tests/fuzz/generator.py SEED``.
"""
import copy
import math
import random
import sys
import traceback

import numpy as np

I64_MIN, I64_MAX = -2 ** 63, 2 ** 63 - 1
RANK = {"bool": 0, "int": 1, "float": 2}


class _Skip(Exception):
    """The reference hit a documented difference: the input is not compared."""


def _c(x):
    if type(x) is int and not (I64_MIN <= x <= I64_MAX):
        raise _Skip("int64 overflow")
    return x


def _m(fn, *args):
    try:
        r = fn(*args)
    except (ValueError, OverflowError):
        raise _Skip("math domain")
    if isinstance(r, complex):
        raise _Skip("complex")
    return _c(r)


def _pw(a, b):
    try:
        r = a ** b
    except (ValueError, OverflowError):
        raise _Skip("pow domain")
    if isinstance(r, complex):
        raise _Skip("complex pow")
    return _c(r)


# swiftjit compares int64 with float64 by converting the int to float (as Numba does);
# CPython compares exactly.  Undocumented: reproducer in test_fuzz_regressions.py.
# With SKIP_INT_FLOAT_CMP the reference skips inputs where the two can differ.
SKIP_INT_FLOAT_CMP = False


def _ix(x):
    if SKIP_INT_FLOAT_CMP and type(x) is int and float(x) != x:
        raise _Skip("inexact int/float comparison")
    return x


def _r(x):
    return x.item()


def _sum(a):
    # NumPy (and swiftjit) add from the identity 0: [-0.0].sum() is 0.0
    s = 0.0 if a.dtype.kind == "f" else 0
    for v in a.ravel().tolist():
        s = _c(s + v)
    return s


def _sh(x):
    return x


STATS = {"ok": 0, "exc": 0, "skip": 0}  # reference outcomes of compared inputs

HELPERS = {"_c": _c, "_m": _m, "_pw": _pw, "_r": _r, "_sum": _sum, "_Skip": _Skip, "_ix": _ix,
           "math": math, "np": np}


# ----------------------------------------------------------------- expressions
class E:
    __slots__ = ("p", "c", "t")

    def __init__(self, p, c, t):
        self.p, self.c, self.t = p, c, t


def is_const(src):
    """True when CPython folds the expression to a constant (so no type mixing happens)."""
    try:
        eval(src, {"__builtins__": {}}, {})
        return True
    except Exception:  # noqa: BLE001
        return False


def mixcmp(es):
    """Checked renderings of compared operands: ints compared with floats go through _ix."""
    if any(e.t == "float" for e in es):
        return [f"_ix({e.c})" if e.t != "float" else e.c for e in es]
    return [e.c for e in es]


def conv(e, t):
    """Render e in the checked version as the unified type t."""
    if e.t == t:
        return e
    fn = {"int": "int", "float": "float", "bool": "bool"}[t]
    return E(e.p, f"{fn}({e.c})", t)


INT_CONSTS = [0, 1, -1, 2, 3, 7, 10, 63, -5, 100, 255, 2 ** 31, -2 ** 31, 2 ** 62]
FLOAT_CONSTS = ["0.0", "1.0", "-1.0", "0.5", "2.5", "-3.75", "1e10", "-0.0", "3.0", "1e-300", "1e300"]
MATH1 = ["sqrt", "exp", "log", "sin", "cos", "fabs", "tanh", "atan", "log1p", "expm1"]
MATH_INT = ["floor", "ceil", "trunc"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.n = 0
        self.mixed = set()  # variables assigned values of different types (unified)

    def name(self, prefix="v"):
        self.n += 1
        return f"{prefix}{self.n}"

    # scope: dict name -> type ('int', 'float', 'bool', ('tuple', [types]), ('arr', dtype, shape))
    def vars_of(self, scope, t):
        return [k for k, v in scope.items() if v == t]

    def expr(self, scope, t, d=0):
        e = self._expr(scope, t, d)
        if d > 0 or t != "bool":
            try:
                v = eval(e.p, {"__builtins__": {}}, {})
            except Exception:  # noqa: BLE001
                return e
            # CPython folds constant expressions; keep the folded value in int64
            if type(v) is int and not (I64_MIN <= v <= I64_MAX) or isinstance(v, complex):
                return self.leaf({}, t)
        return e

    def _expr(self, scope, t, d=0):
        r = self.rng
        if d >= 3 or r.random() < 0.25:
            return self.leaf(scope, t)
        if t == "bool":
            k = r.choice(["cmp", "cmp", "chain", "not", "andor", "bitb", "boolcall"])
            if k == "cmp":
                ta, tb = r.choice(["int", "float"]), r.choice(["int", "float", "bool"])
                a, b = self.expr(scope, ta, d + 1), self.expr(scope, tb, d + 1)
                op = r.choice(["<", "<=", ">", ">=", "==", "!="])
                ac, bc = mixcmp([a, b])
                return E(f"({a.p} {op} {b.p})", f"({ac} {op} {bc})", "bool")
            if k == "chain":
                es = [self.expr(scope, r.choice(["int", "float"]), d + 1) for _ in range(3)]
                o1, o2 = r.choice(["<", "<=", "=="]), r.choice(["<", "<=", "!=", ">"])
                cs = mixcmp(es)
                return E(f"({es[0].p} {o1} {es[1].p} {o2} {es[2].p})",
                         f"({cs[0]} {o1} {cs[1]} {o2} {cs[2]})", "bool")
            if k == "not":
                a = self.expr(scope, r.choice(["bool", "int", "float"]), d + 1)
                return E(f"(not {a.p})", f"(not {a.c})", "bool")
            if k == "andor":
                a, b = self.expr(scope, "bool", d + 1), self.expr(scope, "bool", d + 1)
                op = r.choice(["and", "or"])
                return E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "bool")
            if k == "bitb":
                a, b = self.expr(scope, "bool", d + 1), self.expr(scope, "bool", d + 1)
                op = r.choice(["&", "|", "^"])
                return E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "bool")
            a = self.expr(scope, r.choice(["int", "float"]), d + 1)
            return E(f"bool({a.p})", f"bool({a.c})", "bool")
        if t == "int":
            k = r.choice(["arith", "arith", "arith", "bit", "shift", "pow", "unary", "call", "andor", "floatcall", "ifexp"])
            if k == "arith":
                a = self.expr(scope, r.choice(["int", "int", "bool"]), d + 1)
                b = self.expr(scope, r.choice(["int", "int", "bool"]), d + 1)
                op = r.choice(["+", "-", "*", "//", "%"])
                if a.t == "bool" and b.t == "bool" and op in "+-*":
                    pass
                return E(f"({a.p} {op} {b.p})", f"_c({a.c} {op} {b.c})", "int")
            if k == "bit":
                a, b = self.expr(scope, "int", d + 1), self.expr(scope, r.choice(["int", "bool"]), d + 1)
                op = r.choice(["&", "|", "^"])
                return E(f"({a.p} {op} {b.p})", f"_c({a.c} {op} {b.c})", "int")
            if k == "shift":
                a = self.expr(scope, "int", d + 1)
                op = r.choice(["<<", ">>"])
                if r.random() < 0.5:
                    s = str(r.randint(0, 63))
                    sc = s
                else:
                    b = self.expr(scope, "int", d + 1)
                    s, sc = f"({b.p} & 63)", f"({b.c} & 63)"
                return E(f"({a.p} {op} {s})", f"_c({a.c} {op} {sc})", "int")
            if k == "pow":
                a = self.expr(scope, "int", d + 1)
                e = r.randint(0, 4)
                return E(f"({a.p} ** {e})", f"_pw({a.c}, {e})", "int")
            if k == "unary":
                a = self.expr(scope, r.choice(["int", "bool"]), d + 1)
                op = r.choice(["-", "~", "+", "abs"])
                if op == "abs":
                    return E(f"abs({a.p})", f"_c(abs({a.c}))", "int")
                return E(f"({op}{a.p})", f"_c({op}{a.c})", "int")
            if k == "call":
                a, b = self.expr(scope, "int", d + 1), self.expr(scope, "int", d + 1)
                fn = r.choice(["min", "max"])
                return E(f"{fn}({a.p}, {b.p})", f"{fn}({a.c}, {b.c})", "int")
            if k == "andor":
                a = self.expr(scope, r.choice(["int", "bool"]), d + 1)
                if is_const(a.p):
                    a = self.expr(scope, "int", d + 1)
                b = self.expr(scope, "int", d + 1)
                op = r.choice(["and", "or"])
                return conv(E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "mixed"), "int") \
                    if a.t != "int" else E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "int")
            if k == "ifexp":
                c = self.expr(scope, "bool", d + 1)
                a, b = self.expr(scope, "int", d + 1), self.expr(scope, "int", d + 1)
                return E(f"({a.p} if {c.p} else {b.p})", f"({a.c} if {c.c} else {b.c})", "int")
            a = self.expr(scope, "float", d + 1)
            fn = r.choice(MATH_INT + ["int", "round"])
            mod = "" if fn in ("int", "round") else "math."
            return E(f"{mod}{fn}({a.p})", f"_m({mod}{fn}, {a.c})", "int")
        # float
        k = r.choice(["arith", "arith", "arith", "div", "pow", "unary", "math", "math2", "call", "andor", "ifexp",
                      "float"])
        if k == "float":
            a = self.expr(scope, r.choice(["int", "bool"]), d + 1)
            return E(f"float({a.p})", f"float({a.c})", "float")
        if k in ("arith", "div"):
            ta = r.choice(["float", "float", "int"])
            tb = r.choice(["float", "int"]) if ta == "float" else "float"
            if k == "div":
                ta, tb = r.choice(["float", "int"]), r.choice(["float", "int"])
            a, b = self.expr(scope, ta, d + 1), self.expr(scope, tb, d + 1)
            op = "/" if k == "div" else r.choice(["+", "-", "*", "//", "%"])
            return E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "float")
        if k == "pow":
            a = self.expr(scope, "float", d + 1)
            if r.random() < 0.5:
                e = r.choice(["2", "3", "0.5", "-1", "2.0", "-2.0", "0"])
                return E(f"({a.p} ** {e})", f"_pw({a.c}, {e})", "float")
            b = self.expr(scope, "float", d + 1)
            return E(f"({a.p} ** {b.p})", f"_pw({a.c}, {b.c})", "float")
        if k == "unary":
            a = self.expr(scope, "float", d + 1)
            op = r.choice(["-", "+", "abs"])
            if op == "abs":
                return E(f"abs({a.p})", f"abs({a.c})", "float")
            return E(f"({op}{a.p})", f"({op}{a.c})", "float")
        if k == "math":
            a = self.expr(scope, r.choice(["float", "float", "int"]), d + 1)
            fn = r.choice(MATH1)
            return E(f"math.{fn}({a.p})", f"_m(math.{fn}, {a.c})", "float")
        if k == "math2":
            a, b = self.expr(scope, "float", d + 1), self.expr(scope, "float", d + 1)
            fn = r.choice(["atan2", "copysign", "fmod", "pow"])
            return E(f"math.{fn}({a.p}, {b.p})", f"_m(math.{fn}, {a.c}, {b.c})", "float")
        if k == "call":
            a = self.expr(scope, "float", d + 1)
            b = self.expr(scope, r.choice(["float", "int"]), d + 1)
            fn = r.choice(["min", "max"])
            ac, bc = mixcmp([a, b])
            e = E(f"{fn}({a.p}, {b.p})", f"{fn}({ac}, {bc})", "float")
            return conv(E(e.p, e.c, "mixed"), "float") if b.t != "float" else e
        if k == "andor":
            a = self.expr(scope, r.choice(["float", "int", "bool"]), d + 1)
            if is_const(a.p):
                a = self.expr(scope, "float", d + 1)
            b = self.expr(scope, "float", d + 1)
            op = r.choice(["and", "or"])
            e = E(f"({a.p} {op} {b.p})", f"({a.c} {op} {b.c})", "float")
            return conv(E(e.p, e.c, "mixed"), "float") if a.t != "float" else e
        c = self.expr(scope, "bool", d + 1)
        a = self.expr(scope, "float", d + 1)
        b = self.expr(scope, "float" if is_const(c.p) else r.choice(["float", "int"]), d + 1)
        e = E(f"({a.p} if {c.p} else {b.p})", f"({a.c} if {c.c} else {b.c})", "float")
        return conv(E(e.p, e.c, "mixed"), "float") if b.t != "float" else e

    def leaf(self, scope, t):
        r = self.rng
        choices = []
        vs = self.vars_of(scope, t)
        if vs:
            choices += ["var"] * 3
        tups = [(k, v) for k, v in scope.items() if isinstance(v, tuple) and v[0] == "tuple" and t in v[1]]
        if tups:
            choices.append("tup")
        arrs = [(k, v) for k, v in scope.items() if isinstance(v, tuple) and v[0] == "arr"]
        want = {"float": "f", "int": "i"}.get(t)
        ok_arrs = [(k, v) for k, v in arrs if v[1] == want]
        if ok_arrs:
            choices += ["arr", "arr"]
            if any(v[2] != (0,) or True for k, v in ok_arrs):
                choices.append("sum")
        if t == "int" and arrs:
            choices.append("len")
        choices.append("const")
        k = r.choice(choices)
        if k == "var":
            v = r.choice(vs)
            return E(v, v, t)
        if k == "tup":
            name, (_, ts) = r.choice(tups)
            idx = r.choice([i for i, x in enumerate(ts) if x == t])
            if r.random() < 0.3:
                idx = idx - len(ts)
            return E(f"{name}[{idx}]", f"{name}[{idx}]", t)
        if k == "len":
            name, _ = r.choice(arrs)
            return E(f"len({name})", f"len({name})", "int")
        if k == "sum":
            name, _ = r.choice(ok_arrs)
            return E(f"{name}.sum()", f"_sum({name})", t)
        if k == "arr":
            name, v = r.choice(ok_arrs)
            idx = self.index(scope, name, v[2])
            if idx is not None:
                return E(f"{name}[{idx[0]}]", f"_r({name}[{idx[1]}])", t)
        if t == "int":
            c = r.choice(INT_CONSTS)
            return E(str(c), str(c), "int") if c >= 0 else E(f"({c})", f"({c})", "int")
        if t == "float":
            c = r.choice(FLOAT_CONSTS)
            return E(f"({c})", f"({c})", "float")
        c = r.choice(["True", "False"])
        return E(c, c, "bool")

    def index(self, scope, name, shape):
        """In-range index for an array of known shape (None for empty arrays)."""
        r = self.rng
        if 0 in shape:
            return None
        parts_p, parts_c = [], []
        for ax, n in enumerate(shape):
            if r.random() < 0.5 or self._depth_guard:
                i = r.randint(-n, n - 1)
                parts_p.append(str(i))
                parts_c.append(str(i))
            else:
                self._depth_guard = True
                e = self.expr(scope, "int", 3)
                self._depth_guard = False
                dim = f"len({name})" if ax == 0 else f"{name}.shape[{ax}]"
                parts_p.append(f"({e.p}) % {dim}")
                parts_c.append(f"_c({e.c}) % {dim}")
        return ", ".join(parts_p), ", ".join(parts_c)

    _depth_guard = False

    # ---------------------------------------------------------------- statements
    # statement: dict(kind, lines_p, lines_c, body=[...], orelse=[...])
    def block(self, scope, depth, n, in_loop):
        out = []
        scope = dict(scope)
        for _ in range(n):
            s = self.stmt(scope, depth, in_loop)
            if s is not None:
                out.append(s)
        return out

    def stmt(self, scope, depth, in_loop):
        r = self.rng
        kinds = ["assign", "assign", "assign", "reassign", "reassign", "aug", "tuple", "unpack"]
        if depth < 2:
            kinds += ["if", "for", "while", "ifdef"]
        if in_loop:
            kinds += ["brk"]
        if any(isinstance(v, tuple) and v[0] == "arr" and 0 not in v[2] for v in scope.values()):
            kinds += ["store", "store"]
        k = r.choice(kinds)
        if k == "assign" or (k in ("reassign", "aug") and not self.scalar_vars(scope)):
            t = r.choice(["int", "float", "bool", "int", "float"])
            e = self.expr(scope, t)
            v = self.name()
            scope[v] = t
            return {"p": [f"{v} = {e.p}"], "c": [f"{v} = {e.c}"], "defs": [v]}
        if k == "reassign":
            v = r.choice(self.scalar_vars(scope))
            t = scope[v]
            et = r.choice([x for x in RANK if RANK[x] <= RANK[t]])
            e = conv(self.expr(scope, et), t)
            if et != t:
                self.mixed.add(v)
            return {"p": [f"{v} = {e.p}"], "c": [f"{v} = {e.c}"]}
        if k == "aug":
            cands = [v for v in self.scalar_vars(scope) if scope[v] in ("int", "float")]
            if not cands:
                return None
            v = r.choice(cands)
            t = scope[v]
            if t == "int":
                op = r.choice(["+", "-", "*", "//", "%", "&", "|", "^"])
                e = self.expr(scope, "int")
                return {"p": [f"{v} {op}= {e.p}"], "c": [f"{v} = _c({v} {op} {e.c})"]}
            op = r.choice(["+", "-", "*", "/"])
            e = self.expr(scope, r.choice(["float", "int"]))
            return {"p": [f"{v} {op}= {e.p}"], "c": [f"{v} = ({v} {op} {e.c})"]}
        if k == "tuple":
            ts = [r.choice(["int", "float", "bool"]) for _ in range(r.randint(2, 3))]
            es = [self.expr(scope, t, 1) for t in ts]
            v = self.name("t")
            scope[v] = ("tuple", ts)
            return {"p": [f"{v} = ({', '.join(e.p for e in es)},)"],
                    "c": [f"{v} = ({', '.join(e.c for e in es)},)"], "defs": [v]}
        if k == "unpack":
            tups = [(n, v) for n, v in scope.items() if isinstance(v, tuple) and v[0] == "tuple"]
            if tups and r.random() < 0.6:
                name, (_, ts) = r.choice(tups)
                names = [self.name() for _ in ts]
                for n_, t in zip(names, ts):
                    scope[n_] = t
                return {"p": [f"{', '.join(names)} = {name}"], "c": [f"{', '.join(names)} = {name}"],
                        "defs": names}
            ts = [r.choice(["int", "float", "bool"]) for _ in range(2)]
            es = [self.expr(scope, t, 1) for t in ts]
            names = [self.name() for _ in ts]
            for n_, t in zip(names, ts):
                scope[n_] = t
            return {"p": [f"{', '.join(names)} = {', '.join(e.p for e in es)}"],
                    "c": [f"{', '.join(names)} = {', '.join(e.c for e in es)}"], "defs": names}
        if k == "store":
            arrs = [(n, v) for n, v in scope.items() if isinstance(v, tuple) and v[0] == "arr" and 0 not in v[2]]
            name, (_, dt, shape) = r.choice(arrs)
            idx = self.index(scope, name, shape)
            if dt == "f":
                e = conv(self.expr(scope, r.choice(["float", "int"])), "float")
            else:
                e = conv(self.expr(scope, r.choice(["int", "bool"])), "int")
            return {"p": [f"{name}[{idx[0]}] = {e.p}"], "c": [f"{name}[{idx[1]}] = {e.c}"]}
        if k == "brk":
            c = self.expr(scope, "bool", 1)
            w = r.choice(["break", "continue"])
            return {"p": [f"if {c.p}:", f"    {w}"], "c": [f"if {c.c}:", f"    {w}"]}
        if k == "if":
            c = self.expr(scope, "bool")
            body = self.block(scope, depth + 1, r.randint(1, 3), in_loop)
            orelse = self.block(scope, depth + 1, r.randint(0, 2), in_loop)
            return {"head_p": f"if {c.p}:", "head_c": f"if {c.c}:", "body": body, "orelse": orelse}
        if k == "ifdef":
            # a variable assigned in both branches with (possibly) different types: unified type
            c = self.expr(scope, "bool", 1)
            t1, t2 = r.choice(["int", "float", "bool"]), r.choice(["int", "float", "bool"])
            if is_const(c.p):  # CPython drops the dead branch: no type mixing
                t2 = t1
            t = t1 if RANK[t1] >= RANK[t2] else t2
            e1, e2 = conv(self.expr(scope, t1, 1), t), conv(self.expr(scope, t2, 1), t)
            v = self.name()
            scope[v] = t
            if t1 != t2:
                self.mixed.add(v)
            return {"head_p": f"if {c.p}:", "head_c": f"if {c.c}:", "defs": [v],
                    "body": [{"p": [f"{v} = {e1.p}"], "c": [f"{v} = {e1.c}"], "fixed": True}],
                    "orelse": [{"p": [f"{v} = {e2.p}"], "c": [f"{v} = {e2.c}"], "fixed": True}]}
        if k == "for":
            i = self.name("i")
            start, stop = r.randint(-5, 8), r.randint(-5, 8)
            step = r.choice([1, 1, 2, 3, -1, -2, -3])
            if r.random() < 0.3:
                rng_s = f"range({abs(stop)})"
            else:
                rng_s = f"range({start}, {stop}, {step})"
            inner = dict(scope)
            inner[i] = "int"
            body = self.block(inner, depth + 1, r.randint(1, 3), True)
            return {"head_p": f"for {i} in {rng_s}:", "head_c": f"for {i} in {rng_s}:", "body": body, "orelse": []}
        # while with a bounded counter
        w = self.name("w")
        c = self.expr(scope, "bool", 2)
        n = r.randint(0, 6)
        body = self.block(scope, depth + 1, r.randint(1, 3), True)
        body.insert(0, {"p": [f"{w} += 1"], "c": [f"{w} += 1"], "fixed": True})
        return {"pre_p": f"{w} = 0", "pre_c": f"{w} = 0",
                "head_p": f"while {w} < {n} and {c.p}:", "head_c": f"while {w} < {n} and {c.c}:",
                "body": body, "orelse": []}

    def scalar_vars(self, scope):
        return [k for k, v in scope.items() if isinstance(v, str) and not k.startswith(("i", "w"))]


def render(stmts, checked, indent=1):
    key = "c" if checked else "p"
    out = []
    pad = "    " * indent
    for s in stmts:
        if "head_p" in s:
            if "pre_p" in s:
                out.append(pad + s["pre_" + key])
            out.append(pad + s["head_" + key])
            body = render(s["body"], checked, indent + 1) or [pad + "    pass"]
            out += body
            if s["orelse"]:
                out.append(pad + "else:")
                out += render(s["orelse"], checked, indent + 1)
        else:
            out += [pad + l for l in s[key]]
    return out


class Program:
    def __init__(self, seed):
        self.seed = seed
        rng = random.Random(seed)
        self.rng = rng
        g = Gen(rng)
        self.params = []  # (name, type)
        scope = {}
        for j in range(rng.randint(1, 3)):
            t = rng.choice(["int", "int", "float", "float", "bool"])
            self.params.append((f"p{j}", t))
            scope[f"p{j}"] = t
        for j in range(rng.choice([0, 0, 1, 1, 2])):
            kind = rng.choice(["f1", "i1", "f2", "i2"])
            if kind[1] == "1":
                shape = (rng.choice([0, 1, 2, 3, 5, 7]),)
            else:
                shape = rng.choice([(1, 1), (2, 3), (3, 2), (1, 4), (0, 3), (2, 2)])
            self.params.append((f"a{j}", ("arr", kind[0], shape)))
            scope[f"a{j}"] = ("arr", kind[0], shape)
        self.body = g.block(scope, 0, rng.randint(2, 7), False)
        # the return: variables defined at the top level (always assigned)
        top = dict(scope)
        for st in self.body:
            for n_ in st.get("defs", []):
                top[n_] = True
        cands = [k for k, v in top.items() if not (isinstance(v, tuple) and v[0] == "arr")]
        rng.shuffle(cands)
        self.ret = cands[:rng.randint(1, 4)]
        self.mixed = g.mixed
        self.inputs = [self.make_inputs(rng) for _ in range(3)]

    def source(self, checked, body=None, ret=None):
        body = self.body if body is None else body
        ret = self.ret if ret is None else ret
        lines = [f"def f({', '.join(n for n, _ in self.params)}):"]
        lines += render(body, checked)
        lines.append(f"    return ({', '.join(ret)},)" if len(ret) != 1 else f"    return {ret[0]}")
        return "\n".join(lines) + "\n"

    def make_inputs(self, rng):
        args = []
        for n, t in self.params:
            if t == "int":
                args.append(rng.choice([0, -1, 1, 2, I64_MAX, I64_MIN, 3, 100, -7]) if rng.random() < 0.5
                            else rng.randint(-1000, 1000))
            elif t == "float":
                args.append(rng.choice([0.0, -0.0, 1.0, -1.0, math.nan, math.inf, -math.inf, 0.5, 1e308, 5e-324])
                            if rng.random() < 0.4 else round(rng.uniform(-100, 100), rng.randint(0, 6)))
            elif t == "bool":
                args.append(rng.random() < 0.5)
            else:
                _, dt, shape = t
                size = int(np.prod(shape))
                if dt == "f":
                    vals = [rng.choice([0.0, -0.0, 1.0, math.nan, math.inf, -2.5]) if rng.random() < 0.2
                            else round(rng.uniform(-50, 50), 3) for _ in range(size)]
                    args.append(np.array(vals, dtype=np.float64).reshape(shape))
                else:
                    vals = [rng.choice([0, -1, 1, I64_MAX, I64_MIN]) if rng.random() < 0.1
                            else rng.randint(-100, 100) for _ in range(size)]
                    args.append(np.array(vals, dtype=np.int64).reshape(shape))
        return args


# ---------------------------------------------------------------------- runner
def _compile(src, name="f"):
    ns = dict(HELPERS)
    exec(compile(src, "<fuzz>", "exec"), ns)
    return ns[name]


def _call(fn, args):
    args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        return ("ok", fn(*args)), args
    except _Skip:
        return ("skip", None), args
    except Exception as e:  # noqa: BLE001
        return ("exc", (type(e), str(e))), args


def same_value(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def same_number(a, b):
    """Value equality for a unified (mixed-type) variable: the type may be narrower when
    swiftjit prunes a statically dead branch, and -0.0 may come back as 0."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(b) in (bool, int, float) and a == b


def same_ret(prog, ret, a, b):
    if len(ret) == 1:
        return same_number(a, b) if ret[0] in prog.mixed else same_value(a, b)
    if type(a) is not tuple or type(b) is not tuple or len(a) != len(b):
        return False
    return all(same_number(x, y) if n in prog.mixed else same_value(x, y) for n, x, y in zip(ret, a, b))


def same_array(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and (
        np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)) and (
        a.dtype.kind != "f" or np.array_equal(np.signbit(a) & ~np.isnan(a), np.signbit(b) & ~np.isnan(b)))


def check(prog, body=None, ret=None, inputs=None):
    """Return None when plain Python and swiftjit agree, else a description."""
    import swiftjit
    src_p, src_c = prog.source(False, body, ret), prog.source(True, body, ret)
    ref = _compile(src_c)
    jit = swiftjit.njit(_compile(src_p))
    for args in (prog.inputs if inputs is None else inputs):
        (rk, rv), rargs = _call(ref, args)
        STATS[rk] += 1
        if rk == "skip":
            _call(jit, args)  # not compared, but a crash still shows
            continue
        if rk == "exc" and rv[0] in (NameError, UnboundLocalError, TypeError):
            return None if body is not None else None  # not a valid program for this input
        (jk, jv), jargs = _call(jit, args)
        if jk == "exc" and jv[0].__name__ in ("TypingError", "UnsupportedError", "NotImplementedError"):
            return ("typing", f"{jv[0].__name__}: {jv[1]}", args)
        if rk != jk or (rk == "ok" and not same_ret(prog, ret or prog.ret, rv, jv)) or (rk == "exc" and rv != jv):
            return ("value" if rk == jk == "ok" else "exc", f"python: {rk} {rv!r}\nswiftjit: {jk} {jv!r}", args)
        if rk == "ok":
            for x, y in zip(rargs, jargs):
                if isinstance(x, np.ndarray) and not same_array(x, y):
                    return ("array", f"python array: {x!r}\nswiftjit array: {y!r}", args)
    return None


def _remove_paths(stmts, prefix=()):
    for i, s in enumerate(stmts):
        if s.get("fixed"):
            continue
        yield prefix + (i,)
        for part in ("body", "orelse"):
            for p in _remove_paths(s.get(part, []), prefix + (i, part)):
                yield p


def _defs(stmts):
    out = []
    for s in stmts:
        out += s.get("defs", [])
        out += _defs(s.get("body", [])) + _defs(s.get("orelse", []))
    return out


def _valid(prog, body, ret, removed):
    """A removal is valid when no remaining line uses a name the removed statements defined."""
    import re
    names = _defs(removed)
    if not names:
        return True
    src = prog.source(False, body, ret)
    return not any(re.search(r"\b%s\b" % n, src) for n in names)


def _without(stmts, path):
    stmts = copy.deepcopy(stmts)
    cur = stmts
    for step in path[:-1]:
        cur = cur[step] if isinstance(step, int) else cur[step]
    _without.removed = [cur[path[-1]]]
    del cur[path[-1]]
    return stmts


def shrink(prog, found):
    """Remove statements (and returned names) while the same kind of mismatch remains."""
    kind, _, args = found
    body, ret = prog.body, list(prog.ret)
    inputs = [args]

    def still(b, r):
        try:
            res = check(prog, b, r, inputs)
        except Exception:  # noqa: BLE001
            return False
        return res is not None and res[0] == kind

    changed = True
    while changed:
        changed = False
        for path in list(_remove_paths(body)):
            nb = _without(body, path)
            if _valid(prog, nb, ret, _without.removed) and still(nb, ret):
                body, changed = nb, True
                break
        if len(ret) > 1:
            for j in range(len(ret)):
                nr = ret[:j] + ret[j + 1:]
                if still(body, nr):
                    ret, changed = nr, True
                    break
    return body, ret


def reproducer(prog, found):
    body, ret = shrink(prog, found)
    res = check(prog, body, ret, [found[2]]) or found
    src = prog.source(False, body, ret)
    return (f"# seed {prog.seed}: {res[0]} mismatch\nimport math, numpy as np\nfrom numpy import array, nan, inf\n"
            f"{src}args = {found[2]!r}\n# {res[1]}\n".replace("\n# swiftjit", "\n# swiftjit"))


class Result:
    def __init__(self, seed, status, detail=""):
        self.seed, self.status, self.detail = seed, status, detail

    def __repr__(self):
        return f"Result({self.seed}, {self.status})"


def run_program(seed, do_shrink=True):
    prog = Program(seed)
    try:
        found = check(prog)
    except Exception:  # noqa: BLE001
        return Result(seed, "error", prog.source(False) + traceback.format_exc())
    if found is None:
        return Result(seed, "ok")
    detail = reproducer(prog, found) if do_shrink else prog.source(False) + found[1]
    return Result(seed, "mismatch", detail)


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    s = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    p = Program(s)
    print(p.source(False))
    print(p.source(True))
    r = run_program(s)
    print(r.status)
    print(r.detail)


# ------------------------------------------------------------- crash shrinking
_CRASH_CHILD = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, %r)
import generator
d = json.load(open(sys.argv[1]))
prog = generator.Program(d["seed"])
inputs = [prog.inputs[i] for i in d["inputs"]]
generator.check(prog, d["body"], d["ret"], inputs)
"""


def crashes(seed, body, ret, input_ids, timeout=60):
    """Run the program in a fresh interpreter; True when that interpreter dies of a signal."""
    import json
    import os
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"seed": seed, "body": body, "ret": ret, "inputs": input_ids}, fh)
    try:
        p = subprocess.run([sys.executable, "-c", _CRASH_CHILD % os.path.dirname(os.path.abspath(__file__)), fh.name],
                           capture_output=True, timeout=timeout)
        return p.returncode < 0 or p.returncode > 128, p.returncode
    except subprocess.TimeoutExpired:
        return True, "timeout"
    finally:
        os.unlink(fh.name)


def shrink_crash(seed):
    """Minimal reproducer (source + arguments) of a program that kills the interpreter."""
    prog = Program(seed)
    body, ret = prog.body, list(prog.ret)
    ids = list(range(len(prog.inputs)))
    ok, rc = crashes(seed, body, ret, ids)
    if not ok:
        return None
    for i in ids:
        if crashes(seed, body, ret, [i])[0]:
            ids = [i]
            break
    changed = True
    while changed:
        changed = False
        for path in list(_remove_paths(body)):
            nb = _without(body, path)
            if _valid(prog, nb, ret, _without.removed) and crashes(seed, nb, ret, ids)[0]:
                body, changed = nb, True
                break
        if len(ret) > 1:
            for j in range(len(ret)):
                nr = ret[:j] + ret[j + 1:]
                if crashes(seed, body, nr, ids)[0]:
                    ret, changed = nr, True
                    break
    return (f"# seed {seed}: interpreter crash (exit {rc})\nimport math, numpy as np\nfrom numpy import array, nan, inf\n"
            f"{prog.source(False, body, ret)}args = {[prog.inputs[i] for i in ids]!r}[0]\n")
