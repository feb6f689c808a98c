/// swiftjit's intermediate representation: blocks of statements over named
/// variables, in the style of Numba's IR. A variable may be assigned more than
/// once (Python locals are variables); type inference unifies all of its
/// assignments, and lowering gives each variable one stack slot that LLVM's
/// mem2reg turns into SSA values.

/// A variable of an `IRFunction`, identified by its index.
public struct Var: Hashable, Sendable, Comparable {
    public let id: Int
    public init(_ id: Int) { self.id = id }
    public static func < (a: Var, b: Var) -> Bool { a.id < b.id }
}

/// A basic block's label (its index in `IRFunction.blocks`).
public struct Label: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let id: Int
    public init(_ id: Int) { self.id = id }
    public static func < (a: Label, b: Label) -> Bool { a.id < b.id }
    public var description: String { "block\(id)" }
}

public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*", trueDiv = "/", floorDiv = "//", mod = "%", pow = "**"
    case lshift = "<<", rshift = ">>", and = "&", or = "|", xor = "^", matmul = "@"

    /// CPython's NB_* numbering used by BINARY_OP (the in-place forms add 13).
    public static func fromBinaryOpArg(_ arg: Int) -> (BinaryOperator, inplace: Bool)? {
        let table: [BinaryOperator] = [.add, .and, .floorDiv, .lshift, .matmul, .mul, .mod, .or, .pow,
                                       .rshift, .sub, .trueDiv, .xor]
        let inplace = arg >= 13
        let index = inplace ? arg - 13 : arg
        guard index >= 0, index < table.count else { return nil }
        return (table[index], inplace)
    }
}

public enum UnaryOperator: String, Hashable, Sendable {
    case neg = "-", pos = "+", not = "not", invert = "~"
}

public enum CompareOperator: String, Hashable, Sendable {
    case lt = "<", le = "<=", eq = "==", ne = "!=", gt = ">", ge = ">="
    case `is` = "is", isNot = "is not", `in` = "in", notIn = "not in"

    /// CPython's COMPARE_OP argument (3.10, 3.11: the index; 3.12: index << 4;
    /// 3.13: index << 5, bit 4 asks for a bool result).
    public static func fromCompareOpArg(_ arg: Int, version: PythonVersion) -> CompareOperator? {
        let index = version.minor >= 13 ? arg >> 5 : version.minor >= 12 ? arg >> 4 : arg
        let table: [CompareOperator] = [.lt, .le, .eq, .ne, .gt, .ge]
        guard index >= 0, index < table.count else { return nil }
        return table[index]
    }
}

/// The right-hand side of an assignment.
public indirect enum Expr: Hashable, Sendable {
    /// The function's argument number `n`.
    case arg(Int)
    case const(Constant)
    case copy(Var)
    /// A global or builtin name, resolved against the function's globals at compile time.
    case global(String)
    /// A free variable of a closure (its value at compile time).
    case freevar(String)
    case getattr(Var, String)
    case binary(BinaryOperator, Var, Var, inplace: Bool)
    case unary(UnaryOperator, Var)
    case compare(CompareOperator, Var, Var)
    /// Python truth of a value (`bool(x)`), used by branches.
    case truth(Var)
    /// A call; the last `keywords.count` arguments are passed by those keywords.
    case call(Var, args: [Var], keywords: [String])
    case buildTuple([Var])
    case getitem(Var, Var)
    /// Item `index` of a tuple, from UNPACK_SEQUENCE (the index is a constant).
    case staticGetitem(Var, Int)
    case getiter(Var)
    case buildSlice([Var])
    /// `[a, b, ...]` (a new list; an empty one takes its element type from later uses).
    case buildList([Var])
    /// `{a, b, ...}`
    case buildSet([Var])
    /// `{k: v, ...}`
    case buildMap(keys: [Var], values: [Var])
    /// The concatenation of str pieces (an f-string).
    case buildString([Var])
    /// `format(value, spec)` after a conversion (0 none, 1 `!s`, 2 `!r`, 3 `!a`), for f-strings.
    case formatValue(Var, conversion: Int, spec: Var?)
    // Object mode only (the nopython stages reject these with a clear error):
    /// `import name` (IMPORT_NAME): `__import__(name, globals, None, fromlist, level)`.
    case importName(String, fromlist: Var, level: Var)
    /// `from module import name` (IMPORT_FROM).
    case importFrom(Var, String)
    /// A function made from a nested code object (MAKE_FUNCTION), with the function's globals.
    case makeFunction(code: Var, defaults: Var?, kwdefaults: Var?, closure: Var?)
    /// `f(*args, **kwargs)` (CALL_FUNCTION_EX).
    case callEx(Var, args: Var, kwargs: Var?)
    /// The items of an iterable as a tuple of exactly `count` items (UNPACK_SEQUENCE), or ValueError.
    case unpack(Var, count: Int)
    /// `tuple(list)` (LIST_TO_TUPLE).
    case listToTuple(Var)
    /// Runs lifted loop number `index` with its live-in values: the tuple of its
    /// live-out values, or None when the loop does not compile for these types.
    case liftedLoop(Int, [Var])
    /// A new cell holding the value of `Var` (which may be unbound): MAKE_CELL.
    case makeCell(Var)
    /// The contents of the cell held by `Var` (LOAD_DEREF of a cell variable named `name`).
    case cellGet(Var, name: String)
    /// The cell of a free variable itself (LOAD_CLOSURE / STORE_DEREF of a free variable).
    case freevarCell(String)
    /// The exception being handled (`sys.exception()`, None outside handlers): PUSH_EXC_INFO.
    case handledException
    /// Whether exception `Var` matches the class or tuple of classes of the second (CHECK_EXC_MATCH).
    case exceptionMatches(Var, Var)
    /// `(mgr.__exit__, mgr.__enter__())` (BEFORE_WITH).
    case beforeWith(Var)
    /// `exit(type(exc), exc, exc.__traceback__)` (WITH_EXCEPT_START).
    case withExceptStart(exit: Var, exception: Var)
    /// The value of local `Var`, unbound or not, leaving it unbound (3.12 LOAD_FAST_AND_CLEAR).
    case takeLocal(Var)
    /// The exception `Var` (a class is instantiated) with `__cause__` set to the second
    /// (a class is instantiated; None clears it): `raise X from Y` raises this.
    case exceptionWithCause(Var, Var)
    /// `a, *b, c = seq` (UNPACK_EX): a tuple of `before` items, a list of the rest, then
    /// `after` items; ValueError when there are fewer than `before + after`.
    case unpackEx(Var, before: Int, after: Int)
    /// Nopython try/except: the exception that reached this handler (the descriptor
    /// pointer in the call context, as an int64; Lowering/TryExcept.swift).
    case caughtException
}

/// A statement: one step of a block.
public enum Stmt: Hashable, Sendable {
    case assign(Var, Expr)
    case setitem(target: Var, index: Var, value: Var)
    case setattr(target: Var, name: String, value: Var)
    /// Evaluated for its effects only (for example a call whose result is dropped).
    case discard(Var)
    /// `del name`
    case delete(Var)
    /// `list.append(value)` of a comprehension (LIST_APPEND).
    case listAppend(list: Var, value: Var)
    /// `set.add(value)` of a comprehension (SET_ADD).
    case setAdd(set: Var, value: Var)
    /// `dict[key] = value` of a comprehension (MAP_ADD).
    case mapAdd(dict: Var, key: Var, value: Var)
    /// `del target[index]`
    case delitem(target: Var, index: Var)
    // Object mode only:
    /// `del target.name`
    case delattr(target: Var, name: String)
    /// LIST_EXTEND, SET_UPDATE, DICT_UPDATE (merge: false) and DICT_MERGE (merge: true, duplicate keys raise).
    case listExtend(Var, Var)
    case setUpdate(Var, Var)
    case dictUpdate(Var, Var, merge: Bool)
    /// `global name; name = value` and `del name`.
    case storeGlobal(String, Var)
    case deleteGlobal(String)
    /// Stores into the cell held by the first variable (STORE_DEREF).
    case cellSet(Var, Var)
    /// Makes `Var` the exception being handled (PUSH_EXC_INFO, POP_EXCEPT).
    case setHandledException(Var)
    /// Raises exception `Var` again with its traceback (RERAISE); the block ends `unreachable`.
    case reraise(Var)
    /// Nopython try/except: the caught exception `Var` is handled (its traceback entries and a
    /// pending Python error are forgotten): the POP_TOP / STORE_FAST after a matching `except`.
    case clearException(Var)
    /// Nopython try/except: raises the caught exception `Var` again (RERAISE, or a bare `raise`
    /// in a handler with `newEntry`: it records the raising line); the block ends `unreachable`.
    case reraiseCaught(Var, newEntry: Bool)
}

/// Where the exceptions raised in a block go (object mode, from the code's exception table).
public struct ExceptionHandler: Hashable, Sendable {
    /// The handler block.
    public var label: Label
    /// The handler's stack variable that receives the exception object.
    public var exception: Var
    /// The handler's stack variable for the raising instruction's offset (set to None), if any.
    public var lasti: Var?
    public init(label: Label, exception: Var, lasti: Var?) {
        self.label = label; self.exception = exception; self.lasti = lasti
    }
}

/// How a block ends.
public enum Terminator: Hashable, Sendable {
    case jump(Label)
    case branch(Var, ifTrue: Label, ifFalse: Label)
    case ret(Var)
    /// Advances `iterator`; on a value stores it in `value` and goes to `body`,
    /// when exhausted goes to `exit`.
    case forIter(iterator: Var, value: Var, body: Label, exit: Label)
    /// `raise exc` (or a bare `raise` when nil).
    case raise(Var?)
    case unreachable
}

/// A statement together with where it came from in the source.
public struct Located<T: Hashable & Sendable>: Hashable, Sendable {
    public var node: T
    public var position: SourcePosition
    public init(_ node: T, _ position: SourcePosition) { self.node = node; self.position = position }
}

public struct Block: Hashable, Sendable {
    public var label: Label
    /// Byte offset in the original bytecode where this block starts (-1 for synthetic blocks).
    public var offset: Int
    public var statements: [Located<Stmt>]
    public var terminator: Located<Terminator>
    /// Object mode: the handler of the exceptions raised in this block, if any.
    public var handler: ExceptionHandler? = nil

    public init(label: Label, offset: Int, statements: [Located<Stmt>] = [],
                terminator: Located<Terminator> = Located(.unreachable, .unknown)) {
        self.label = label; self.offset = offset; self.statements = statements; self.terminator = terminator
    }

    public var successors: [Label] {
        var out: [Label]
        switch terminator.node {
        case .jump(let l): out = [l]
        case .branch(_, let t, let f): out = t == f ? [t] : [t, f]
        case .forIter(_, _, let b, let e): out = [b, e]
        case .ret, .raise, .unreachable: out = []
        }
        if let h = handler, !out.contains(h.label) { out.append(h.label) }
        return out
    }
}

/// A function in IR form. Block 0 is the entry.
public struct IRFunction: Hashable, Sendable {
    public var name: String
    public var qualname: String
    public var filename: String
    public var firstLine: Int
    public var argNames: [String]
    /// Variable names, indexed by `Var.id`. Python locals keep their names;
    /// temporaries start with `$`.
    public var varNames: [String]
    public var blocks: [Block]
    /// Free variable names, and global names used.
    public var freevars: [String]

    public init(name: String, qualname: String, filename: String, firstLine: Int, argNames: [String],
                varNames: [String] = [], blocks: [Block] = [], freevars: [String] = []) {
        self.name = name; self.qualname = qualname; self.filename = filename; self.firstLine = firstLine
        self.argNames = argNames; self.varNames = varNames; self.blocks = blocks; self.freevars = freevars
    }

    public mutating func newVar(_ name: String) -> Var {
        varNames.append(name)
        return Var(varNames.count - 1)
    }

    public func name(of v: Var) -> String { varNames[v.id] }
}

extension IRFunction {
    /// Whether the control flow graph has a cycle (a loop), found by depth-first search.
    public var hasLoops: Bool {
        var state = [UInt8](repeating: 0, count: blocks.count)  // 0 new, 1 on stack, 2 done
        var stack: [(Int, Int)] = [(0, 0)]
        guard !blocks.isEmpty else { return false }
        state[0] = 1
        while let (b, next) = stack.last {
            let succ = blocks[b].successors
            if next < succ.count {
                stack[stack.count - 1].1 += 1
                let s = succ[next].id
                if state[s] == 1 { return true }
                if state[s] == 0 { state[s] = 1; stack.append((s, 0)) }
            } else {
                state[b] = 2
                stack.removeLast()
            }
        }
        return false
    }
}

extension Expr {
    /// The variables an expression reads.
    public var operands: [Var] {
        switch self {
        case .arg, .const, .global, .freevar: return []
        case .copy(let v), .getattr(let v, _), .unary(_, let v), .truth(let v), .staticGetitem(let v, _), .getiter(let v):
            return [v]
        case .binary(_, let a, let b, _), .compare(_, let a, let b), .getitem(let a, let b): return [a, b]
        case .call(let f, let args, _): return [f] + args
        case .buildTuple(let vs), .buildSlice(let vs), .buildList(let vs), .buildSet(let vs), .buildString(let vs),
             .liftedLoop(_, let vs):
            return vs
        case .buildMap(let k, let v): return k + v
        case .formatValue(let v, _, let spec): return [v] + (spec.map { [$0] } ?? [])
        case .importName(_, let a, let b): return [a, b]
        case .importFrom(let v, _), .unpack(let v, _), .listToTuple(let v), .cellGet(let v, _), .beforeWith(let v):
            return [v]
        case .handledException, .caughtException: return []
        case .exceptionMatches(let a, let b), .withExceptStart(let a, let b), .exceptionWithCause(let a, let b):
            return [a, b]
        case .unpackEx(let v, _, _): return [v]
        case .makeCell, .takeLocal: return []  // read the slot as it is, unbound or not
        case .freevarCell: return []
        case .makeFunction(let c, let d, let k, let cl): return [c] + [d, k, cl].compactMap { $0 }
        case .callEx(let f, let a, let k): return [f, a] + (k.map { [$0] } ?? [])
        }
    }
}

extension Stmt {
    /// The variables a statement reads.
    public var operands: [Var] {
        switch self {
        case .assign(_, let e): return e.operands
        case .setitem(let t, let i, let v): return [t, i, v]
        case .setattr(let t, _, let v): return [t, v]
        case .discard(let v): return [v]
        case .delete: return []
        case .listAppend(let a, let b), .setAdd(let a, let b), .delitem(let a, let b), .listExtend(let a, let b),
             .setUpdate(let a, let b), .dictUpdate(let a, let b, _), .cellSet(let a, let b):
            return [a, b]
        case .mapAdd(let a, let b, let c): return [a, b, c]
        case .delattr(let t, _): return [t]
        case .storeGlobal(_, let v), .setHandledException(let v), .reraise(let v), .clearException(let v),
             .reraiseCaught(let v, _):
            return [v]
        case .deleteGlobal: return []
        }
    }

    /// Whether the statement exists only in object mode.
    public var isObjectModeOnly: Bool {
        switch self {
        case .assign(_, let e): return e.isObjectModeOnly
        case .setitem, .setattr, .discard, .delete, .listAppend, .setAdd, .mapAdd, .delitem, .clearException,
             .reraiseCaught:
            return false
        default: return true
        }
    }
}

extension Expr {
    /// Whether the expression exists only in object mode.
    public var isObjectModeOnly: Bool {
        switch self {
        case .importName, .importFrom, .makeFunction,
             .callEx, .unpack, .listToTuple, .liftedLoop, .makeCell, .cellGet, .freevarCell, .handledException,
             .exceptionMatches, .beforeWith, .withExceptStart, .takeLocal, .exceptionWithCause, .unpackEx:
            return true
        default: return false
        }
    }

    /// The construct an object-mode-only expression comes from, for error messages.
    public var objectModeFeature: String {
        switch self {
        case .buildList, .listToTuple: return "lists"
        case .buildSet: return "sets"
        case .buildMap: return "dicts"
        case .buildString, .formatValue: return "f-strings"
        case .importName, .importFrom: return "import statements"
        case .makeFunction: return "inner functions and lambdas"
        case .callEx: return "calls with *args or **kwargs"
        case .unpack: return "unpacking of non-tuples"
        case .unpackEx: return "starred unpacking"
        case .exceptionWithCause: return "raise ... from ..."
        case .liftedLoop: return "lifted loops"
        case .makeCell, .cellGet, .freevarCell: return "variables captured by inner functions"
        case .handledException, .exceptionMatches: return "try/except"
        case .beforeWith, .withExceptStart: return "with statements"
        case .takeLocal: return "inline comprehensions"
        default: return "this construct"
        }
    }
}
