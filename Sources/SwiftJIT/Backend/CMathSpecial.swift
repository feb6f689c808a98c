#if canImport(Glibc)
import Glibc
#endif

/// CPython's results of cmath.exp and cmath.rect where an input is infinite or NaN
/// (C99 Annex G, which CPython's special-value tables follow), with its error status:
/// 0 none, 2 domain error (ValueError "math domain error"). Finite inputs are not
/// handled here. Checked value by value against CPython by tests/test_cmath_special.py.
enum CMathSpecial {
    typealias C = (Double, Double)

    /// exp(re + im j) with re or im not finite.
    static func exp(_ re: Double, _ im: Double) -> (C, Int32) {
        // Domain error: an infinite imaginary part, unless the real part is nan or -inf.
        let status: Int32 = im.isInfinite && (re.isFinite || re == .infinity) ? 2 : 0
        if re.isInfinite && im.isFinite && im != 0 {
            // exp(+-inf) times cis(im): the signs of cos and sin decide the quadrant.
            let magnitude = re > 0 ? Double.infinity : 0.0
            return ((copysign(magnitude, cos(im)), copysign(magnitude, sin(im))), status)
        }
        if re == .infinity {
            // +inf + (+-0) j keeps the zero; +inf + (inf or nan) j is inf + nan j.
            return (im == 0 ? (.infinity, im) : (.infinity, .nan), status)
        }
        if re == -.infinity {
            // Everything vanishes; only a zero imaginary part keeps its sign.
            return ((0.0, im == 0 ? im : 0.0), status)
        }
        if re.isNaN && im == 0 { return ((.nan, im), status) }
        return ((.nan, .nan), status)
    }

    /// rect(r, phi) with r or phi not finite.
    static func rect(_ r: Double, _ phi: Double) -> (C, Int32) {
        // Domain error: a non-zero, non-nan modulus with an infinite angle.
        let status: Int32 = r != 0 && !r.isNaN && phi.isInfinite ? 2 : 0
        if r.isInfinite && phi.isFinite && phi != 0 {
            let sign = r > 0 ? 1.0 : -1.0
            return ((sign * copysign(.infinity, cos(phi)), sign * copysign(.infinity, sin(phi))), status)
        }
        if r.isInfinite {
            // phi is +-0, inf or nan: a zero angle keeps the modulus on the real axis.
            if phi == 0 { return ((r, r > 0 ? phi : -phi), status) }
            return ((.infinity, .nan), status)
        }
        if r == 0 {
            // r is +-0 and phi is inf or nan (finite phi is ordinary arithmetic).
            return ((0.0, 0.0), status)
        }
        if r.isNaN {
            return (phi == 0 ? (.nan, 0.0) : (.nan, .nan), status)
        }
        // Finite non-zero r, phi inf or nan.
        return ((.nan, .nan), status)
    }
}
