#ifndef SWIFTJIT_LISTS_H
#define SWIFTJIT_LISTS_H
// Helpers for dict views, lists of arrays, np.array of lists and sorting with a key
// (Sources/CPython/listextras.c); the JIT finds them by name through
// swiftjit_listextras_symbol, registered at import like the runtime helpers.
#include <stdint.h>
#include "SwiftJITRuntime.h"

/// The i-th helper: its address, and its name in *name; NULL past the last one.
void *swiftjit_listextras_symbol(int i, const char **name);
/// A live view (mode 0 keys, 1 values, 2 items) of a native dict, as dict.keys() gives.
PyObject *swiftjit_dictview_new(PyObject *dict, int mode);
/// Native dict helpers the views use (nativedict.c).
PyObject *swiftjit_nd_iter_mode(PyObject *o, int mode);
PyObject *swiftjit_nd_to_pydict(PyObject *o);
int swiftjit_nd_check(PyObject *o);
/// Native list helpers (nativelist.c).
PyObject *swiftjit_nl_to_list(PyObject *o);
PyObject *swiftjit_nl_export_steal(PyObject *o, const char *desc);
/// Trims a native list's buffer to its length (an array is about to take it over); 0 or -1.
int swiftjit_nl_shrink(PyObject *o);
/// An empty native list of `kind` with room for `capacity` elements.
PyObject *swiftjit_nl_make_reserved(int64_t kind, int64_t capacity);
#endif
