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
    /// Lowest stack address compiled recursion may reach (NULL: unchecked).
    void *stack_limit;
    /// Locations an exception passed through, innermost first (traceback.c), or NULL.
    void *trace;
} SwiftJITContext;

/// A statement of a compiled function, as a traceback entry names it: a constant
/// the compiled code keeps (so it also lives in code loaded from the disk cache).
typedef struct {
    const char *name;
    const char *file;
    int64_t line;
} SwiftJITLocation;

/// Records that the exception in `ctx` leaves through `location` (no GIL needed).
void swiftjit_trace_add(SwiftJITContext *ctx, const SwiftJITLocation *location);
/// Adds the recorded locations to the traceback of the exception just set (GIL held),
/// in Python's order, and forgets them.
void swiftjit_trace_raise(SwiftJITContext *ctx);
/// Forgets the recorded locations.
void swiftjit_trace_discard(SwiftJITContext *ctx);

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

/// The lowest stack address this thread's compiled code may use, with a safety margin.
void *swiftjit_stack_limit(void);

/// The i-th runtime helper JIT code may call: its address, and its name in *name;
/// NULL past the last one.
void *swiftjit_runtime_symbol(int i, const char **name);
/// The i-th NumPy library helper (sorting, statistics, random numbers; nplib.c),
/// as swiftjit_runtime_symbol does; NULL past the last one.
void *swiftjit_nplib_symbol(int i, const char **name);
/// The i-th helper for str/list/dict/set values (containers.c), NULL past the last one.
void *swiftjit_container_symbol(int i, const char **name);
/// The i-th helper for native lists of numbers (nativelist.c), NULL past the last one.
void *swiftjit_nativelist_symbol(int i, const char **name);
/// Native lists of numbers (nativelist.c): the hooks of the generic container helpers.
int swiftjit_nl_check(PyObject *o);
PyObject *swiftjit_nl_call_method(PyObject *receiver, PyObject *name, PyObject **stack, size_t nargsf, PyObject *kw);
PyObject *swiftjit_nl_binop(PyObject *a, PyObject *b, int64_t op, PyObject *(*apply)(PyObject *, PyObject *, int64_t));
PyObject *swiftjit_binop(PyObject *a, PyObject *b, int64_t op);
/// The i-th helper for native dicts (int keys, numeric values; nativedict.c), NULL past the last one.
void *swiftjit_nativedict_symbol(int i, const char **name);
/// swiftjit.typed.List / typed.Dict (subclasses of the native list / dict types): the type
/// objects the module exports, and the dispatcher's fast-path key of such an argument
/// ((1 << 62) | element kinds; 0 when `o` is not one or has no element types yet).
PyObject *swiftjit_nl_type_object(void);
PyObject *swiftjit_nd_type_object(void);
uint64_t swiftjit_nl_typed_key(PyObject *o);
uint64_t swiftjit_nd_typed_key(PyObject *o);
/// The class swiftjit.typed.List (0) or typed.Dict (1) once typed.py registered them, borrowed.
PyObject *swiftjit_typed_class(int64_t which);
/// Most threads of the pool, and most chunks of a parallel region.
#define SWIFTJIT_MAX_THREADS 64

/// The body of a parallel loop over iterations [start, end): stores its partial
/// reductions at `reductions_out`; returns 0, or 1 with ctx->exc set.
typedef int32_t (*swiftjit_chunk_fn)(void *env, int64_t start, int64_t end, void *reductions_out,
                                     SwiftJITContext *ctx);

/// Runs `fn` over [0, n) in chunks on the thread pool; chunk c stores its partial
/// reductions at red + c * red_size (room for SWIFTJIT_MAX_THREADS chunks).
/// Returns the number of chunks, or -1 with ctx->exc set to the exception of the
/// first chunk that raised. Releases the GIL while waiting when it holds it.
int64_t swiftjit_parallel_for(swiftjit_chunk_fn fn, void *env, int64_t n, void *red, int64_t red_size,
                              SwiftJITContext *ctx);
/// Threads parallel regions use (1...pool size) and the pool size
/// (SWIFTJIT_NUM_THREADS, default the number of cores).
int64_t swiftjit_get_num_threads(void);
int64_t swiftjit_pool_size(void);
/// 0, or -1 when n is outside 1...pool size.
int swiftjit_set_num_threads(int64_t n);

/// Serializes compilations between threads (recursive; waits with the GIL released).
/// In a child forked while another thread held it, the lock starts over free.
void swiftjit_compile_lock(void);
void swiftjit_compile_unlock(void);
/// 1 once after a fork whose child abandoned another thread's compilation (whose
/// bookkeeping the caller then discards), else 0. Call with the lock held.
int swiftjit_compile_abandoned(void);
#endif
