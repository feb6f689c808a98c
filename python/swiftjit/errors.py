"""Exceptions and warnings raised by swiftjit."""

__all__ = [
    "SwiftJITError", "TypingError", "UnsupportedError", "InternalError",
    "SwiftJITWarning", "FallbackWarning",
]


class SwiftJITError(Exception):
    """Base class of swiftjit's errors."""


class TypingError(SwiftJITError):
    """A function cannot be compiled in nopython mode.

    The message names the function, the file and line, shows the source line
    with a caret under the failing operation and says what is wrong.
    Attributes: ``function``, ``filename``, ``lineno``, ``cause``.
    """

    def __init__(self, message, *, function=None, filename=None, lineno=None, cause=None):
        super().__init__(message)
        self.function = function
        self.filename = filename
        self.lineno = lineno
        self.cause = cause


class UnsupportedError(TypingError):
    """A Python feature that nopython mode does not support (generators, with, ...)."""


class InternalError(SwiftJITError):
    """A bug in swiftjit itself; the message names the function and the compiler stage."""


class SwiftJITWarning(UserWarning):
    """Base class of swiftjit's warnings."""


class FallbackWarning(SwiftJITWarning):
    """A function fell back from nopython mode to object mode."""
