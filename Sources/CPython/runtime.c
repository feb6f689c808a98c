#include "SwiftJITRuntime.h"

#define PY_ARRAY_UNIQUE_SYMBOL swiftjit_ARRAY_API
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

static int numpy_ready = 0;

int swiftjit_numpy_init(void) {
    if (numpy_ready) return 0;
    if (_import_array() < 0) return -1;
    numpy_ready = 1;
    return 0;
}

PyTypeObject *swiftjit_ndarray_type(void) {
    return numpy_ready ? &PyArray_Type : NULL;
}

uint64_t swiftjit_array_key(PyObject *obj) {
    PyArrayObject *a = (PyArrayObject *)obj;
    PyArray_Descr *d = PyArray_DESCR(a);
    if (!PyArray_ISNBO(d->byteorder)) return 0;
    int nd = PyArray_NDIM(a);
    if (nd > 32) return 0;
    int flags = PyArray_FLAGS(a);
    uint64_t layout = (flags & NPY_ARRAY_C_CONTIGUOUS) ? 1 : (flags & NPY_ARRAY_F_CONTIGUOUS) ? 2 : 3;
    uint64_t writable = (flags & NPY_ARRAY_WRITEABLE) ? 1 : 0;
    uint64_t aligned = (flags & NPY_ARRAY_ALIGNED) ? 1 : 0;
    return (1ULL << 63) | ((uint64_t)(d->type_num & 0xFFFF)) | ((uint64_t)nd << 16) | (layout << 24)
           | (writable << 28) | (aligned << 29);
}

static int context_grow(SwiftJITContext *ctx) {
    int64_t cap = ctx->capacity ? ctx->capacity * 2 : 8;
    PyObject **objs = (PyObject **)realloc(ctx->objects, (size_t)cap * sizeof(PyObject *));
    if (!objs) return -1;
    ctx->objects = objs;
    ctx->capacity = cap;
    return 0;
}

void swiftjit_context_keep(SwiftJITContext *ctx, PyObject *obj) {
    if (ctx->count == ctx->capacity && context_grow(ctx) < 0) {
        /* cannot track it: leak rather than free early */
        Py_INCREF(obj);
        return;
    }
    Py_INCREF(obj);
    ctx->objects[ctx->count++] = obj;
}

void swiftjit_context_release(SwiftJITContext *ctx) {
    for (int64_t i = 0; i < ctx->count; i++) Py_DECREF(ctx->objects[i]);
    free(ctx->objects);
    ctx->objects = NULL;
    ctx->count = ctx->capacity = 0;
}

/* Descriptor of the MemoryError raised when an allocation fails: {class variable, message}. */
static struct { PyObject **cls; const char *msg; } memory_error = { &PyExc_MemoryError, "cannot allocate array" };
static struct { PyObject **cls; const char *msg; } numpy_error = { &PyExc_ImportError, "cannot import NumPy's C API" };
static struct { PyObject **cls; const char *msg; } value_error = { &PyExc_ValueError, "negative dimensions are not allowed" };

PyObject *swiftjit_array_new(SwiftJITContext *ctx, int64_t ndim, const int64_t *shape, int64_t typenum,
                             int64_t fortran, int64_t fill) {
    for (int64_t i = 0; i < ndim; i++) {
        if (shape[i] < 0) { ctx->exc = &value_error; return NULL; }
    }
    PyGILState_STATE gil = PyGILState_Ensure();
    if (!numpy_ready && swiftjit_numpy_init() < 0) {
        PyErr_Clear();
        ctx->exc = &numpy_error;
        PyGILState_Release(gil);
        return NULL;
    }
    npy_intp dims[NPY_MAXDIMS];
    for (int64_t i = 0; i < ndim && i < NPY_MAXDIMS; i++) dims[i] = (npy_intp)shape[i];
    PyObject *arr = fill ? PyArray_Zeros((int)ndim, dims, PyArray_DescrFromType((int)typenum), (int)fortran)
                         : PyArray_Empty((int)ndim, dims, PyArray_DescrFromType((int)typenum), (int)fortran);
    if (arr == NULL) {
        PyErr_Clear();
        ctx->exc = &memory_error;
    } else {
        swiftjit_context_keep(ctx, arr);
        Py_DECREF(arr);  /* the context holds it now */
    }
    PyGILState_Release(gil);
    return arr;
}

PyObject *swiftjit_array_box(PyObject *owner, int64_t typenum, int64_t ndim, const int64_t *shape,
                             const int64_t *strides, void *data) {
    if (!numpy_ready && swiftjit_numpy_init() < 0) return NULL;
    if (owner == NULL) {
        /* Core-dimension views of a (g)ufunc loop's operands have no owner (NumPy keeps the
         * memory for the duration of the call only): box a copy. */
        npy_intp d[NPY_MAXDIMS], s[NPY_MAXDIMS];
        for (int64_t i = 0; i < ndim && i < NPY_MAXDIMS; i++) { d[i] = (npy_intp)shape[i]; s[i] = (npy_intp)strides[i]; }
        PyObject *tmp = PyArray_NewFromDescr(&PyArray_Type, PyArray_DescrFromType((int)typenum), (int)ndim, d, s,
                                             data, 0, NULL);
        if (tmp == NULL) return NULL;
        PyObject *copy = PyArray_NewCopy((PyArrayObject *)tmp, NPY_KEEPORDER);
        Py_DECREF(tmp);
        return copy;
    }
    PyArrayObject *o = (PyArrayObject *)owner;
    if (PyArray_Check(owner) && PyArray_DATA(o) == data && PyArray_NDIM(o) == ndim
        && PyArray_DESCR(o)->type_num == typenum) {
        int same = 1;
        for (int64_t i = 0; i < ndim; i++) {
            if (PyArray_DIM(o, (int)i) != shape[i] || PyArray_STRIDE(o, (int)i) != strides[i]) { same = 0; break; }
        }
        if (same) { Py_INCREF(owner); return owner; }
    }
    npy_intp dims[NPY_MAXDIMS], st[NPY_MAXDIMS];
    for (int64_t i = 0; i < ndim && i < NPY_MAXDIMS; i++) { dims[i] = (npy_intp)shape[i]; st[i] = (npy_intp)strides[i]; }
    int flags = PyArray_Check(owner) ? (PyArray_FLAGS(o) & NPY_ARRAY_WRITEABLE) : NPY_ARRAY_WRITEABLE;
    PyObject *view = PyArray_NewFromDescr(&PyArray_Type, PyArray_DescrFromType((int)typenum), (int)ndim, dims, st,
                                          data, flags, NULL);
    if (view == NULL) return NULL;
    Py_INCREF(owner);
    if (PyArray_SetBaseObject((PyArrayObject *)view, owner) < 0) { Py_DECREF(view); return NULL; }
    PyArray_UpdateFlags((PyArrayObject *)view, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_F_CONTIGUOUS | NPY_ARRAY_ALIGNED);
    return view;
}

static _Thread_local char index_message[160];
static _Thread_local struct { PyObject **cls; const char *msg; } index_error;

void swiftjit_index_error(SwiftJITContext *ctx, int64_t index, int64_t axis, int64_t size) {
    snprintf(index_message, sizeof index_message, "index %lld is out of bounds for axis %lld with size %lld",
             (long long)index, (long long)axis, (long long)size);
    index_error.cls = &PyExc_IndexError;
    index_error.msg = index_message;
    ctx->exc = &index_error;
}

void *swiftjit_runtime_symbol(int i, const char **name) {
    switch (i) {
    case 0: *name = "swiftjit_array_new"; return (void *)&swiftjit_array_new;
    case 1: *name = "swiftjit_array_box"; return (void *)&swiftjit_array_box;
    case 2: *name = "swiftjit_context_release"; return (void *)&swiftjit_context_release;
    case 3: *name = "swiftjit_context_keep"; return (void *)&swiftjit_context_keep;
    case 4: *name = "swiftjit_index_error"; return (void *)&swiftjit_index_error;
    case 5: *name = "swiftjit_stack_limit"; return (void *)&swiftjit_stack_limit;
    case 6: *name = "swiftjit_parallel_for"; return (void *)&swiftjit_parallel_for;
    case 7: *name = "swiftjit_trace_add"; return (void *)&swiftjit_trace_add;
    case 8: *name = "swiftjit_trace_raise"; return (void *)&swiftjit_trace_raise;
    default: return i >= 9 ? swiftjit_container_symbol(i - 9, name) : NULL;
    }
}

#include <pthread.h>

void *swiftjit_stack_limit(void) {
    static _Thread_local char *limit = NULL;
    if (limit == NULL) {
        pthread_attr_t attr;
        void *low = NULL;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &low, &size);
            pthread_attr_destroy(&attr);
        }
        /* Keep a margin for the frames between checks and for CPython itself. */
        size_t margin = size > (1u << 20) ? (256u << 10) : size / 4;
        limit = low ? (char *)low + margin : (char *)1;
    }
    return limit;
}
