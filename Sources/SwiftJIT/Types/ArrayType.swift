/// Element types of NumPy arrays in nopython mode.
public enum DType: String, Hashable, Sendable, CaseIterable {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, complex64, complex128

    /// NumPy's type number (`dtype.num`) on LP64 platforms; nil for unsupported ones.
    public init?(typeNumber: Int) {
        switch typeNumber {
        case 0: self = .bool
        case 1: self = .int8
        case 2: self = .uint8
        case 3: self = .int16
        case 4: self = .uint16
        case 5: self = .int32
        case 6: self = .uint32
        case 7, 9: self = .int64
        case 8, 10: self = .uint64
        case 11: self = .float32
        case 12: self = .float64
        case 14: self = .complex64
        case 15: self = .complex128
        default: return nil
        }
    }

    /// The canonical NumPy type number of this dtype.
    public var typeNumber: Int {
        switch self {
        case .bool: return 0
        case .int8: return 1
        case .uint8: return 2
        case .int16: return 3
        case .uint16: return 4
        case .int32: return 5
        case .uint32: return 6
        case .int64: return 7
        case .uint64: return 8
        case .float32: return 11
        case .float64: return 12
        case .complex64: return 14
        case .complex128: return 15
        }
    }

    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64: return 8
        case .complex128: return 16
        }
    }

    public var isFloat: Bool { self == .float32 || self == .float64 }
    public var isComplex: Bool { self == .complex64 || self == .complex128 }
    public var isSigned: Bool { [.int8, .int16, .int32, .int64].contains(self) }

    /// The scalar type an element reads as: every integer is computed as int64
    /// (as Numba promotes integer arithmetic to intp), float32 as float64.
    public var scalar: JITType {
        switch self {
        case .bool: return .boolean
        case .float32, .float64: return .float64
        case .complex64, .complex128: return .complex128
        default: return .int64
        }
    }

    /// The dtype NumPy gives the result of combining two dtypes in arithmetic
    /// (NumPy's promotion table for the dtypes nopython mode supports).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isComplex || b.isComplex {
            // complex64 holds float32 and small integers; anything wider needs complex128.
            let other = a.isComplex ? b : a
            let narrow = (a == .complex64 || b == .complex64) && !(a == .complex128 || b == .complex128)
                && (other.isComplex || other == .float32 || (!other.isFloat && other.itemSize <= 2))
            return narrow ? .complex64 : .complex128
        }
        if a.isFloat || b.isFloat {
            if a == .float64 || b == .float64 { return .float64 }
            // float32 with an integer of up to 16 bits stays float32; wider integers need float64.
            let other = a.isFloat ? b : a
            return other.isFloat || other.itemSize <= 2 ? .float32 : .float64
        }
        if a.isSigned == b.isSigned {
            return a.itemSize >= b.itemSize ? a : b
        }
        let (signed, unsigned) = a.isSigned ? (a, b) : (b, a)
        if unsigned.itemSize < signed.itemSize { return signed }
        switch unsigned.itemSize {
        case 1: return .int16
        case 2: return .int32
        case 4: return .int64
        default: return .float64
        }
    }

    /// The dtype of an array holding values of a scalar type.
    public static func of(_ t: JITType) -> DType? {
        switch t {
        case .boolean: return .bool
        case .int64: return .int64
        case .float64: return .float64
        case .complex128: return .complex128
        default: return nil
        }
    }
}

/// Memory layout of an array, as far as the compiler can rely on it.
public enum Layout: String, Hashable, Sendable {
    /// C-contiguous: the last axis has unit stride.
    case c = "C"
    /// Fortran-contiguous.
    case f = "F"
    /// Any strides (views, reversed arrays).
    case any = "A"
}

/// The type of an ndarray: dtype, number of dimensions, layout and writability.
public struct ArrayType: Hashable, Sendable, CustomStringConvertible {
    public var dtype: DType
    public var ndim: Int
    public var layout: Layout
    public var writable: Bool
    public init(dtype: DType, ndim: Int, layout: Layout, writable: Bool = true) {
        self.dtype = dtype; self.ndim = ndim; self.layout = layout; self.writable = writable
    }
    public var description: String {
        "array(\(dtype.rawValue), \(ndim)d, \(layout.rawValue)\(writable ? "" : ", readonly"))"
    }
}
