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

/* One freed large buffer (256 KiB to 32 MiB) kept for the next list that grows that large.
 * A list of a million floats built and dropped on every call otherwise gets its last growth
 * from fresh pages each time (glibc maps allocations of the largest size freed so far), and
 * its page faults cost ten times the appends (np.array(list) of 1e6 floats: 13 ms -> 1.5 ms).
 * Only touched with the GIL held (lists are Python objects). */
static char *spare_buffer = NULL;
static size_t spare_bytes = 0;
#define SPARE_MIN ((size_t)1 << 18)
#define SPARE_MAX ((size_t)1 << 25)

/* Frees `data` (`bytes` long), or keeps it as the spare when it is the largest one seen. */
static void release_buffer(char *data, size_t bytes) {
    if (data != NULL && bytes >= SPARE_MIN && bytes <= SPARE_MAX && bytes > spare_bytes) {
        free(spare_buffer);
        spare_buffer = data;
        spare_bytes = bytes;
    } else {
        free(data);
    }
}

/* The spare buffer when it holds at least `bytes` (and `bytes` is large), else NULL; `*got`
 * is its size. The caller owns it. */
static char *take_spare(size_t bytes, size_t *got) {
    if (bytes < SPARE_MIN || spare_buffer == NULL || spare_bytes < bytes) return NULL;
    char *d = spare_buffer;
    *got = spare_bytes;
    spare_buffer = NULL;
    spare_bytes = 0;
    return d;
}

/* A native list: `swiftjit._NativeList` itself (made by compiled code) or a subclass
 * instance (`swiftjit.typed.List`, made by Python code and passed as it is). */
int swiftjit_nl_check(PyObject *o) { return PyObject_TypeCheck(o, &NativeList_Type); }

/* A typed list: an instance of a subclass of `_NativeList` (swiftjit.typed.List). Such a
 * list is the caller's object in compiled code: it is neither copied in nor reflected
 * nor exported, and it keeps its element kind (no kind -1 reaches compiled code). */
static int is_typed(PyObject *o) { return swiftjit_nl_check(o) && !Py_IS_TYPE(o, &NativeList_Type); }

static const char *kind_names[] = {"bool", "int64", "float64", "complex128"};
static PyObject *m_register_typed(PyObject *unused, PyObject *const *args, Py_ssize_t n);
static PyObject *nl_tp_new(PyTypeObject *type, PyObject *args, PyObject *kwds);

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
    size_t spare = 0;
    l->data = take_spare((size_t)cap * (size_t)item_size(kind), &spare);
    if (l->data != NULL) {
        memset(l->data, 0, (size_t)cap * (size_t)item_size(kind));
        l->capacity = (int64_t)(spare / (size_t)item_size(kind));
        return (PyObject *)l;
    }
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
    size_t spare = 0, size = (size_t)item_size(l->kind);
    char *reused = take_spare((size_t)cap * size, &spare);
    if (reused != NULL) {
        if (l->length > 0) memcpy(reused, l->data, (size_t)l->length * size);
        release_buffer(l->data, (size_t)l->capacity * size);
        l->data = reused;
        l->capacity = (int64_t)(spare / size);
        return 0;
    }
    char *data = realloc(l->data, (size_t)cap * (size_t)item_size(l->kind));
    if (data == NULL) { PyErr_NoMemory(); return -1; }
    l->data = data;
    l->capacity = cap;
    return 0;
}

/* Trims the buffer to the length (at least 4 elements), so that an array that takes it over
 * (np.array of a list never used again, listextras.c) holds no slack; 0, or -1 with MemoryError. */
int swiftjit_nl_shrink(PyObject *o) {
    NativeList *l = (NativeList *)o;
    int64_t cap = l->length < 4 ? 4 : l->length;
    if (l->capacity <= cap + cap / 16) return 0;
    char *data = realloc(l->data, (size_t)cap * (size_t)item_size(l->kind));
    if (data == NULL) { PyErr_NoMemory(); return -1; }
    l->data = data;
    l->capacity = cap;
    return 0;
}

/* An empty native list with room for `capacity` elements (a comprehension over a range knows
 * how many it appends); the buffer is not zeroed. */
PyObject *swiftjit_nl_make_reserved(int64_t kind, int64_t capacity) {
    if (ready() < 0) return NULL;
    NativeList *l = PyObject_New(NativeList, &NativeList_Type);
    if (l == NULL) return NULL;
    int64_t cap = capacity < 4 ? 4 : capacity;
    size_t size = (size_t)item_size(kind), spare = 0;
    l->length = 0;
    l->kind = kind;
    l->data = take_spare((size_t)cap * size, &spare);
    if (l->data != NULL) {
        l->capacity = (int64_t)(spare / size);
        return (PyObject *)l;
    }
    l->capacity = cap;
    l->data = malloc((size_t)cap * size);
    if (l->data == NULL) {
        l->capacity = 0;
        Py_DECREF(l);
        PyErr_NoMemory();
        return NULL;
    }
    return (PyObject *)l;
}

/* The slow path of an inline append: room for one more element. */
int swiftjit_nl_grow(PyObject *o) {
    NativeList *l = (NativeList *)o;
    return reserve(l, l->length + 1);
}

static void nl_dealloc(PyObject *o) {
    NativeList *l = (NativeList *)o;
    release_buffer(l->data, (size_t)(l->capacity > 0 ? l->capacity : 0) * (size_t)item_size(l->kind));
    Py_TYPE(o)->tp_free(o);
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

/* The kind of a list whose first element is `v` (typed.List() without an item type), -1 when
 * a native list cannot hold it. */
static int64_t kind_of_value(PyObject *v) {
    if (PyBool_Check(v)) return 0;
    if (PyLong_Check(v)) return 1;
    if (PyFloat_Check(v)) return 2;
    if (PyComplex_Check(v)) return 3;
    return -1;
}

/* A typed list without an item type yet (kind -1) takes the kind of its first element. */
static int settle_kind(NativeList *l, PyObject *v) {
    if (l->kind >= 0) return 0;
    int64_t kind = kind_of_value(v);
    if (kind < 0) {
        PyErr_Format(PyExc_TypeError, "swiftjit.typed.List() holds bool, int, float or complex items natively, "
                     "not %.100s: give the item type (List.empty_list(unicode_type)) for other items",
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    char *data = calloc((size_t)(l->capacity > 0 ? l->capacity : 4), (size_t)item_size(kind));
    if (data == NULL) { PyErr_NoMemory(); return -1; }
    free(l->data);
    l->data = data;
    if (l->capacity <= 0) l->capacity = 4;
    l->kind = kind;
    return 0;
}

/* Stores the number `v` into element i; -1 (TypeError) when it is not of the list's kind.
 * A typed list takes only what Numba's typed.List casts safely: bool into bool, bool/int
 * into int64, bool/int/float into float64, any number into complex128. */
static int store_item(NativeList *l, int64_t i, PyObject *v) {
    int typed = !Py_IS_TYPE((PyObject *)l, &NativeList_Type);
    switch (l->kind) {
    case 0: {
        if (!PyBool_Check(v) && (typed || !PyLong_Check(v))) break;
        int t = PyObject_IsTrue(v);
        if (t < 0) return -1;
        ((unsigned char *)l->data)[i] = (unsigned char)t;
        return 0;
    }
    case 1: {
        if (!PyLong_Check(v)) {
            if (!typed || PyFloat_Check(v) || PyComplex_Check(v) || !PyIndex_Check(v)) break;
            PyObject *index = PyNumber_Index(v);  /* numpy integers */
            if (index == NULL) return -1;
            long long x = PyLong_AsLongLong(index);
            Py_DECREF(index);
            if (x == -1 && PyErr_Occurred()) return -1;
            ((int64_t *)l->data)[i] = (int64_t)x;
            return 0;
        }
        long long x = PyLong_AsLongLong(v);
        if (x == -1 && PyErr_Occurred()) return -1;
        ((int64_t *)l->data)[i] = (int64_t)x;
        return 0;
    }
    case 2: {
        if (PyFloat_CheckExact(v)) { ((double *)l->data)[i] = PyFloat_AS_DOUBLE(v); return 0; }
        /* A typed list also takes NumPy numbers (np.float32, np.int64): real numbers with __float__. */
        int real = typed && !PyComplex_Check(v) && !PyUnicode_Check(v) && !PyBytes_Check(v) &&
                   Py_TYPE(v)->tp_as_number != NULL && Py_TYPE(v)->tp_as_number->nb_float != NULL;
        if (!PyFloat_Check(v) && !PyLong_Check(v) && !real) break;
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
    if (typed) {
        PyErr_Format(PyExc_TypeError, "a typed List of %s cannot hold a %.100s (cannot safely cast it to %s; "
                     "cast explicitly)", kind_names[l->kind & 3], Py_TYPE(v)->tp_name, kind_names[l->kind & 3]);
        return -1;
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
    if (n > 0 && settle_kind(l, items[0]) < 0) { Py_DECREF(seq); return -1; }
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
    if (swiftjit_nl_check(o) && ((NativeList *)o)->kind < 0 && ((NativeList *)o)->length == 0) {
        NativeList *l = (NativeList *)o;  /* an empty typed.List() without an item type takes it now */
        char *data = calloc((size_t)(l->capacity > 0 ? l->capacity : 4), (size_t)item_size(kind));
        if (data == NULL) { Py_DECREF(o); PyErr_NoMemory(); return NULL; }
        free(l->data);
        l->data = data;
        if (l->capacity <= 0) l->capacity = 4;
        l->kind = kind;
    }
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

/* `v in list`: each element boxed in turn and compared (no materialized copy). */
static int nl_contains(PyObject *o, PyObject *v) {
    NativeList *l = (NativeList *)o;
    for (int64_t i = 0; i < l->length; i++) {
        PyObject *item = box_item(l, i);
        if (item == NULL) return -1;
        int r = PyObject_RichCompareBool(item, v, Py_EQ);
        Py_DECREF(item);
        if (r != 0) return r;
    }
    return 0;
}

/* A new list of the same type and kind as `like` (a typed.List stays a typed.List) with the
 * elements of the sequence `items`. */
static PyObject *new_like(PyObject *like, PyObject *items) {
    NativeList *src = (NativeList *)like;
    PyTypeObject *type = Py_TYPE(like);
    NativeList *l = (NativeList *)type->tp_alloc(type, 0);
    if (l == NULL) return NULL;
    l->kind = src->kind;
    l->length = 0;
    l->capacity = 4;
    l->data = calloc(4, (size_t)item_size(src->kind));
    if (l->data == NULL) { l->capacity = 0; Py_DECREF(l); return PyErr_NoMemory(); }
    if (fill_from(l, items) < 0) { Py_DECREF(l); return NULL; }
    return (PyObject *)l;
}

/* An index argument as a position in [0, length) (negative ones count from the end);
 * -1 with IndexError (`what` as swiftjit_nl_index_error) when out of range, -2 on another error. */
static int64_t position(NativeList *l, PyObject *key, int64_t what) {
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) return -2;
    if (i < 0) i += (Py_ssize_t)l->length;
    if (i < 0 || i >= (Py_ssize_t)l->length) { swiftjit_nl_index_error(what); return -1; }
    return (int64_t)i;
}

static PyObject *nl_subscript(PyObject *o, PyObject *key) {
    NativeList *l = (NativeList *)o;
    if (PyIndex_Check(key)) {
        int64_t i = position(l, key, 0);
        return i < 0 ? NULL : box_item(l, i);
    }
    PyObject *list = materialize(o);
    if (list == NULL) return NULL;
    PyObject *r = PyObject_GetItem(list, key);
    Py_DECREF(list);
    if (r != NULL && is_typed(o) && PyList_Check(r)) {  /* a slice of a typed.List is a typed.List */
        PyObject *t = new_like(o, r);
        Py_DECREF(r);
        return t;
    }
    return r;
}

static int nl_ass_subscript(PyObject *o, PyObject *key, PyObject *value) {
    NativeList *l = (NativeList *)o;
    if (PyIndex_Check(key)) {
        int64_t i = position(l, key, 1);
        if (i < 0) return -1;
        if (value) return store_item(l, i, value);
        int64_t size = item_size(l->kind);
        memmove(l->data + i * size, l->data + (i + 1) * size, (size_t)((l->length - i - 1) * size));
        l->length--;
        return 0;
    }
    PyObject *list = materialize(o);
    if (list == NULL) return -1;
    int r = value ? PyObject_SetItem(list, key, value) : PyObject_DelItem(list, key);
    if (r == 0) r = write_back(o, list);
    Py_DECREF(list);
    return r;
}

/* The iterator: the list and the next index; the length is read at each step, so items
 * appended during the loop are seen, as with a `list`. */
typedef struct {
    PyObject_HEAD
    NativeList *list;  /* NULL once exhausted */
    int64_t index;
} NativeListIter;

static void nlit_dealloc(PyObject *o) {
    Py_XDECREF(((NativeListIter *)o)->list);
    PyObject_Free(o);
}

static PyObject *nlit_next(PyObject *o) {
    NativeListIter *it = (NativeListIter *)o;
    NativeList *l = it->list;
    if (l == NULL) return NULL;
    if (it->index < l->length) return box_item(l, it->index++);
    it->list = NULL;
    Py_DECREF(l);
    return NULL;
}

static PyObject *nlit_length_hint(PyObject *o, PyObject *unused) {
    (void)unused;
    NativeListIter *it = (NativeListIter *)o;
    int64_t n = it->list && it->list->length > it->index ? it->list->length - it->index : 0;
    return PyLong_FromLongLong(n);
}

static PyMethodDef nlit_methods[] = {
    {"__length_hint__", (PyCFunction)nlit_length_hint, METH_NOARGS, "Items left."},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject NativeListIter_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftjit._NativeListIterator",
    .tp_basicsize = sizeof(NativeListIter),
    .tp_dealloc = nlit_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = nlit_next,
    .tp_methods = nlit_methods,
};

static PyObject *nl_iter(PyObject *o) {
    if (ready() < 0) return NULL;
    NativeListIter *it = PyObject_New(NativeListIter, &NativeListIter_Type);
    if (it == NULL) return NULL;
    Py_INCREF(o);
    it->list = (NativeList *)o;
    it->index = 0;
    return (PyObject *)it;
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

/* ---- methods for Python code (swiftjit.typed.List builds the rest on these) ---- */

static PyObject *m_append(PyObject *o, PyObject *v) {
    NativeList *l = (NativeList *)o;
    if (settle_kind(l, v) < 0 || reserve(l, l->length + 1) < 0) return NULL;
    if (store_item(l, l->length, v) < 0) return NULL;
    l->length++;
    Py_RETURN_NONE;
}

/* extend(iterable): all or nothing (the items are checked before the length changes). */
static PyObject *m_extend(PyObject *o, PyObject *src) {
    NativeList *l = (NativeList *)o;
    PyObject *seq = o == src ? swiftjit_nl_to_list(o) : PySequence_Fast(src, "extend() needs an iterable");
    if (seq == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    int r = n > 0 ? settle_kind(l, items[0]) : 0;
    if (r == 0) r = reserve(l, l->length + (int64_t)n);
    for (Py_ssize_t i = 0; r == 0 && i < n; i++) r = store_item(l, l->length + (int64_t)i, items[i]);
    if (r == 0) l->length += (int64_t)n;
    Py_DECREF(seq);
    if (r < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *m_pop(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    NativeList *l = (NativeList *)o;
    if (n > 1) { PyErr_SetString(PyExc_TypeError, "pop expected at most 1 argument"); return NULL; }
    if (l->length == 0) { swiftjit_nl_index_error(2); return NULL; }
    int64_t i = l->length - 1;
    if (n == 1) {
        i = position(l, args[0], 3);
        if (i < 0) return NULL;
    }
    PyObject *item = box_item(l, i);
    if (item == NULL) return NULL;
    int64_t size = item_size(l->kind);
    memmove(l->data + i * size, l->data + (i + 1) * size, (size_t)((l->length - i - 1) * size));
    l->length--;
    return item;
}

/* insert(i, v): before position i, clamped to [0, len] as list.insert does. */
static PyObject *m_insert(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    NativeList *l = (NativeList *)o;
    if (n != 2) { PyErr_SetString(PyExc_TypeError, "insert expected 2 arguments"); return NULL; }
    Py_ssize_t i = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (i < 0) i += (Py_ssize_t)l->length;
    if (i < 0) i = 0;
    if (i > (Py_ssize_t)l->length) i = (Py_ssize_t)l->length;
    if (settle_kind(l, args[1]) < 0 || reserve(l, l->length + 1) < 0) return NULL;
    if (store_item(l, l->length, args[1]) < 0) return NULL;  /* checked at the end, then moved */
    int64_t size = item_size(l->kind);
    char saved[16];
    memcpy(saved, l->data + l->length * size, (size_t)size);
    memmove(l->data + (i + 1) * size, l->data + i * size, (size_t)((l->length - i) * size));
    memcpy(l->data + i * size, saved, (size_t)size);
    l->length++;
    Py_RETURN_NONE;
}

static PyObject *m_clear(PyObject *o, PyObject *unused) {
    (void)unused;
    ((NativeList *)o)->length = 0;
    Py_RETURN_NONE;
}

static PyObject *m_tolist(PyObject *o, PyObject *unused) { (void)unused; return swiftjit_nl_to_list(o); }

/* _assign(sequence): replaces every element, all or nothing. */
static PyObject *m_assign(PyObject *o, PyObject *src) {
    if (fill_from((NativeList *)o, src) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *m_copy(PyObject *o, PyObject *unused) {
    (void)unused;
    PyObject *items = swiftjit_nl_to_list(o);
    if (items == NULL) return NULL;
    PyObject *r = new_like(o, items);
    Py_DECREF(items);
    return r;
}

static PyObject *get_kind(PyObject *o, void *unused) { (void)unused; return PyLong_FromLongLong(((NativeList *)o)->kind); }

static PyMethodDef nl_methods[] = {
    {"append", (PyCFunction)m_append, METH_O, "Appends one item."},
    {"extend", (PyCFunction)m_extend, METH_O, "Appends the items of an iterable (all or none)."},
    {"pop", (PyCFunction)(void (*)(void))m_pop, METH_FASTCALL, "Removes and returns the item at index (default last)."},
    {"insert", (PyCFunction)(void (*)(void))m_insert, METH_FASTCALL, "Inserts an item before index."},
    {"clear", (PyCFunction)m_clear, METH_NOARGS, "Removes every item."},
    {"copy", (PyCFunction)m_copy, METH_NOARGS, "A shallow copy of the same type."},
    {"_tolist", (PyCFunction)m_tolist, METH_NOARGS, "The items as a new list."},
    {"_assign", (PyCFunction)m_assign, METH_O, "Replaces every item by those of a sequence (all or none)."},
    {"_register_typed", (PyCFunction)(void (*)(void))m_register_typed, METH_FASTCALL | METH_STATIC,
     "Registers the classes swiftjit.typed.List and typed.Dict (for containers made by compiled code)."},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef nl_getset[] = {
    {"_kind", get_kind, NULL, "The element kind: 0 bool, 1 int64, 2 float64, 3 complex128, -1 not yet known.", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

/* _NativeList(kind): an empty list of that kind (-1: taken from the first item). */
static PyObject *nl_tp_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    long long kind = -1;
    static char *names[] = {"kind", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|L", names, &kind)) return NULL;
    if (kind < -1 || kind > 3) { PyErr_SetString(PyExc_ValueError, "kind must be -1, 0, 1, 2 or 3"); return NULL; }
    NativeList *l = (NativeList *)type->tp_alloc(type, 0);
    if (l == NULL) return NULL;
    l->kind = kind;
    l->length = 0;
    l->capacity = 4;
    l->data = calloc(4, (size_t)item_size(kind));
    if (l->data == NULL) { l->capacity = 0; Py_DECREF(l); return PyErr_NoMemory(); }
    return (PyObject *)l;
}

/* The Python classes swiftjit.typed.List and typed.Dict (registered by typed.py through
 * `_NativeList._register_typed(List, Dict)`), for typed containers made by compiled code. */
static PyObject *typed_classes[2];

/* typed.py's `_empty_by_name(type_name)`: a new empty typed container of boxed elements
 * (a list/dict subclass per declared type), for swiftjit_typed_object_new. */
static PyObject *typed_object_maker;

static PyObject *m_register_typed(PyObject *unused, PyObject *const *args, Py_ssize_t n) {
    (void)unused;
    if ((n != 2 && n != 3) || !PyType_Check(args[0]) || !PyType_Check(args[1])
        || (n == 3 && !PyCallable_Check(args[2]))) {
        PyErr_SetString(PyExc_TypeError, "_register_typed(List, Dict[, make_empty]) takes the two classes "
                                         "and a callable");
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        Py_INCREF(args[i]);
        Py_XSETREF(typed_classes[i], args[i]);
    }
    if (n == 3) {
        Py_INCREF(args[2]);
        Py_XSETREF(typed_object_maker, args[2]);
    }
    Py_RETURN_NONE;
}

/* A typed container of boxed elements made by compiled code (`List.empty_list(unicode_type)`,
 * `Dict.empty(unicode_type, int64)`): a new empty instance of typed.py's class for the
 * compiler type name `name` ("list(str)", "dict(str, int64)"). */
PyObject *swiftjit_typed_object_new(const char *name) {
    if (typed_object_maker == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "swiftjit.typed is not initialized");
        return NULL;
    }
    PyObject *s = PyUnicode_FromString(name);
    if (s == NULL) return NULL;
    PyObject *r = PyObject_CallOneArg(typed_object_maker, s);
    Py_DECREF(s);
    return r;
}

/* The registered class (0: typed.List, 1: typed.Dict), borrowed; NULL before registration. */
PyObject *swiftjit_typed_class(int64_t which) { return typed_classes[which & 1]; }

PyObject *swiftjit_nd_new_of(PyTypeObject *type, int64_t kinds);

/* A typed container made by compiled code (`List.empty_list(int64)`, `Dict.empty(int64,
 * float64)`): a typed.List of `kinds` (the list kind) or, when `dict`, a typed.Dict of
 * `kinds` (value tag | key tag << 4). */
PyObject *swiftjit_typed_new(int64_t dict, int64_t kinds) {
    PyObject *cls = typed_classes[dict ? 1 : 0];
    if (cls == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "swiftjit.typed is not initialized");
        return NULL;
    }
    if (dict) return swiftjit_nd_new_of((PyTypeObject *)cls, kinds);
    PyObject *args = Py_BuildValue("(L)", (long long)kinds);
    if (args == NULL) return NULL;
    PyObject *r = nl_tp_new((PyTypeObject *)cls, args, NULL);
    Py_DECREF(args);
    return r;
}

/* The type object (for the module: swiftjit._swiftjit._NativeList), readied. */
PyObject *swiftjit_nl_type_object(void) {
    if (ready() < 0) return NULL;
    return (PyObject *)&NativeList_Type;
}

/* The dispatcher's key of a typed.List argument: (1 << 62) | (kind + 1); 0 when `o` is not
 * a typed list or has no item type yet. */
uint64_t swiftjit_nl_typed_key(PyObject *o) {
    if (!is_typed(o) || ((NativeList *)o)->kind < 0) return 0;
    return ((uint64_t)1 << 62) | (uint64_t)(((NativeList *)o)->kind + 1);
}

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
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A list of numbers stored unboxed (the base of swiftjit.typed.List).",
    .tp_richcompare = nl_richcompare,
    .tp_iter = nl_iter,
    .tp_methods = nl_methods,
    .tp_getset = nl_getset,
    .tp_new = nl_tp_new,
};

/* Readies the type (once, from the module initialization or the first use). */
static int ready(void) {
    static int done = 0;
    if (done) return 0;
    if (PyType_Ready(&NativeList_Type) < 0 || PyType_Ready(&NativeListIter_Type) < 0) return -1;
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
    if (r != NULL && is_typed(receiver) && PyList_CheckExact(r) && PyUnicode_Check(name) &&
        PyUnicode_CompareWithASCIIString(name, "copy") == 0) {  /* a copy of a typed.List is a typed.List */
        PyObject *t = new_like(receiver, r);
        Py_DECREF(r);
        r = t;
    }
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

/* Whether `o` is an instance of a typed.py class declared for exactly the type of descriptor
 * `d` (the class's own `_swiftjit_desc`; a typed.List of typed.Lists of int64 ...). The
 * class's checked stores keep its items of that type, so it is passed to compiled code and
 * returned as it is: no copy of the outer container, no reflection, the same object back. */
static int declared_as(PyObject *o, const char *d) {
    static PyObject *key = NULL;
    PyTypeObject *t = Py_TYPE(o);
    if (!PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) || t->tp_dict == NULL) return 0;
    if (key == NULL && (key = PyUnicode_InternFromString("_swiftjit_desc")) == NULL) { PyErr_Clear(); return 0; }
    PyObject *v = PyDict_GetItemWithError(t->tp_dict, key);  /* borrowed; the class's own dict only */
    Py_ssize_t n = 0;
    const char *s = v != NULL && PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &n) : NULL;
    if (s == NULL) { PyErr_Clear(); return 0; }
    return (Py_ssize_t)(skip(d) - d) == n && memcmp(s, d, (size_t)n) == 0;
}

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
        /* A typed.List is passed and returned as it is: no copy, no reflection. */
        if (is_typed(o) && (out || ((NativeList *)o)->kind == d[1] - '0')) { Py_INCREF(o); return o; }
        if (is_typed(o) && !out) {  /* a copy would not be reflected: refuse rather than lose changes */
            int64_t k = ((NativeList *)o)->kind;
            PyErr_Format(PyExc_TypeError, "a typed List of %s is used where compiled code expects a list of %s "
                         "(typed lists keep their item type; pass a List.empty_list of that type)",
                         k >= 0 ? kind_names[k & 3] : "undefined items", kind_names[(d[1] - '0') & 3]);
            return NULL;
        }
        if (out) return materialize(o);
        if (ready() < 0) return NULL;
        return swiftjit_nl_from_list(o, d[1] - '0');
    case 'l':
        if (!PyList_Check(o)) break;
        if (declared_as(o, d)) { Py_INCREF(o); return o; }
        return convert_list(o, d + 1, out);
    case 'm': {
        if (!PyDict_Check(o)) break;
        if (declared_as(o, d)) { Py_INCREF(o); return o; }
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
    case 8: SYM(swiftjit_typed_new);
    case 9: SYM(swiftjit_typed_object_new);
    default: return NULL;
    }
#undef SYM
}
