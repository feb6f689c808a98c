/// Typing of NumPy's advanced indexing with one array index, as Numba supports it:
/// `a[mask]` with a boolean array of the array's shape (a 1-d copy of the selected elements
/// in C order), `a[idx]` with a 1-d integer array (or a 1-d boolean array, taken as the
/// positions of its true elements) for one axis, mixed with integers and slices (`m[i, idx]`,
/// `m[idx, 1:]`). The result is always a new C-contiguous array (NumPy copies too).
/// Lowering: `Lowering/AdvancedIndexing.swift`.
enum ArrayIndexingTyping {
    /// How an advanced index selects, decided from the index's type.
    enum Kind: Equatable {
        /// A boolean array of the same number of dimensions: selected elements, 1-d.
        case fullMask
        /// One part of the index (at `axis` of the parts) is a 1-d integer or boolean array.
        case oneArray(axis: Int)
    }

    static func err(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }

    /// The parts of an index, one per indexed axis.
    static func parts(_ index: JITType) -> [JITType] {
        if case .tuple(let items) = index { return items }
        return [index]
    }

    /// nil when `index` has no array in it (basic indexing), else how it selects.
    static func kind(_ a: ArrayType, _ index: JITType) throws -> Kind? {
        let ps = parts(index)
        let arrays = ps.indices.filter { ps[$0].isArray }
        guard !arrays.isEmpty else { return nil }
        guard arrays.count == 1 else {
            throw err("cannot index \(a) with \(index): only one array index is supported in nopython mode (as in Numba)")
        }
        guard case .array(let ia) = ps[arrays[0]] else { return nil }
        if ps.count == 1, ia.dtype == .bool, ia.ndim == a.ndim, a.ndim > 1 { return .fullMask }
        if ps.count == 1, ia.dtype == .bool, ia.ndim == 1, a.ndim == 1 { return .fullMask }
        guard ps.count <= a.ndim else { throw err("too many indices for \(a): \(ps.count) given") }
        guard ia.ndim == 1 else {
            throw err("cannot index \(a) with \(ia): an index array must be 1-d, or a boolean mask of the array's shape")
        }
        guard !ia.dtype.isFloat, !ia.dtype.isComplex else {
            throw err("cannot index \(a) with \(ia): arrays used as indices must be of integer or boolean type")
        }
        for p in ps where !p.isArray {
            switch p {
            case .int64, .boolean, .slice, .literalSlice: break
            default: throw err("cannot index \(a) with \(p): only integers, slices and one array are supported")
            }
        }
        return .oneArray(axis: arrays[0])
    }

    /// Where the array's dimension goes in the result (NumPy: in place when the integer and array
    /// indices are next to each other, else first), and the result's number of dimensions.
    static func placement(_ a: ArrayType, _ ps: [JITType], axis: Int) -> (position: Int, ndim: Int) {
        let advanced = ps.indices.filter { !ps[$0].isSlice }
        let first = advanced.first ?? axis, last = advanced.last ?? axis
        let adjacent = last - first + 1 == advanced.count
        let slicesBefore = ps.prefix(first).filter { $0.isSlice }.count
        let integers = advanced.count - 1
        return (adjacent ? slicesBefore : 0, a.ndim - integers)
    }

    /// The type of `a[index]` for an advanced index, nil for basic indexing.
    static func getitem(_ a: ArrayType, _ index: JITType) throws -> JITType? {
        guard let k = try kind(a, index) else { return nil }
        switch k {
        case .fullMask:
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c))
        case .oneArray(let axis):
            let (_, ndim) = placement(a, parts(index), axis: axis)
            return .array(ArrayType(dtype: a.dtype, ndim: ndim, layout: .c))
        }
    }
}
