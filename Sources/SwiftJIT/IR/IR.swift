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

    public init(label: Label, offset: Int, statements: [Located<Stmt>] = [],
                terminator: Located<Terminator> = Located(.unreachable, .unknown)) {
        self.label = label; self.offset = offset; self.statements = statements; self.terminator = terminator
    }

    public var successors: [Label] {
        switch terminator.node {
        case .jump(let l): return [l]
        case .branch(_, let t, let f): return t == f ? [t] : [t, f]
        case .forIter(_, _, let b, let e): return [b, e]
        case .ret, .raise, .unreachable: return []
        }
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
        case .buildTuple(let vs), .buildSlice(let vs), .buildList(let vs), .buildSet(let vs), .buildString(let vs):
            return vs
        case .buildMap(let ks, let vs): return ks + vs
        case .formatValue(let v, _, let spec): return [v] + (spec.map { [$0] } ?? [])
        }
    }
}
