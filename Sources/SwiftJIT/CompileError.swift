/// An error that stops compilation of one function.
///
/// `typing` and `unsupported` become `swiftjit.errors.TypingError` in Python,
/// `internal` becomes `swiftjit.errors.InternalError`.
public struct CompileError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Types that do not fit together (`cannot add int64 and tuple(...)`).
        case typing
        /// A Python feature nopython mode does not support (generators, with, ...).
        case unsupported
        /// A bug in swiftjit; the stage names where.
        case `internal`
    }
    public var kind: Kind
    /// One sentence saying what is wrong.
    public var message: String
    /// Where in the source, when known.
    public var position: SourcePosition
    /// The pipeline stage that failed (bytecode, frontend, typing, lowering, backend).
    public var stage: String

    public init(_ kind: Kind, _ message: String, at position: SourcePosition = .unknown, stage: String) {
        self.kind = kind; self.message = message; self.position = position; self.stage = stage
    }

    public var description: String { "\(stage): \(message) (\(position))" }
}
