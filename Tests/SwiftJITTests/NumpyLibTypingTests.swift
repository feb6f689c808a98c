import XCTest
@testable import SwiftJIT

/// Result types and typing errors of NumPy's sorting, statistics and random functions.
final class NumpyLibTypingTests: XCTestCase {
    let f64 = ArrayType(dtype: .float64, ndim: 1, layout: .c)
    let i8x2 = ArrayType(dtype: .int8, ndim: 2, layout: .f)

    func array(_ d: DType, _ n: Int) -> JITType { .array(ArrayType(dtype: d, ndim: n, layout: .c)) }

    func testSortingKeepsShapeAndDType() throws {
        XCTAssertEqual(try NumpyLibTyping.call("sort", [.array(i8x2)]), array(.int8, 2))
        XCTAssertEqual(try NumpyLibTyping.call("argsort", [.array(f64), nil, .literalString("stable")]), array(.int64, 1))
        XCTAssertEqual(try NumpyLibTyping.method(f64, "sort", []), JITType.none)
        XCTAssertThrowsError(try NumpyLibTyping.call("argsort", [.array(f64), nil, .literalString("fast")]))
        XCTAssertThrowsError(try NumpyLibTyping.call("sort", [.array(ArrayType(dtype: .complex128, ndim: 1, layout: .c))]))
        XCTAssertThrowsError(try NumpyLibTyping.method(ArrayType(dtype: .int64, ndim: 1, layout: .c, writable: false), "sort", []))
    }

    func testStatistics() throws {
        XCTAssertEqual(try NumpyLibTyping.call("median", [.array(i8x2)]), .float64)
        XCTAssertEqual(try NumpyLibTyping.call("percentile", [.array(f64), .int64]), .float64)
        XCTAssertEqual(try NumpyLibTyping.call("quantile", [.array(f64), .array(f64)]), array(.float64, 1))
        XCTAssertThrowsError(try NumpyLibTyping.call("percentile", [.array(ArrayType(dtype: .bool, ndim: 1, layout: .c)), .float64]))
        XCTAssertEqual(try NumpyLibTyping.call("histogram", [.array(f64), .int64, .tuple([.int64, .float64])]),
                       .tuple([array(.int64, 1), array(.float64, 1)]))
        XCTAssertEqual(try NumpyLibTyping.call("cumsum", [.array(i8x2)]), array(.int64, 1))
        XCTAssertEqual(try NumpyLibTyping.call("cumprod", [array(.uint16, 1)]), array(.uint64, 1))
    }

    func testSearchingAndJoining() throws {
        XCTAssertEqual(try NumpyLibTyping.call("nonzero", [.array(i8x2)]), .tuple([array(.int64, 1), array(.int64, 1)]))
        XCTAssertEqual(try NumpyLibTyping.call("where", [array(.bool, 1), .array(f64), .int64]), array(.float64, 1))
        XCTAssertEqual(try NumpyLibTyping.call("searchsorted", [.array(f64), .float64, .literalString("right")]), .int64)
        XCTAssertEqual(try NumpyLibTyping.call("concatenate", [.tuple([array(.int32, 2), array(.float32, 2)])]), array(.float64, 2))
        XCTAssertEqual(try NumpyLibTyping.call("stack", [.tuple([.array(f64), .array(f64)])]), array(.float64, 2))
        XCTAssertThrowsError(try NumpyLibTyping.call("concatenate", [.array(f64)]))
        XCTAssertThrowsError(try NumpyLibTyping.call("concatenate", [.tuple([array(.int64, 1), array(.int64, 2)])]))
    }

    func testRandom() throws {
        XCTAssertEqual(try NumpyLibTyping.call("random.random", [nil]), .float64)
        XCTAssertEqual(try NumpyLibTyping.call("random.random", [.tuple([.int64, .int64])]), array(.float64, 2))
        XCTAssertEqual(try NumpyLibTyping.call("random.rand", [.int64, .int64, .int64, nil, nil]), array(.float64, 3))
        XCTAssertEqual(try NumpyLibTyping.call("random.randint", [.int64, .int64, nil]), .int64)
        XCTAssertEqual(try NumpyLibTyping.call("random.choice", [.array(f64), nil, nil]), .float64)
        XCTAssertEqual(try NumpyLibTyping.call("random.permutation", [.int64]), array(.int64, 1))
        XCTAssertThrowsError(try NumpyLibTyping.call("random.seed", [.float64]))
        XCTAssertEqual(try NumpyLibTyping.stdlibCall("randint", [.int64, .int64], keywords: []).result, .int64)
        XCTAssertEqual(try NumpyLibTyping.stdlibCall("gauss", [.float64, .int64], keywords: []).result, .float64)
        XCTAssertThrowsError(try NumpyLibTyping.stdlibCall("expovariate", [.float64], keywords: []))
    }
}
