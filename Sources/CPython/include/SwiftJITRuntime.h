#ifndef SWIFTJIT_RUNTIME_H
#define SWIFTJIT_RUNTIME_H
// Runtime helpers called by JIT-compiled code and by the dispatcher. They are
// written in C because they use NumPy's C API, whose functions are macros over
// NumPy's API table. The JIT finds them through absolute symbols registered by
// the extension at import.
#include <stdint.h>
#include "CPython.h"

/// Per-call context shared by a wrapper and every native function it calls.
/// `exc` (first field) receives the exception descriptor of a raise; `objects`
/// holds the references to arrays created during the call, released by the
/// wrapper (with the GIL) when the call ends.
typedef struct {
    void *exc;
    PyObject **objects;
    int64_t count;
    int64_t capacity;
} SwiftJITContext;

/// Imports NumPy's C API once; 0 on success, -1 with a Python exception set.
int swiftjit_numpy_init(void);
/// The `numpy.ndarray` type once NumPy is imported, else NULL.
PyTypeObject *swiftjit_ndarray_type(void);

/// Dispatcher key of an ndarray: dtype number, ndim, layout and writability, or 0
/// when the array cannot be used in nopython mode (wrong byte order, ndim > 32).
uint64_t swiftjit_array_key(PyObject *array);

/// Creates a new array (GIL taken as needed), registered in `ctx`.
/// fill: 0 uninitialized, 1 zeros. Returns NULL (and sets ctx->exc to the
/// MemoryError descriptor) on failure.
PyObject *swiftjit_array_new(SwiftJITContext *ctx, int64_t ndim, const int64_t *shape, int64_t typenum,
                             int64_t fortran, int64_t fill);

/// Boxes an array value for Python: the owner itself when the value covers it
/// exactly, otherwise a new view whose base is the owner. Needs the GIL.
PyObject *swiftjit_array_box(PyObject *owner, int64_t typenum, int64_t ndim, const int64_t *shape,
                             const int64_t *strides, void *data);

/// Releases the references held by a context (needs the GIL).
void swiftjit_context_release(SwiftJITContext *ctx);
/// Keeps `obj` alive until the end of the call (takes a new reference).
void swiftjit_context_keep(SwiftJITContext *ctx, PyObject *obj);

/// Sets ctx->exc to an IndexError naming the index, the axis and the size
/// (the message lives in a thread-local buffer until the wrapper raises it).
void swiftjit_index_error(SwiftJITContext *ctx, int64_t index, int64_t axis, int64_t size);

/// The i-th runtime helper JIT code may call: its address, and its name in *name;
/// NULL past the last one.
void *swiftjit_runtime_symbol(int i, const char **name);
#endif
