/* Helpers for the list and dict features of issue 11 that need C (ListExtrasLowering.swift):
 *
 * - dict views: `keys()`, `values()` and `items()` of a native dict (nativedict.c) are live
 *   view objects over it (Python dicts give their own views). Iteration, len and `in` read
 *   the dict; comparison, set operators and repr act on the view of a Python dict made from
 *   the native one at that moment, so they behave exactly as Python's views do.
 * - sorting and min/max with a key: compiled code computes the keys (calling the key
 *   function) into a `list`; the order is then found by Python's own list.sort / min / max
 *   over the indices with key=keys.__getitem__ (stable, Python's comparisons), and the
 *   list (a `list` or a native list) is permuted in place.
 * - arrays in containers: an ndarray read from a list is checked against the static type
 *   and kept alive by the call's context (as arrays made in compiled code are).
 * - np.array / np.asarray of a list: NumPy itself converts (dtype, ragged input errors).
 *
 * Every helper needs the GIL (compiled code using containers holds it). Object results are
 * new references unless said otherwise; failures return NULL or -1 with a Python exception set. */
#include "SwiftJITRuntime.h"
#include "SwiftJITLists.h"
#include <string.h>

#define PY_ARRAY_UNIQUE_SYMBOL swiftjit_ARRAY_API
#define NO_IMPORT_ARRAY
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

/* ---- dict views over native dicts ---- */

typedef struct {
    PyObject_HEAD
    PyObject *dict;  /* the native dict */
    int mode;        /* 0 keys, 1 values, 2 items */
} DictView;

static PyTypeObject DictViewType;
static const char *view_methods[3] = { "keys", "values", "items" };

static int view_ready(void) {
    static int ready = 0;
    if (ready) return 0;
    if (PyType_Ready(&DictViewType) < 0) return -1;
    ready = 1;
    return 0;
}

PyObject *swiftjit_dictview_new(PyObject *dict, int mode) {
    if (view_ready() < 0) return NULL;
    DictView *v = PyObject_New(DictView, &DictViewType);
    if (v == NULL) return NULL;
    Py_INCREF(dict);
    v->dict = dict;
    v->mode = mode;
    return (PyObject *)v;
}

static void dv_dealloc(PyObject *o) {
    Py_XDECREF(((DictView *)o)->dict);
    PyObject_Free(o);
}

/* The Python view of a Python dict holding the items the native dict has now. */
static PyObject *dv_materialize(DictView *v) {
    PyObject *d = swiftjit_nd_check(v->dict) ? swiftjit_nd_to_pydict(v->dict) : (Py_INCREF(v->dict), v->dict);
    if (d == NULL) return NULL;
    PyObject *r = PyObject_CallMethod(d, view_methods[v->mode], NULL);
    Py_DECREF(d);
    return r;
}

static PyObject *as_python_view(PyObject *o) {
    if (Py_IS_TYPE(o, &DictViewType)) return dv_materialize((DictView *)o);
    Py_INCREF(o);
    return o;
}

static PyObject *dv_iter(PyObject *o) {
    DictView *v = (DictView *)o;
    if (swiftjit_nd_check(v->dict)) return swiftjit_nd_iter_mode(v->dict, v->mode);
    PyObject *m = dv_materialize(v);
    if (m == NULL) return NULL;
    PyObject *it = PyObject_GetIter(m);
    Py_DECREF(m);
    return it;
}

static Py_ssize_t dv_len(PyObject *o) { return PyObject_Size(((DictView *)o)->dict); }

static int dv_contains(PyObject *o, PyObject *x) {
    DictView *v = (DictView *)o;
    if (v->mode == 0) return PySequence_Contains(v->dict, x);
    PyObject *m = dv_materialize(v);
    if (m == NULL) return -1;
    int r = PySequence_Contains(m, x);
    Py_DECREF(m);
    return r;
}

static PyObject *dv_richcompare(PyObject *a, PyObject *b, int op) {
    /* values views compare by identity, as Python's (which have no comparison). */
    if ((Py_IS_TYPE(a, &DictViewType) && ((DictView *)a)->mode == 1)
        || (Py_IS_TYPE(b, &DictViewType) && ((DictView *)b)->mode == 1)) Py_RETURN_NOTIMPLEMENTED;
    PyObject *x = as_python_view(a);
    if (x == NULL) return NULL;
    PyObject *y = as_python_view(b);
    if (y == NULL) { Py_DECREF(x); return NULL; }
    PyObject *r = PyObject_RichCompare(x, y, op);
    Py_DECREF(x); Py_DECREF(y);
    return r;
}

static PyObject *dv_binary(PyObject *a, PyObject *b, PyObject *(*f)(PyObject *, PyObject *)) {
    PyObject *x = as_python_view(a);
    if (x == NULL) return NULL;
    PyObject *y = as_python_view(b);
    if (y == NULL) { Py_DECREF(x); return NULL; }
    PyObject *r = f(x, y);
    Py_DECREF(x); Py_DECREF(y);
    return r;
}
static PyObject *dv_and(PyObject *a, PyObject *b) { return dv_binary(a, b, PyNumber_And); }
static PyObject *dv_or(PyObject *a, PyObject *b) { return dv_binary(a, b, PyNumber_Or); }
static PyObject *dv_sub(PyObject *a, PyObject *b) { return dv_binary(a, b, PyNumber_Subtract); }
static PyObject *dv_xor(PyObject *a, PyObject *b) { return dv_binary(a, b, PyNumber_Xor); }

static PyObject *dv_repr(PyObject *o) {
    PyObject *m = dv_materialize((DictView *)o);
    if (m == NULL) return NULL;
    PyObject *r = PyObject_Repr(m);
    Py_DECREF(m);
    return r;
}

static PyObject *dv_isdisjoint(PyObject *o, PyObject *other) {
    PyObject *m = dv_materialize((DictView *)o);
    if (m == NULL) return NULL;
    PyObject *r = PyObject_CallMethod(m, "isdisjoint", "O", other);
    Py_DECREF(m);
    return r;
}

static PyMethodDef dv_methods[] = {
    {"isdisjoint", (PyCFunction)dv_isdisjoint, METH_O, "Whether the view and the iterable have no element in common."},
    {NULL, NULL, 0, NULL}
};
static PyNumberMethods dv_as_number = {
    .nb_subtract = dv_sub, .nb_and = dv_and, .nb_xor = dv_xor, .nb_or = dv_or,
};
static PySequenceMethods dv_as_sequence = { .sq_length = dv_len, .sq_contains = dv_contains };

static PyTypeObject DictViewType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftjit._NativeDictView",
    .tp_basicsize = sizeof(DictView),
    .tp_dealloc = dv_dealloc,
    .tp_repr = dv_repr,
    .tp_as_number = &dv_as_number,
    .tp_as_sequence = &dv_as_sequence,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A live keys/values/items view of a dict held natively by compiled code.",
    .tp_richcompare = dv_richcompare,
    .tp_iter = dv_iter,
    .tp_methods = dv_methods,
};

/* ---- sorting and min/max with a key ---- */

/* Native list layout (nativelist.c): length at 16, data at 32, kind at 40. */
static int64_t nl_length(PyObject *o) { return *(int64_t *)((char *)o + 16); }
static char *nl_data(PyObject *o) { return *(char **)((char *)o + 32); }
static int64_t nl_kind(PyObject *o) { return *(int64_t *)((char *)o + 40); }

/* One element of a key sort: the key as an unsigned integer whose order is the key's order,
 * and the element's raw 8 bytes (native lists of int64/float64) or its index. */
typedef struct { uint64_t key; uint64_t payload; } SortPair;

/* Key i as an unsigned integer ordered as the keys are (kind 1 int64, 2 float64 without NaN;
 * -0.0 and 0.0 give the same integer, as they compare equal); reverse complements it, so an
 * ascending stable sort gives list.sort(reverse=True)'s order (equal keys keep their order). */
static uint64_t sort_key_bits(const char *keys, int64_t kind, Py_ssize_t i, int64_t reverse) {
    uint64_t u;
    if (kind == 1) {
        u = (uint64_t)((const int64_t *)keys)[i] ^ (UINT64_C(1) << 63);
    } else {
        double d = ((const double *)keys)[i] + 0.0;  /* -0.0 + 0.0 is 0.0 */
        memcpy(&u, &d, sizeof u);
        u = (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
    }
    return reverse ? ~u : u;
}

/* Stable sort of `a` by key: insertion sort for short inputs, else a least-significant-digit
 * radix sort (8 passes of one byte, the passes whose byte is the same in every key skipped).
 * 0, or -1 with MemoryError set. */
static int sort_pairs(SortPair *a, Py_ssize_t n) {
    if (n < 48) {
        for (Py_ssize_t i = 1; i < n; i++) {
            SortPair x = a[i];
            Py_ssize_t j = i;
            while (j > 0 && a[j - 1].key > x.key) { a[j] = a[j - 1]; j--; }
            a[j] = x;
        }
        return 0;
    }
    SortPair *tmp = malloc((size_t)n * sizeof(SortPair));
    size_t (*count)[256] = calloc(8, sizeof *count);
    if (tmp == NULL || count == NULL) { free(tmp); free(count); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t k = a[i].key;
        for (int d = 0; d < 8; d++) count[d][(k >> (8 * d)) & 255]++;
    }
    SortPair *src = a, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        int shift = 8 * d;
        if (count[d][(src[0].key >> shift) & 255] == (size_t)n) continue;  /* one digit for all */
        size_t offset[256], sum = 0;
        for (int v = 0; v < 256; v++) { offset[v] = sum; sum += count[d][v]; }
        for (Py_ssize_t i = 0; i < n; i++) dst[offset[(src[i].key >> shift) & 255]++] = src[i];
        SortPair *t = src; src = dst; dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(SortPair));
    free(tmp);
    free(count);
    return 0;
}

/* Whether the native keys (`keys`, a native list) can be ordered natively: int64, or float64
 * without NaN (with NaN, list.sort's result depends on its algorithm: Python's own sort runs). */
static int native_keys_orderable(PyObject *keys) {
    int64_t kind = nl_kind(keys);
    if (kind == 1) return 1;
    if (kind != 2) return 0;
    const double *k = (const double *)nl_data(keys);
    for (int64_t i = 0; i < nl_length(keys); i++) if (k[i] != k[i]) return 0;
    return 1;
}

/* The indices 0..n-1 ordered as Python orders them with key=keys.__getitem__
 * (list.sort(key=..., reverse=...)): a new list of ints, or NULL. */
static PyObject *sorted_indices(PyObject *keys, int64_t reverse) {
    Py_ssize_t n = PyList_GET_SIZE(keys);
    PyObject *order = PyList_New(n);
    if (order == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyLong_FromSsize_t(i);
        if (x == NULL) { Py_DECREF(order); return NULL; }
        PyList_SET_ITEM(order, i, x);
    }
    PyObject *getter = PyObject_GetAttrString(keys, "__getitem__");
    PyObject *sort = getter ? PyObject_GetAttrString(order, "sort") : NULL;
    PyObject *args = sort ? PyTuple_New(0) : NULL;
    PyObject *kw = args ? Py_BuildValue("{sOsO}", "key", getter, "reverse", reverse ? Py_True : Py_False) : NULL;
    PyObject *r = kw ? PyObject_Call(sort, args, kw) : NULL;
    Py_XDECREF(getter); Py_XDECREF(sort); Py_XDECREF(args); Py_XDECREF(kw);
    if (r == NULL) { Py_DECREF(order); return NULL; }
    Py_DECREF(r);
    return order;
}


/* Rearranges `list` (native or a `list`, `n` elements) so that element i is the old element
 * idx[i]; frees idx. 0, or -1 with MemoryError set. */
static int apply_order(PyObject *list, int native, Py_ssize_t n, Py_ssize_t *idx) {
    if (native) {
        int64_t kind = nl_kind(list);
        size_t size = kind == 0 ? 1 : kind == 3 ? 16 : 8;
        char *data = nl_data(list);
        char *tmp = malloc((size_t)(n ? n : 1) * size);
        if (tmp == NULL) { free(idx); PyErr_NoMemory(); return -1; }
        for (Py_ssize_t i = 0; i < n; i++) memcpy(tmp + (size_t)i * size, data + (size_t)idx[i] * size, size);
        memcpy(data, tmp, (size_t)n * size);
        free(tmp);
    } else {
        PyObject **items = malloc((size_t)(n ? n : 1) * sizeof(PyObject *));
        if (items == NULL) { free(idx); PyErr_NoMemory(); return -1; }
        for (Py_ssize_t i = 0; i < n; i++) items[i] = PyList_GET_ITEM(list, idx[i]);
        for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(list, i, items[i]);  /* a permutation: counts unchanged */
        free(items);
    }
    free(idx);
    return 0;
}

/* Sorts `list` (a `list` or a native list) in place by `keys` (a `list` of the same length,
 * one key per element): stable, Python's comparisons. 0, or -1 with an exception set. */
int32_t swiftjit_sort_by_keys(PyObject *list, PyObject *keys, int64_t reverse) {
    int native = swiftjit_nl_check(list);
    Py_ssize_t n = native ? (Py_ssize_t)nl_length(list) : PyList_GET_SIZE(list);
    int native_keys = swiftjit_nl_check(keys);
    Py_ssize_t nk = native_keys ? (Py_ssize_t)nl_length(keys) : PyList_Check(keys) ? PyList_GET_SIZE(keys) : -1;
    if (nk != n) {
        PyErr_SetString(PyExc_ValueError, "list modified during sort");
        return -1;
    }
    if (native_keys && native_keys_orderable(keys)) {
        /* Keys computed once into a native list: sort (key, element) pairs by key. */
        SortPair *pairs = malloc((size_t)(n ? n : 1) * sizeof(SortPair));
        if (pairs == NULL) { PyErr_NoMemory(); return -1; }
        const char *kd = nl_data(keys);
        int64_t kk = nl_kind(keys);
        /* Elements of 8 bytes travel with their keys; others are moved by index afterwards. */
        int inline_items = native && (nl_kind(list) == 1 || nl_kind(list) == 2);
        char *items = native ? nl_data(list) : NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            pairs[i].key = sort_key_bits(kd, kk, i, reverse);
            if (inline_items) memcpy(&pairs[i].payload, items + 8 * (size_t)i, 8);
            else pairs[i].payload = (uint64_t)i;
        }
        if (sort_pairs(pairs, n) < 0) { free(pairs); return -1; }
        if (inline_items) {
            for (Py_ssize_t i = 0; i < n; i++) memcpy(items + 8 * (size_t)i, &pairs[i].payload, 8);
            free(pairs);
            return 0;
        }
        Py_ssize_t *idx = malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
        if (idx == NULL) { free(pairs); PyErr_NoMemory(); return -1; }
        for (Py_ssize_t i = 0; i < n; i++) idx[i] = (Py_ssize_t)pairs[i].payload;
        free(pairs);
        return apply_order(list, native, n, idx);
    }
    PyObject *boxed = native_keys ? swiftjit_nl_to_list(keys) : (Py_INCREF(keys), keys);
    PyObject *order = boxed ? sorted_indices(boxed, reverse) : NULL;
    Py_XDECREF(boxed);
    if (order == NULL) return -1;
    Py_ssize_t *idx = malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (idx == NULL) { Py_DECREF(order); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) idx[i] = PyLong_AsSsize_t(PyList_GET_ITEM(order, i));
    Py_DECREF(order);
    return apply_order(list, native, n, idx);
}

/* The index Python's min (is_max 0) or max (1) with key=keys.__getitem__ picks among
 * range(len(keys)) (the first of equal keys); -1 with Python's exception for no keys. */
int64_t swiftjit_best_index(PyObject *keys, int64_t is_max) {
    if (swiftjit_nl_check(keys) && (nl_kind(keys) == 1 || nl_kind(keys) == 2) && nl_length(keys) > 0) {
        /* Python's min/max: keep the first, replace by each key that compares < (>) it. */
        int64_t n = nl_length(keys), best = 0;
        const int64_t *ik = (const int64_t *)nl_data(keys);
        const double *fk = (const double *)nl_data(keys);
        for (int64_t i = 1; i < n; i++) {
            int better = nl_kind(keys) == 1 ? (is_max ? ik[i] > ik[best] : ik[i] < ik[best])
                                            : (is_max ? fk[i] > fk[best] : fk[i] < fk[best]);
            if (better) best = i;
        }
        return best;
    }
    if (swiftjit_nl_check(keys)) {
        PyObject *boxed = swiftjit_nl_to_list(keys);
        if (boxed == NULL) return -1;
        int64_t r = swiftjit_best_index(boxed, is_max);
        Py_DECREF(boxed);
        return r;
    }
    PyObject *builtins = PyEval_GetBuiltins();
    PyObject *f = builtins ? PyDict_GetItemString(builtins, is_max ? "max" : "min") : NULL;
    if (f == NULL) { PyErr_SetString(PyExc_RuntimeError, "min/max not found"); return -1; }
    PyObject *range = PyObject_CallFunction((PyObject *)&PyRange_Type, "n", PyList_GET_SIZE(keys));
    PyObject *getter = range ? PyObject_GetAttrString(keys, "__getitem__") : NULL;
    PyObject *args = getter ? PyTuple_Pack(1, range) : NULL;
    PyObject *kw = args ? Py_BuildValue("{sO}", "key", getter) : NULL;
    PyObject *r = kw ? PyObject_Call(f, args, kw) : NULL;
    Py_XDECREF(range); Py_XDECREF(getter); Py_XDECREF(args); Py_XDECREF(kw);
    if (r == NULL) return -1;
    int64_t i = (int64_t)PyLong_AsSsize_t(r);
    Py_DECREF(r);
    return i;
}

/* ---- arrays in containers and np.array of lists ---- */

static const char *dtype_name(int64_t typenum) {
    PyArray_Descr *d = PyArray_DescrFromType((int)typenum);
    const char *name = d && d->typeobj ? d->typeobj->tp_name : "?";
    Py_XDECREF(d);
    return name;
}

/* `obj`, read from a container where compiled code expects an array of `typenum` with
 * `ndim` dimensions (layout 1: C-contiguous, 2: Fortran-contiguous, 0: any; writable when
 * need_writable), checked and kept alive by the call's context: returns `obj` (borrowed),
 * or NULL with TypeError. */
PyObject *swiftjit_array_from_container(SwiftJITContext *ctx, PyObject *obj, int64_t typenum, int64_t ndim,
                                        int64_t layout, int64_t need_writable) {
    if (swiftjit_numpy_init() < 0) return NULL;
    if (!PyArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "a container holds a %.100s where compiled code expects an array",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)obj;
    if (PyArray_DESCR(a)->type_num != typenum || PyArray_NDIM(a) != ndim || !PyArray_ISNBO(PyArray_DESCR(a)->byteorder)) {
        PyErr_Format(PyExc_TypeError, "a container holds a %d-d array of %.50s where compiled code expects a %d-d "
                     "array of %.50s (all elements must have one type in nopython mode)", PyArray_NDIM(a),
                     PyArray_DESCR(a)->typeobj->tp_name, (int)ndim, dtype_name(typenum));
        return NULL;
    }
    int layout_ok = layout == 1 ? PyArray_IS_C_CONTIGUOUS(a) : layout == 2 ? PyArray_IS_F_CONTIGUOUS(a) : 1;
    if (!layout_ok || (need_writable && !PyArray_ISWRITEABLE(a))) {
        PyErr_SetString(PyExc_TypeError, !layout_ok
                        ? "a container holds an array of another memory layout than compiled code expects "
                          "(its arrays were all C- or all Fortran-contiguous when it was typed)"
                        : "a container holds a read-only array where compiled code expects a writable one");
        return NULL;
    }
    swiftjit_context_keep(ctx, obj);
    return obj;
}

/* np.array(obj, dtype) / np.asarray for a list (or tuple) `obj` (borrowed): a new
 * C-contiguous array of `typenum` made by NumPy, which must have `ndim` dimensions,
 * kept by the context and returned borrowed; NULL with NumPy's exception (ragged input:
 * ValueError). `desc` (or NULL) describes native lists inside `obj` (nativelist.c). */
/* Copies the `n` elements of a native list of `kind` into `out`, an array buffer of `typenum`:
 * the buffer itself when the layouts agree (bool: one byte 0/1), else converted element by
 * element as NumPy casts bool/int64 to a wider type. 0, or -1 when the pair is not handled here. */
static int copy_native_items(const char *data, int64_t kind, int64_t n, char *out, int64_t typenum) {
    static const int kinds[4] = { NPY_BOOL, NPY_INT64, NPY_FLOAT64, NPY_COMPLEX128 };
    if (kind < 0 || kind > 3) return -1;
    if (kinds[kind] == typenum) {
        size_t size = kind == 0 ? 1 : kind == 3 ? 16 : 8;
        if (n > 0) memcpy(out, data, (size_t)n * size);
        return 0;
    }
    const unsigned char *bools = (const unsigned char *)data;
    const int64_t *ints = (const int64_t *)data;
    if (typenum == NPY_INT64 && kind == 0) {
        for (int64_t i = 0; i < n; i++) ((int64_t *)out)[i] = bools[i];
    } else if (typenum == NPY_FLOAT64 && kind <= 1) {
        for (int64_t i = 0; i < n; i++) ((double *)out)[i] = kind == 0 ? (double)bools[i] : (double)ints[i];
    } else if (typenum == NPY_COMPLEX128 && kind <= 2) {
        for (int64_t i = 0; i < n; i++) {
            double re = kind == 0 ? (double)bools[i] : kind == 1 ? (double)ints[i] : ((const double *)data)[i];
            ((double *)out)[2 * i] = re;
            ((double *)out)[2 * i + 1] = 0.0;
        }
    } else {
        return -1;
    }
    return 0;
}

/* np.array of a `list` of native lists of one length (a list of lists of numbers made in
 * compiled code) as a 2-D array: each row's buffer copied straight into the array. NULL with
 * no exception when the list is not of that shape or kind (the caller lets NumPy convert it). */
static PyObject *array_from_rows(PyObject *rows, int64_t typenum) {
    Py_ssize_t n = PyList_GET_SIZE(rows);
    if (n == 0) return NULL;
    PyObject *first = PyList_GET_ITEM(rows, 0);
    if (!swiftjit_nl_check(first)) return NULL;
    int64_t m = nl_length(first);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!swiftjit_nl_check(row) || nl_length(row) != m || nl_kind(row) != nl_kind(first)) return NULL;
    }
    npy_intp dims[2] = { (npy_intp)n, (npy_intp)m };
    PyObject *arr = PyArray_SimpleNew(2, dims, (int)typenum);
    if (arr == NULL) return NULL;
    char *out = PyArray_DATA((PyArrayObject *)arr);
    size_t rowBytes = (size_t)m * (size_t)PyArray_ITEMSIZE((PyArrayObject *)arr);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (copy_native_items(nl_data(row), nl_kind(row), m, out + (size_t)i * rowBytes, typenum) < 0) {
            Py_DECREF(arr);
            return NULL;
        }
    }
    return arr;
}

PyObject *swiftjit_array_from_list(SwiftJITContext *ctx, PyObject *obj, int64_t typenum, int64_t ndim,
                                   const char *desc) {
    if (swiftjit_numpy_init() < 0) return NULL;
    PyObject *src;
    if (swiftjit_nl_check(obj)) {
        /* A native list of numbers: its buffer is copied (or converted to a wider dtype) in
         * one loop; other dtypes convert the Python values, as NumPy does for a list. */
        npy_intp n = (npy_intp)nl_length(obj);
        if (ndim == 1) {
            PyObject *arr = PyArray_SimpleNew(1, &n, (int)typenum);
            if (arr == NULL) return NULL;
            if (copy_native_items(nl_data(obj), nl_kind(obj), n, PyArray_DATA((PyArrayObject *)arr), typenum) == 0) {
                swiftjit_context_keep(ctx, arr);
                Py_DECREF(arr);
                return arr;
            }
            Py_DECREF(arr);
        }
        src = swiftjit_nl_to_list(obj);
    } else if (ndim == 2 && PyList_Check(obj)) {
        PyObject *arr = array_from_rows(obj, typenum);
        if (arr != NULL) {
            swiftjit_context_keep(ctx, arr);
            Py_DECREF(arr);
            return arr;
        }
        if (PyErr_Occurred()) return NULL;
        if (desc != NULL) {
            Py_INCREF(obj);
            src = swiftjit_nl_export_steal(obj, desc);
        } else {
            Py_INCREF(obj);
            src = obj;
        }
    } else if (desc != NULL) {
        Py_INCREF(obj);
        src = swiftjit_nl_export_steal(obj, desc);
    } else {
        Py_INCREF(obj);
        src = obj;
    }
    if (src == NULL) return NULL;
    PyObject *arr;
    if (PySequence_Check(src) && PySequence_Size(src) == 0) {
        /* No elements: NumPy would give float64 of shape (0,); compiled code gives the static
         * dtype and number of dimensions, every dimension 0. */
        npy_intp dims[NPY_MAXDIMS] = { 0 };
        arr = PyArray_Zeros((int)ndim, dims, PyArray_DescrFromType((int)typenum), 0);
    } else {
        arr = PyArray_FromAny(src, PyArray_DescrFromType((int)typenum), 0, 0,
                              NPY_ARRAY_DEFAULT | NPY_ARRAY_ENSURECOPY | NPY_ARRAY_FORCECAST, NULL);
    }
    Py_DECREF(src);
    if (arr == NULL) return NULL;
    if (PyArray_NDIM((PyArrayObject *)arr) != ndim) {
        PyErr_Format(PyExc_ValueError, "np.array(): the list gives a %d-d array where compiled code expects %d-d "
                     "(lists of equal-length lists or tuples give 2-d arrays)",
                     PyArray_NDIM((PyArrayObject *)arr), (int)ndim);
        Py_DECREF(arr);
        return NULL;
    }
    swiftjit_context_keep(ctx, arr);
    Py_DECREF(arr);
    return arr;
}

/* np.array(xs) of a native list `list` that compiled code never uses again: a 1-D array of the
 * list's own dtype over the list's buffer (trimmed to its length), whose base is the list, so the
 * buffer lives as long as the array; nothing can change the list any more, so this is the copy
 * np.array would make, without copying. Kept by the call's context like other new arrays. */
PyObject *swiftjit_array_adopt_list(SwiftJITContext *ctx, PyObject *list) {
    if (swiftjit_numpy_init() < 0) return NULL;
    static const int kinds[4] = { NPY_BOOL, NPY_INT64, NPY_FLOAT64, NPY_COMPLEX128 };
    int64_t kind = nl_kind(list);
    if (kind < 0 || kind > 3) {
        PyErr_SetString(PyExc_SystemError, "np.array: not a list of numbers");
        return NULL;
    }
    if (swiftjit_nl_shrink(list) < 0) return NULL;
    npy_intp n = (npy_intp)nl_length(list);
    PyObject *arr = PyArray_New(&PyArray_Type, 1, &n, kinds[kind], NULL, nl_data(list), 0,
                                NPY_ARRAY_CARRAY, NULL);
    if (arr == NULL) return NULL;
    Py_INCREF(list);
    if (PyArray_SetBaseObject((PyArrayObject *)arr, list) < 0) {  /* steals the reference */
        Py_DECREF(arr);
        return NULL;
    }
    swiftjit_context_keep(ctx, arr);
    Py_DECREF(arr);
    return arr;
}

void *swiftjit_listextras_symbol(int i, const char **name) {
#define SYM(n) *name = #n; return (void *)&n
    switch (i) {
    case 0: SYM(swiftjit_sort_by_keys);
    case 1: SYM(swiftjit_best_index);
    case 2: SYM(swiftjit_array_from_container);
    case 3: SYM(swiftjit_array_from_list);
    case 4: SYM(swiftjit_dictview_new);
    case 5: SYM(swiftjit_array_adopt_list);
    case 6: SYM(swiftjit_nl_make_reserved);
    default: return NULL;
    }
#undef SYM
}
