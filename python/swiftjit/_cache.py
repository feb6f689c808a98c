"""Where ``cache=True`` keeps compiled code, and the public cache API.

Entries live in ``__pycache__`` next to the function's source file; when that
folder cannot be written, in ``$XDG_CACHE_HOME/swiftjit`` (or ``~/.cache/swiftjit``);
``SWIFTJIT_CACHE_DIR`` overrides both. Functions without a source file
(interactive sessions, ``exec``) are not cached.
"""
import hashlib
import os

SUFFIX = ".swiftjit"


def _writable_dir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def _user_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "swiftjit")


def _source_file(func):
    filename = func.__code__.co_filename
    if not filename or filename.startswith("<") or not os.path.isfile(filename):
        return None
    return os.path.abspath(filename)


def location(func):
    """(directory, file name prefix) for a function's cache entries, or None when it cannot be cached."""
    source = _source_file(func)
    if source is None:
        return None
    stem = os.path.splitext(os.path.basename(source))[0]
    prefix = f"{stem}.{func.__qualname__}"
    override = os.environ.get("SWIFTJIT_CACHE_DIR")
    if override:
        if not _writable_dir(override):
            return None
        return override, prefix
    local = os.path.join(os.path.dirname(source), "__pycache__")
    if _writable_dir(local):
        return local, prefix
    # A read-only source folder: a per-user folder, one subfolder per source directory.
    digest = hashlib.sha256(os.path.dirname(source).encode()).hexdigest()[:16]
    user = os.path.join(_user_dir(), digest)
    if _writable_dir(user):
        return user, prefix
    return None


def entries(func=None):
    """Paths of cache files: of one jitted function, or of every function in the cache folders in use."""
    if func is not None:
        py_func = getattr(func, "py_func", func)
        loc = location(py_func)
        if loc is None:
            return []
        directory, prefix = loc
        try:
            names = os.listdir(directory)
        except OSError:
            return []
        return sorted(os.path.join(directory, n) for n in names
                      if n.startswith(prefix + ".") and n.endswith(SUFFIX)
                      and n[len(prefix) + 1:-len(SUFFIX)].count(".") == 0)
    found = []
    for directory in _known_dirs():
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        found.extend(os.path.join(directory, n) for n in names if n.endswith(SUFFIX))
    return sorted(found)


_dirs_in_use = set()


def _known_dirs():
    dirs = set(_dirs_in_use)
    if os.environ.get("SWIFTJIT_CACHE_DIR"):
        dirs.add(os.environ["SWIFTJIT_CACHE_DIR"])
    return dirs


def clear(func=None):
    """Deletes cache files (of one function, or all known); returns how many were removed."""
    removed = 0
    for path in entries(func):
        try:
            os.remove(path)
            removed += 1
        except OSError:
            pass
    return removed
