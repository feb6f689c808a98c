/* Native storage for lists of numbers in nopython mode (issue 11 point 9).
 *
 * A list whose element type is bool, int64, float64 or complex128 is a
 * `swiftjit._NativeList`: a small CPython object (so compiled code keeps
 * reference-counting it like every other container) whose elements live
 * unboxed in one malloc'd buffer. Compiled code reads `length`, `capacity` and
 * `data` at the fixed offsets checked below (NativeListLowering.swift) and does
 * len, indexing, iteration, append and pop inline; everything else goes
 * through a plain `list` made from the buffer ("materialized") and, for
 * operations that may change the list, copied back ("written back").
 *
 * The object never reaches Python code: the wrapper converts list arguments
 * to native lists and reflects changes back into the caller's list, and
 * converts returned native lists into new `list` objects (swiftjit_nl_import,
 * swiftjit_nl_reflect, swiftjit_nl_export_steal, driven by a type descriptor).
 *
 * Kinds: 0 bool (1 byte, 0/1), 1 int64, 2 float64, 3 complex128 (two doubles).
 * Every helper needs the GIL; object results are new references or NULL with a
 * Python exception set, int results are -1 with an exception set on failure. */
#include "SwiftJITRuntime.h"
#include <stddef.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    int64_t length;    /* offset 16 */
    int64_t capacity;  /* offset 24 */
    char *data;        /* offset 32 */
    int64_t kind;      /* offset 40 */
} NativeList;

_Static_assert(offsetof(NativeList, length) == 16, "NativeListLowering.swift reads length at 16");
_Static_assert(offsetof(NativeList, capacity) == 24, "NativeListLowering.swift reads capacity at 24");
_Static_assert(offsetof(NativeList, data) == 32, "NativeListLowering.swift reads data at 32");

static int64_t item_size(int64_t kind) { return kind == 0 ? 1 : kind == 3 ? 16 : 8; }

static PyTypeObject NativeList_Type;
static int ready(void);

int swiftjit_nl_check(PyObject *o) { return Py_IS_TYPE(o, &NativeList_Type); }

/* A native list of `n` zeroed elements of `kind`. */
PyObject *swiftjit_nl_new(int64_t kind, int64_t n) {
    if (n < 0) n = 0;
    if (ready() < 0) return NULL;
    NativeList *l = PyObject_New(NativeList, &NativeList_Type);
    if (l == NULL) return NULL;
    int64_t cap = n < 4 ? 4 : n;
    l->length = n;
    l->capacity = cap;
    l->kind = kind;
    l->data = calloc((size_t)cap, (size_t)item_size(kind));
    if (l->data == NULL) {
        l->capacity = 0;
        Py_DECREF(l);
        PyErr_NoMemory();
        return NULL;
    }
    return (PyObject *)l;
}

static int reserve(NativeList *l, int64_t needed) {
    if (needed <= l->capacity) return 0;
    int64_t cap = l->capacity + (l->capacity >> 1) + 4;  /* x1.5, as amortized as CPython's list */
    if (cap < needed) cap = needed;
    char *data = realloc(l->data, (size_t)cap * (size_t)item_size(l->kind));
    if (data == NULL) { PyErr_NoMemory(); return -1; }
    l->data = data;
    l->capacity = cap;
    return 0;
}

/* The slow path of an inline append: room for one more element. */
int swiftjit_nl_grow(PyObject *o) {
    NativeList *l = (NativeList *)o;
    return reserve(l, l->length + 1);
}

static void nl_dealloc(PyObject *o) {
    free(((NativeList *)o)->data);
    PyObject_Free(o);
}

static PyObject *box_item(NativeList *l, int64_t i) {
    switch (l->kind) {
    case 0: return PyBool_FromLong(((unsigned char *)l->data)[i]);
    case 1: return PyLong_FromLongLong(((int64_t *)l->data)[i]);
    case 2: return PyFloat_FromDouble(((double *)l->data)[i]);
    default: {
        double *c = (double *)l->data + 2 * i;
        return PyComplex_FromDoubles(c[0], c[1]);
    }
    }
}

/* Stores the number `v` into element i; -1 (TypeError) when it is not of the list's kind. */
static int store_item(NativeList *l, int64_t i, PyObject *v) {
    switch (l->kind) {
    case 0: {
        if (!PyBool_Check(v) && !PyLong_Check(v)) break;
        int t = PyObject_IsTrue(v);
        if (t < 0) return -1;
        ((unsigned char *)l->data)[i] = (unsigned char)t;
        return 0;
    }
    case 1: {
        if (!PyLong_Check(v)) break;
        long long x = PyLong_AsLongLong(v);
        if (x == -1 && PyErr_Occurred()) return -1;
        ((int64_t *)l->data)[i] = (int64_t)x;
        return 0;
    }
    case 2: {
        if (PyFloat_CheckExact(v)) { ((double *)l->data)[i] = PyFloat_AS_DOUBLE(v); return 0; }
        if (!PyFloat_Check(v) && !PyLong_Check(v)) break;
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred()) return -1;
        ((double *)l->data)[i] = x;
        return 0;
    }
    default: {
        if (!PyComplex_Check(v) && !PyFloat_Check(v) && !PyLong_Check(v)) break;
        Py_complex c = PyComplex_AsCComplex(v);
        if (c.real == -1.0 && PyErr_Occurred()) return -1;
        double *d = (double *)l->data + 2 * i;
        d[0] = c.real;
        d[1] = c.imag;
        return 0;
    }
    }
    static const char *names[] = {"bool", "int", "float", "complex"};
    PyErr_Format(PyExc_TypeError, "a list of %s in compiled code cannot hold a %.100s "
                 "(all elements must have one type in nopython mode)", names[l->kind & 3], Py_TYPE(v)->tp_name);
    return -1;
}

/* A new `list` of the native list's elements. */
PyObject *swiftjit_nl_to_list(PyObject *o) {
    NativeList *l = (NativeList *)o;
    PyObject *list = PyList_New((Py_ssize_t)l->length);
    if (list == NULL) return NULL;
    for (int64_t i = 0; i < l->length; i++) {
        PyObject *item = box_item(l, i);
        if (item == NULL) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
    return list;
}

/* Replaces the native list's elements by those of the `list` (or any sequence) `src`. */
static int fill_from(NativeList *l, PyObject *src) {
    PyObject *seq = PySequence_Fast(src, "expected a sequence");
    if (seq == NULL) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    int r = reserve(l, (int64_t)n);
    if (r == 0) {
        /* Checked into a scratch copy first: a failure leaves the list as it was. */
        NativeList scratch = *l;
        scratch.data = malloc((size_t)(n ? n : 1) * (size_t)item_size(l->kind));
        if (scratch.data == NULL) { PyErr_NoMemory(); r = -1; }
        for (Py_ssize_t i = 0; r == 0 && i < n; i++) r = store_item(&scratch, (int64_t)i, items[i]);
        if (r == 0) {
            memcpy(l->data, scratch.data, (size_t)n * (size_t)item_size(l->kind));
            l->length = (int64_t)n;
        }
        free(scratch.data);
    }
    Py_DECREF(seq);
    return r;
}

/* A native list of `kind` holding the elements of `list`. */
PyObject *swiftjit_nl_from_list(PyObject *list, int64_t kind) {
    PyObject *l = swiftjit_nl_new(kind, 0);
    if (l == NULL) return NULL;
    if (fill_from((NativeList *)l, list) < 0) { Py_DECREF(l); return NULL; }
    return l;
}

/* The native list for an object read from a container or returned by Python code,
 * consuming the reference to `o`: a native list itself, or a new one made from a `list`. */
PyObject *swiftjit_nl_unbox_steal(PyObject *o, int64_t kind) {
    if (swiftjit_nl_check(o) && ((NativeList *)o)->kind == kind) return o;
    if (!PyList_Check(o)) {
        PyErr_Format(PyExc_TypeError, "a container holds a %.100s where compiled code expects a list "
                     "(all elements must have one type in nopython mode)",
                     swiftjit_nl_check(o) ? "list of another element type" : Py_TYPE(o)->tp_name);
        Py_DECREF(o);
        return NULL;
    }
    PyObject *l = swiftjit_nl_from_list(o, kind);
    Py_DECREF(o);
    return l;
}

/* A `list` for `o` (a new reference): the materialized elements of a native list, else `o`. */
static PyObject *materialize(PyObject *o) {
    if (swiftjit_nl_check(o)) return swiftjit_nl_to_list(o);
    Py_INCREF(o);
    return o;
}

/* Copies a materialized list back into the native list it was made from. */
static int write_back(PyObject *o, PyObject *list) {
    if (!swiftjit_nl_check(o) || o == list) return 0;
    return fill_from((NativeList *)o, list);
}

/* The IndexError of an inline index or pop: 0 get, 1 set, 2 pop from empty, 3 pop index. */
void swiftjit_nl_index_error(int64_t what) {
    static const char *messages[] = {"list index out of range", "list assignment index out of range",
                                     "pop from empty list", "pop index out of range"};
    PyErr_SetString(PyExc_IndexError, messages[what & 3]);
}

/* ---- the Python object protocol: used when a native list meets generic code ---- */

static Py_ssize_t nl_length(PyObject *o) { return (Py_ssize_t)((NativeList *)o)->length; }

static PyObject *nl_item(PyObject *o, Py_ssize_t i) {
    NativeList *l = (NativeList *)o;
    if (i < 0 || i >= l->length) { swiftjit_nl_index_error(0); return NULL; }
    return box_item(l, i);
}

static int nl_contains(PyObject *o, PyObject *v) {
    PyObject *list = materialize(o);
    if (list == NULL) return -1;
    int r = PySequence_Contains(list, v);
    Py_DECREF(list);
    return r;
}

static PyObject *nl_subscript(PyObject *o, PyObject *key) {
    PyObject *list = materialize(o);
    if (list == NULL) return NULL;
    PyObject *r = PyObject_GetItem(list, key);
    Py_DECREF(list);
    return r;
}

static int nl_ass_subscript(PyObject *o, PyObject *key, PyObject *value) {
    PyObject *list = materialize(o);
    if (list == NULL) return -1;
    int r = value ? PyObject_SetItem(list, key, value) : PyObject_DelItem(list, key);
    if (r == 0) r = write_back(o, list);
    Py_DECREF(list);
    return r;
}

static PyObject *nl_iter(PyObject *o) {
    PyObject *list = materialize(o);
    if (list == NULL) return NULL;
    PyObject *it = PyObject_GetIter(list);
    Py_DECREF(list);
    return it;
}

static PyObject *nl_repr(PyObject *o) {
    PyObject *list = materialize(o);
    if (list == NULL) return NULL;
    PyObject *r = PyObject_Repr(list);
    Py_DECREF(list);
    return r;
}

static PyObject *nl_richcompare(PyObject *a, PyObject *b, int op) {
    if (!(swiftjit_nl_check(b) || PyList_Check(b)) || !(swiftjit_nl_check(a) || PyList_Check(a)))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *x = materialize(a), *y = x ? materialize(b) : NULL;
    PyObject *r = y ? PyObject_RichCompare(x, y, op) : NULL;
    Py_XDECREF(x);
    Py_XDECREF(y);
    return r;
}

static PySequenceMethods nl_as_sequence = {
    .sq_length = nl_length,
    .sq_item = nl_item,
    .sq_contains = nl_contains,
};

static PyMappingMethods nl_as_mapping = {
    .mp_length = nl_length,
    .mp_subscript = nl_subscript,
    .mp_ass_subscript = nl_ass_subscript,
};

static PyTypeObject NativeList_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftjit._NativeList",
    .tp_basicsize = sizeof(NativeList),
    .tp_dealloc = nl_dealloc,
    .tp_repr = nl_repr,
    .tp_str = nl_repr,
    .tp_as_sequence = &nl_as_sequence,
    .tp_as_mapping = &nl_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A list of numbers stored unboxed by compiled code (private).",
    .tp_richcompare = nl_richcompare,
    .tp_iter = nl_iter,
};

/* Readies the type (once, from the module initialization or the first use). */
static int ready(void) {
    static int done = 0;
    if (done) return 0;
    if (PyType_Ready(&NativeList_Type) < 0) return -1;
    done = 1;
    return 0;
}

/* ---- hooks for the generic helpers of containers.c ---- */

/* A method call on a native list: made on a materialized list, whose elements are then
 * copied back (the method may have changed them). */
PyObject *swiftjit_nl_call_method(PyObject *receiver, PyObject *name, PyObject **stack, size_t nargsf, PyObject *kw) {
    PyObject *list = materialize(receiver);
    if (list == NULL) return NULL;
    stack[0] = list;
    PyObject *r = PyObject_VectorcallMethod(name, stack, nargsf, kw);
    stack[0] = receiver;
    if (r != NULL && write_back(receiver, list) < 0) Py_CLEAR(r);
    Py_DECREF(list);
    return r;
}

/* A binary operator with a native list operand: computed on materialized lists; an in-place
 * operator changes the native list on the left and returns it. */
PyObject *swiftjit_nl_binop(PyObject *a, PyObject *b, int64_t op, PyObject *(*apply)(PyObject *, PyObject *, int64_t)) {
    PyObject *x = materialize(a), *y = x ? materialize(b) : NULL;
    PyObject *r = y ? apply(x, y, op) : NULL;
    if (r != NULL && op >= 16 && swiftjit_nl_check(a)) {
        int failed = write_back(a, r);
        Py_DECREF(r);
        r = failed ? NULL : (Py_INCREF(a), a);
    }
    Py_XDECREF(x);
    Py_XDECREF(y);
    return r;
}

/* ---- the wrapper's conversions, driven by a type descriptor ----
 * "n<k>" native list of kind digit k; "l<d>" list of <d>; "t<count>;<d>..." tuple;
 * "m<d><d>" dict (key, value); "o" any other value (left as it is). */

static const char *skip(const char *d) {
    switch (*d) {
    case 'n': return d + 2;
    case 'l': return skip(d + 1);
    case 'm': return skip(skip(d + 1));
    case 't': {
        char *end;
        long n = strtol(d + 1, &end, 10);
        d = end + 1;
        for (long i = 0; i < n; i++) d = skip(d);
        return d;
    }
    default: return d + 1;
    }
}

static PyObject *convert(PyObject *o, const char *d, int out);

static PyObject *convert_list(PyObject *o, const char *item, int out) {
    Py_ssize_t n = PyList_GET_SIZE(o);
    PyObject *r = PyList_New(n);
    for (Py_ssize_t i = 0; r != NULL && i < n; i++) {
        PyObject *x = convert(PyList_GET_ITEM(o, i), item, out);
        if (x == NULL) { Py_CLEAR(r); break; }
        PyList_SET_ITEM(r, i, x);
    }
    return r;
}

/* `o` converted for compiled code (out == 0: lists of numbers become native) or for
 * Python (out == 1: native lists become `list`s); a new reference. */
static PyObject *convert(PyObject *o, const char *d, int out) {
    switch (*d) {
    case 'n':
        if (out) return materialize(o);
        if (ready() < 0) return NULL;
        return swiftjit_nl_from_list(o, d[1] - '0');
    case 'l':
        if (!PyList_Check(o)) break;
        return convert_list(o, d + 1, out);
    case 'm': {
        if (!PyDict_Check(o)) break;
        const char *value = skip(d + 1);
        PyObject *r = PyDict_New(), *k, *v;
        Py_ssize_t pos = 0;
        while (r != NULL && PyDict_Next(o, &pos, &k, &v)) {
            PyObject *x = convert(v, value, out);
            if (x == NULL || PyDict_SetItem(r, k, x) < 0) Py_CLEAR(r);
            Py_XDECREF(x);
        }
        return r;
    }
    case 't': {
        if (!PyTuple_Check(o)) break;
        char *end;
        long n = strtol(d + 1, &end, 10);
        d = end + 1;
        if (PyTuple_GET_SIZE(o) != n) break;
        PyObject *r = PyTuple_New(n);
        for (long i = 0; r != NULL && i < n; i++) {
            PyObject *x = convert(PyTuple_GET_ITEM(o, i), d, out);
            if (x == NULL) { Py_CLEAR(r); break; }
            PyTuple_SET_ITEM(r, i, x);
            d = skip(d);
        }
        return r;
    }
    default: break;
    }
    Py_INCREF(o);
    return o;
}

/* An argument for compiled code: a new reference to `o` with its lists of numbers native. */
PyObject *swiftjit_nl_import(PyObject *o, const char *desc) { return convert(o, desc, 0); }

/* A value for Python, consuming `o`: native lists become new `list`s, at any depth. */
PyObject *swiftjit_nl_export_steal(PyObject *o, const char *desc) {
    PyObject *r = convert(o, desc, 1);
    Py_DECREF(o);
    return r;
}

/* Whether the native list holds exactly the values of the `list` `orig`. */
static int same_values(NativeList *l, PyObject *orig) {
    if (PyList_GET_SIZE(orig) != l->length) return 0;
    NativeList probe = *l;
    char buffer[16];
    probe.data = buffer;
    for (int64_t i = 0; i < l->length; i++) {
        if (store_item(&probe, 0, PyList_GET_ITEM(orig, i)) < 0) { PyErr_Clear(); return 0; }
        int64_t size = item_size(l->kind);
        if (memcmp(buffer, l->data + i * size, (size_t)size) != 0) return 0;
    }
    return 1;
}

/* Reflects what compiled code did to the converted argument `conv` into the caller's `orig`
 * (made by swiftjit_nl_import with `desc`): a list is refilled in place only when its
 * contents changed, a dict is refilled when it changed, a tuple's items are reflected.
 * Keeps an exception that is already set (the function raised) unless reflection fails. */
int swiftjit_nl_reflect(PyObject *orig, PyObject *conv, const char *desc) {
    if (orig == conv) return 0;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    int r = 0;
    switch (*desc) {
    case 'n':
        if (PyList_Check(orig) && swiftjit_nl_check(conv) && !same_values((NativeList *)conv, orig)) {
            PyObject *items = swiftjit_nl_to_list(conv);
            r = items ? PyList_SetSlice(orig, 0, PyList_GET_SIZE(orig), items) : -1;
            Py_XDECREF(items);
        }
        break;
    case 'l':
    case 'm': {
        PyObject *items = convert(conv, desc, 1);
        if (items == NULL) { r = -1; break; }
        int same = PyObject_RichCompareBool(orig, items, Py_EQ);
        if (same < 0) r = -1;
        else if (!same && *desc == 'l') r = PyList_SetSlice(orig, 0, PyList_GET_SIZE(orig), items);
        else if (!same) { PyDict_Clear(orig); r = PyDict_Update(orig, items); }
        Py_DECREF(items);
        break;
    }
    case 't': {
        char *end;
        long n = strtol(desc + 1, &end, 10);
        const char *d = end + 1;
        for (long i = 0; r == 0 && i < n; i++) {
            r = swiftjit_nl_reflect(PyTuple_GET_ITEM(orig, i), PyTuple_GET_ITEM(conv, i), d);
            d = skip(d);
        }
        break;
    }
    default: break;
    }
    if (r == 0 || type != NULL) PyErr_Restore(type, value, tb);  /* the function's own exception wins */
    else { Py_XDECREF(type); Py_XDECREF(value); Py_XDECREF(tb); }
    return r;
}

/* A native list for compiled code (the type is readied at the first one). */
PyObject *swiftjit_nl_make(int64_t kind, int64_t n) {
    if (ready() < 0) return NULL;
    return swiftjit_nl_new(kind, n);
}

void *swiftjit_nativelist_symbol(int i, const char **name) {
#define SYM(n) *name = #n; return (void *)&n
    switch (i) {
    case 0: SYM(swiftjit_nl_make);
    case 1: SYM(swiftjit_nl_grow);
    case 2: SYM(swiftjit_nl_index_error);
    case 3: SYM(swiftjit_nl_unbox_steal);
    case 4: SYM(swiftjit_nl_import);
    case 5: SYM(swiftjit_nl_export_steal);
    case 6: SYM(swiftjit_nl_reflect);
    case 7: SYM(swiftjit_nl_to_list);
    default: return NULL;
    }
#undef SYM
}
