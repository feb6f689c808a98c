#if canImport(Glibc)
import Glibc
#endif

/// Runtime helpers that generated code calls by name: rounding to decimal
/// digits, modular powers and CPython's complex algorithms. The backend
/// defines them in the JIT as absolute symbols.
enum Runtime {
    typealias RoundDigits = @convention(c) (Double, Int64) -> Double
    typealias RoundInt = @convention(c) (Int64, Int64) -> Int64
    typealias PowMod = @convention(c) (Int64, Int64, Int64, UnsafeMutablePointer<Int32>?) -> Int64
    typealias Complex2 = @convention(c) (Double, Double, Double, Double, UnsafeMutablePointer<Double>?) -> Int32
    typealias Complex1 = @convention(c) (Double, Double, UnsafeMutablePointer<Double>?) -> Int32
    typealias IntTrueDiv = @convention(c) (Int64, Int64) -> Double

    static var symbols: [(String, UInt64)] {
        func address<T>(_ f: T) -> UInt64 { UInt64(UInt(bitPattern: unsafeBitCast(f, to: UnsafeRawPointer.self))) }
        return [
            ("swiftjit_round_ndigits", address(swiftjit_round_ndigits as RoundDigits)),
            ("swiftjit_round_int", address(swiftjit_round_int as RoundInt)),
            ("swiftjit_powmod", address(swiftjit_powmod as PowMod)),
            ("swiftjit_cdiv", address(swiftjit_cdiv as Complex2)),
            ("swiftjit_cpow", address(swiftjit_cpow as Complex2)),
            ("swiftjit_csqrt", address(swiftjit_csqrt as Complex1)),
            ("swiftjit_cexp", address(swiftjit_cexp as Complex1)),
            ("swiftjit_clog", address(swiftjit_clog as Complex1)),
            ("swiftjit_crect", address(swiftjit_crect as Complex1)),
            ("swiftjit_int_truediv", address(swiftjit_int_truediv as IntTrueDiv)),
        ]
    }

    /// Decimal text of a double with printf.
    static func format(_ x: Double, _ spec: String, precision: Int32) -> [CChar] {
        var buffer = [CChar](repeating: 0, count: 1100)
        _ = withVaList([precision, x]) { vsnprintf(&buffer, buffer.count, spec, $0) }
        return buffer
    }
}

/// round(x, n) for a float: the double nearest to x rounded to n decimal
/// digits, ties to even on the exact binary value (as CPython's dtoa does).
@_cdecl("swiftjit_round_ndigits")
func swiftjit_round_ndigits(_ x: Double, _ n: Int64) -> Double {
    if !x.isFinite || x == 0 { return x }
    if n > 323 { return x }
    if n < -308 { return 0.0 * x }
    if n >= 0 {
        // glibc's printf rounds the exact value correctly, ties to even.
        let text = Runtime.format(x, "%.*f", precision: Int32(n))
        return strtod(text, nil)
    }
    let k = Int(-n)
    let whole = x.rounded(.towardZero)
    let hasFraction = whole != x
    let wholeText = Runtime.format(Swift.abs(whole), "%.*f", precision: 0)
    var digits = wholeText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) - 48 }
    if digits.count < k + 1 { digits = Array(repeating: 0, count: k + 1 - digits.count) + digits }
    let kept = Array(digits.prefix(digits.count - k))
    let dropped = Array(digits.suffix(k))
    let half = [UInt8(5)] + Array(repeating: 0, count: k - 1)
    let above = dropped.lexicographicallyPrecedes(half) == false && dropped != half
    let tie = dropped == half && !hasFraction
    let up = above || (dropped == half && hasFraction) || (tie && (kept.last ?? 0) % 2 == 1)
    var result = kept
    if up {
        var i = result.count - 1
        while i >= 0 {
            if result[i] == 9 { result[i] = 0; i -= 1 } else { result[i] += 1; break }
        }
        if i < 0 { result.insert(1, at: 0) }
    }
    let text = (x < 0 ? "-" : "") + result.map { String($0) }.joined() + "e\(k)"
    return strtod(text, nil)
}

/// round(x, n) for an int: x when n >= 0, else x rounded to a multiple of 10**-n, ties to even.
@_cdecl("swiftjit_round_int")
func swiftjit_round_int(_ x: Int64, _ n: Int64) -> Int64 {
    if n >= 0 { return x }
    if n < -18 { return 0 }
    var p: Int64 = 1
    for _ in 0..<(-n) { p *= 10 }
    var q = x / p
    var r = x % p
    if r < 0 { r += p; q -= 1 }
    if 2 * r > p || (2 * r == p && q & 1 == 1) { q += 1 }
    return q &* p
}

/// pow(b, e, m) for ints. Status 1: m is 0; 2: b has no inverse modulo m (negative e).
@_cdecl("swiftjit_powmod")
func swiftjit_powmod(_ base: Int64, _ exponent: Int64, _ modulus: Int64, _ status: UnsafeMutablePointer<Int32>?) -> Int64 {
    if modulus == 0 { status?.pointee = 1; return 0 }
    let m = Int128(modulus.magnitude)
    var b = Int128(base) % m
    if b < 0 { b += m }
    var e = Int128(exponent)
    if e < 0 {
        // Inverse of b modulo m by the extended Euclidean algorithm.
        var (r0, r1) = (b, m)
        var (s0, s1): (Int128, Int128) = (1, 0)
        while r1 != 0 {
            let q = r0 / r1
            (r0, r1) = (r1, r0 - q * r1)
            (s0, s1) = (s1, s0 - q * s1)
        }
        guard r0 == 1 || m == 1 else { status?.pointee = 2; return 0 }
        b = s0 % m
        if b < 0 { b += m }
        e = -e
    }
    var result: Int128 = 1 % m
    while e > 0 {
        if e & 1 == 1 { result = result * b % m }
        b = b * b % m
        e >>= 1
    }
    if modulus < 0 && result != 0 { result -= m }
    return Int64(truncatingIfNeeded: result)
}

/// CPython 3.11's _Py_c_quot. Returns 1 on division by zero.
@_cdecl("swiftjit_cdiv")
func swiftjit_cdiv(_ ar: Double, _ ai: Double, _ br: Double, _ bi: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    let (r, status) = ComplexMath.quot((ar, ai), (br, bi))
    out?[0] = r.0; out?[1] = r.1
    return status
}

/// CPython 3.11's complex_pow. Returns 1 for 0 to a negative or complex power, 2 on overflow.
@_cdecl("swiftjit_cpow")
func swiftjit_cpow(_ ar: Double, _ ai: Double, _ br: Double, _ bi: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    var status: Int32 = 0
    let r: (Double, Double)
    if bi == 0, br == br.rounded(.down), Swift.abs(br) <= 100 {
        let n = Int(br)
        if n > 0 {
            r = ComplexMath.powu((ar, ai), n)
        } else {
            let (q, s) = ComplexMath.quot((1, 0), ComplexMath.powu((ar, ai), -n))
            r = q; status = s
        }
    } else {
        (r, status) = ComplexMath.pow((ar, ai), (br, bi))
    }
    out?[0] = r.0; out?[1] = r.1
    if status != 0 { return 1 }
    return r.0.isInfinite || r.1.isInfinite ? 2 : 0
}

/// cmath.sqrt (CPython's algorithm for finite values).
@_cdecl("swiftjit_csqrt")
func swiftjit_csqrt(_ re: Double, _ im: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    let r = ComplexMath.sqrt((re, im))
    out?[0] = r.0; out?[1] = r.1
    return 0
}

/// cmath.exp. Returns 1 on overflow (OverflowError), 2 for an infinite imaginary part
/// with a finite or +inf real part (ValueError), as CPython.
@_cdecl("swiftjit_cexp")
func swiftjit_cexp(_ re: Double, _ im: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    var r: (Double, Double)
    if re.isFinite && im.isFinite {
        let large = log(Double.greatestFiniteMagnitude / 4)
        if re > large {
            let l = exp(re - 1)
            r = (l * cos(im) * M_E, l * sin(im) * M_E)
        } else {
            let l = exp(re)
            r = (l * cos(im), l * sin(im))
        }
        out?[0] = r.0; out?[1] = r.1
        return r.0.isInfinite || r.1.isInfinite ? 1 : 0
    }
    let status: Int32
    (r, status) = CMathSpecial.exp(re, im)
    out?[0] = r.0; out?[1] = r.1
    return status
}

/// cmath.rect(r, phi). Returns 2 (ValueError) for a non-zero r with an infinite phi.
@_cdecl("swiftjit_crect")
func swiftjit_crect(_ r: Double, _ phi: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    if r.isFinite && phi.isFinite {
        out?[0] = r * cos(phi); out?[1] = r * sin(phi)
        return 0
    }
    let (z, status) = CMathSpecial.rect(r, phi)
    out?[0] = z.0; out?[1] = z.1
    return status
}

/// cmath.log (CPython's c_log). Returns 1 for log(0).
@_cdecl("swiftjit_clog")
func swiftjit_clog(_ re: Double, _ im: Double, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    let ax = Swift.abs(re), ay = Swift.abs(im)
    var real: Double
    var status: Int32 = 0
    let large = Double.greatestFiniteMagnitude / 4
    if ax > large || ay > large {
        real = log(hypot(ax / 2, ay / 2)) + M_LN2
    } else if ax < Double.leastNormalMagnitude && ay < Double.leastNormalMagnitude {
        if ax > 0 || ay > 0 {
            real = log(hypot(scalbn(ax, 53), scalbn(ay, 53))) - 53 * M_LN2
        } else {
            real = -Double.infinity
            status = 1
        }
    } else {
        let h = hypot(ax, ay)
        if 0.71 <= h && h <= 1.73 {
            let am = ax > ay ? ax : ay, an = ax > ay ? ay : ax
            real = log1p((am - 1) * (am + 1) + an * an) / 2
        } else {
            real = log(h)
        }
    }
    out?[0] = real; out?[1] = atan2(im, re)
    return status
}

/// CPython's complex algorithms (Objects/complexobject.c, Modules/cmathmodule.c).
enum ComplexMath {
    typealias C = (Double, Double)

    static func prod(_ a: C, _ b: C) -> C { (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0) }

    static func quot(_ a: C, _ b: C) -> (C, Int32) {
        let absBr = Swift.abs(b.0), absBi = Swift.abs(b.1)
        if absBr >= absBi {
            if absBr == 0 { return ((0, 0), 1) }
            let ratio = b.1 / b.0
            let denom = b.0 + b.1 * ratio
            return (((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom), 0)
        } else if absBi >= absBr {
            let ratio = b.0 / b.1
            let denom = b.0 * ratio + b.1
            return (((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom), 0)
        }
        return ((.nan, .nan), 0)
    }

    static func powu(_ x: C, _ n: Int) -> C {
        var r: C = (1, 0), p = x
        var mask = 1
        while mask > 0 && n >= mask {
            if n & mask != 0 { r = prod(r, p) }
            mask <<= 1
            p = prod(p, p)
        }
        return r
    }

    static func pow(_ a: C, _ b: C) -> (C, Int32) {
        if b.0 == 0 && b.1 == 0 { return ((1, 0), 0) }
        if a.0 == 0 && a.1 == 0 {
            return ((0, 0), (b.1 != 0 || b.0 < 0) ? 1 : 0)
        }
        let vabs = hypot(a.0, a.1)
        var len = Glibc.pow(vabs, b.0)
        let at = atan2(a.1, a.0)
        var phase = at * b.0
        if b.1 != 0 {
            len /= exp(at * b.1)
            phase += b.1 * log(vabs)
        }
        return ((len * cos(phase), len * sin(phase)), 0)
    }

    static func sqrt(_ z: C) -> C {
        if z.0 == 0 && z.1 == 0 { return (0, z.1) }
        if !z.0.isFinite || !z.1.isFinite {
            if z.1.isInfinite { return (.infinity, z.1) }
            // C99 Annex G (CPython's table): sqrt(+inf + nan j) = inf + nan j, sqrt(-inf + nan j) = nan + inf j.
            if z.0.isInfinite && z.1.isNaN { return z.0 > 0 ? (.infinity, .nan) : (.nan, .infinity) }
            if z.0.isNaN || z.1.isNaN { return (.nan, .nan) }
            if z.0 > 0 { return (z.0, copysign(0, z.1)) }
            return (0, copysign(.infinity, z.1))
        }
        var ax = Swift.abs(z.0)
        let ay = Swift.abs(z.1)
        let s: Double
        if ax < Double.leastNormalMagnitude && ay < Double.leastNormalMagnitude {
            ax = scalbn(ax, 53)
            s = scalbn(Glibc.sqrt(ax + hypot(ax, scalbn(ay, 53))), -27)
        } else {
            ax /= 8
            s = 2 * Glibc.sqrt(ax + hypot(ax, ay / 8))
        }
        let d = ay / (2 * s)
        if z.0 >= 0 { return (s, copysign(d, z.1)) }
        return (d, copysign(s, z.1))
    }
}


/// int64 / int64 correctly rounded, as Python's int true division (b != 0).
/// The quotient is computed to 61+ bits with a sticky bit for the remainder, so
/// converting it to double rounds once, correctly.
@_cdecl("swiftjit_int_truediv")
func swiftjit_int_truediv(_ a: Int64, _ b: Int64) -> Double {
    if a == 0 { return b < 0 ? -0.0 : 0.0 }
    let negative = (a < 0) != (b < 0)
    let x = a.magnitude, y = b.magnitude
    let lx = 64 - x.leadingZeroBitCount, ly = 64 - y.leadingZeroBitCount
    let k = 62 - lx + ly  // 0...124: x << k fits in 128 bits, the quotient in 61...63 bits
    let high: UInt64 = k >= 64 ? x << (k - 64) : (k == 0 ? 0 : x >> (64 - k))
    let low: UInt64 = k >= 64 ? 0 : x << k
    let (q, r) = y.dividingFullWidth((high: high, low: low))
    let sticky = q | (r != 0 ? 1 : 0)
    let value = Double(sticky) * pow(2.0, Double(-k))
    return negative ? -value : value
}
