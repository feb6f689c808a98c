"""Golden tests of the messages of TypingError: every `case_<name>` in
golden_errors/cases.py must fail to compile with exactly the message in
golden_errors/<name>.txt (the file's directory is left out).

SWIFTJIT_UPDATE_GOLDEN=1 rewrites the golden files from the current messages.

The golden files are CPython 3.11's. Where another version's code object
reports other source positions (so the caret moves), golden_errors/<name>.pyXY.txt
holds that version's message (SWIFTJIT_UPDATE_GOLDEN=1 under that version writes
it when it differs). CPython 3.10 has no columns: its messages have no caret line,
and are compared with the golden files without theirs.
"""
import os

import pytest

from swiftjit import njit
from swiftjit.errors import InternalError, SwiftJITError, TypingError

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden_errors")

import sys  # noqa: E402
sys.path.insert(0, GOLDEN)
import cases  # noqa: E402

NAMES = sorted(n[len("case_"):] for n in dir(cases) if n.startswith("case_"))


def message_of(name):
    func = getattr(cases, "case_" + name)
    args = cases.ARGS.get(name, ())
    with pytest.raises(SwiftJITError) as info:
        njit(func)(*args)
    assert not isinstance(info.value, InternalError), str(info.value)
    return type(info.value).__name__ + ": " + str(info.value).replace(GOLDEN + os.sep, "") + "\n"


def test_enough_cases():
    assert len(NAMES) >= 25


VERSION_SUFFIX = ".py%d%d" % sys.version_info[:2]
HAS_COLUMNS = sys.version_info >= (3, 11)


def without_carets(text):
    return "".join(line for line in text.splitlines(True) if line.strip(" ^\n") or not line.strip())


@pytest.mark.parametrize("name", NAMES)
def test_golden_message(name):
    got = message_of(name)
    path = os.path.join(GOLDEN, name + ".txt")
    versioned = os.path.join(GOLDEN, name + VERSION_SUFFIX + ".txt")
    if os.environ.get("SWIFTJIT_UPDATE_GOLDEN") == "1" or not os.path.exists(path):
        if sys.version_info[:2] == (3, 11) or not os.path.exists(path):
            with open(path, "w") as f:
                f.write(got)
        elif HAS_COLUMNS:
            with open(path) as f:
                same = f.read() == got
            if same and os.path.exists(versioned):
                os.remove(versioned)
            elif not same:
                with open(versioned, "w") as f:
                    f.write(got)
    if os.path.exists(versioned):
        path = versioned
    with open(path) as f:
        expected = f.read()
    if not HAS_COLUMNS:
        got, expected = without_carets(got), without_carets(expected)
    assert got == expected


@pytest.mark.parametrize("name", NAMES)
def test_message_names_function_file_and_line(name):
    got = message_of(name)
    assert f"'case_{name}'" in got
    if "arguments" not in got.splitlines()[0] or "argument '" in got:
        assert "cases.py" in got


def test_typing_errors_are_typing_errors():
    for name in ["add_int_tuple", "unify_variable", "unknown_global"]:
        func = getattr(cases, "case_" + name)
        with pytest.raises(TypingError):
            njit(func)(*cases.ARGS[name])


def test_internal_errors_name_the_function_and_the_stage():
    # How the Swift core reports an error inside the compiler (CompileError kind "internal").
    from swiftjit._errors import make_error
    err = make_error("internal", "no storage for x", "f", __file__, 3, -1, -1, "lowering")
    assert isinstance(err, InternalError) and isinstance(err, SwiftJITError)
    assert "stage 'lowering'" in str(err) and "in function 'f'" in str(err) and "no storage for x" in str(err)
