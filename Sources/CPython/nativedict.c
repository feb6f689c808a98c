/* Native storage for dicts with integer keys and numeric values (issue 11).
 *
 * A dict whose static type is dict(int64|bool, int64|float64|bool) is held by
 * compiled code as a `swiftjit._NativeDict`: a small CPython object (so the
 * refcounted managed-slot model of containers.c keeps working) holding an
 * insertion-ordered open-addressing hash table of unboxed int64 keys and 8-byte
 * values, like CPython's compact dict: an index table (linear probing over a
 * mixed hash, EMPTY/DUMMY markers) plus a dense entries array in insertion order
 * whose deleted entries are tombstones until the next resize compacts them.
 *
 * Compiled code calls the small helpers below directly (no boxing, no Python
 * calls). The object also implements the mapping protocol and dict's methods
 * with boxed keys and values, so every generic path of containers.c (methods
 * through PyObject_VectorcallMethod, iteration, ==, repr) works on it too.
 *
 * The object records what its keys and values are (`ktag`: int or bool; `vtag`:
 * int, float or bool) to box them. Storing a wider static type widens the tags
 * (bool -> int -> float), as unification of the static types does.
 *
 * Boundaries: an argument dict is copied in (O(n)) and, when the compiled code
 * changed it, written back to the caller's dict at exit (swiftjit_nd_writeback);
 * a returned dict is exported as a new Python dict. */
#include "SwiftJITRuntime.h"
#include "SwiftJITLists.h"
#include <string.h>
#include <stdlib.h>

enum { K_INT = 0, K_BOOL = 1 };
enum { V_INT = 0, V_FLOAT = 1, V_BOOL = 2 };
#define IX_EMPTY (-1)
#define IX_DUMMY (-2)

typedef union { int64_t i; double f; } NDValue;

typedef struct {
    int64_t key;
    NDValue value;
} NDEntry;

typedef struct {
    PyObject_HEAD
    Py_ssize_t used;      /* live entries */
    Py_ssize_t nentries;  /* entries written since the last resize (live + deleted) */
    Py_ssize_t usable;    /* capacity of `entries` */
    Py_ssize_t mask;      /* index table size - 1 */
    int32_t *index;       /* entry number, IX_EMPTY or IX_DUMMY */
    NDEntry *entries;
    uint8_t *alive;
    int ktag, vtag;
    int dirty;            /* changed since made (write-back to an argument's dict) */
    uint64_t version;     /* changes of the key set (iterators check it) */
    int fixed;            /* 0: tags widen; 1: a typed.Dict, tags fixed; 2: a typed.Dict() whose
                             tags the first stored item decides */
} NativeDict;

static PyTypeObject NativeDictType;
static PyTypeObject NativeDictIterType;
void *swiftjit_nativedict_symbol2(int i, const char **name);
static int types_ready = 0;

static int ensure_types(void) {
    if (types_ready) return 0;
    if (PyType_Ready(&NativeDictType) < 0 || PyType_Ready(&NativeDictIterType) < 0) return -1;
    types_ready = 1;
    return 0;
}

static inline uint64_t nd_hash(int64_t key) {
    uint64_t x = (uint64_t)key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* A native dict: `_NativeDict` itself (made by compiled code) or a typed.Dict (a subclass). */
static inline int is_native(PyObject *o) { return PyObject_TypeCheck(o, &NativeDictType); }
/* A typed.Dict: passed to and returned from compiled code as it is (no copy, no write-back). */
static inline int is_typed(PyObject *o) { return is_native(o) && !Py_IS_TYPE(o, &NativeDictType); }
static const char *ktag_type(int t) { return t == K_BOOL ? "bool" : "int64"; }
static const char *vtag_type(int t) { return t == V_FLOAT ? "float64" : t == V_BOOL ? "bool" : "int64"; }

/* Allocates tables for an index of `size` slots (a power of two); entries are moved by the caller. */
static int nd_alloc(NativeDict *d, Py_ssize_t size) {
    if (size > ((Py_ssize_t)1 << 30)) { PyErr_NoMemory(); return -1; }
    Py_ssize_t usable = (size * 2) / 3;
    int32_t *index = PyMem_Malloc(sizeof(int32_t) * (size_t)size);
    NDEntry *entries = PyMem_Malloc(sizeof(NDEntry) * (size_t)usable);
    uint8_t *alive = PyMem_Malloc((size_t)usable);
    if (!index || !entries || !alive) {
        PyMem_Free(index); PyMem_Free(entries); PyMem_Free(alive);
        PyErr_NoMemory();
        return -1;
    }
    memset(index, 0xff, sizeof(int32_t) * (size_t)size);  /* IX_EMPTY */
    /* Move the live entries, in order, compacting tombstones. */
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < d->nentries; i++) {
        if (!d->alive[i]) continue;
        entries[n] = d->entries[i];
        alive[n] = 1;
        size_t j = (size_t)nd_hash(entries[n].key) & (size_t)(size - 1);
        while (index[j] != IX_EMPTY) j = (j + 1) & (size_t)(size - 1);
        index[j] = (int32_t)n;
        n++;
    }
    PyMem_Free(d->index); PyMem_Free(d->entries); PyMem_Free(d->alive);
    d->index = index; d->entries = entries; d->alive = alive;
    d->mask = size - 1;
    d->usable = usable;
    d->nentries = n;
    d->used = n;
    return 0;
}

static int nd_resize(NativeDict *d) {
    Py_ssize_t size = 8;
    while ((size * 2) / 3 <= d->used * 2) size <<= 1;
    return nd_alloc(d, size);
}

static NativeDict *nd_make_of(PyTypeObject *type, int ktag, int vtag, Py_ssize_t hint) {
    if (ensure_types() < 0) return NULL;
    NativeDict *d = type == &NativeDictType ? PyObject_New(NativeDict, &NativeDictType)
                                            : (NativeDict *)type->tp_alloc(type, 0);
    if (d == NULL) return NULL;
    d->fixed = type == &NativeDictType ? 0 : 1;
    d->used = d->nentries = d->usable = 0;
    d->mask = 0;
    d->index = NULL; d->entries = NULL; d->alive = NULL;
    d->ktag = ktag; d->vtag = vtag;
    d->dirty = 0;
    d->version = 0;
    Py_ssize_t size = 8;
    while ((size * 2) / 3 < hint) size <<= 1;
    if (nd_alloc(d, size) < 0) { Py_DECREF(d); return NULL; }
    return d;
}

static NativeDict *nd_make(int ktag, int vtag, Py_ssize_t hint) { return nd_make_of(&NativeDictType, ktag, vtag, hint); }

/* The entry number of `key`, or -1. */
static inline Py_ssize_t nd_find(NativeDict *d, int64_t key) {
    size_t mask = (size_t)d->mask;
    size_t j = (size_t)nd_hash(key) & mask;
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == IX_EMPTY) return -1;
        if (ix >= 0 && d->entries[ix].key == key) return ix;
        j = (j + 1) & mask;
    }
}

/* The entry for `key`, inserted (value zero) when missing; NULL on MemoryError. */
static inline NDEntry *nd_slot(NativeDict *d, int64_t key, int *inserted) {
    size_t mask = (size_t)d->mask;
    size_t j = (size_t)nd_hash(key) & mask;
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == IX_EMPTY) break;
        if (ix >= 0 && d->entries[ix].key == key) { *inserted = 0; return &d->entries[ix]; }
        j = (j + 1) & mask;
    }
    if (d->nentries >= d->usable) {
        if (nd_resize(d) < 0) return NULL;
        mask = (size_t)d->mask;
        j = (size_t)nd_hash(key) & mask;
        while (d->index[j] != IX_EMPTY) j = (j + 1) & mask;
    }
    Py_ssize_t n = d->nentries++;
    d->index[j] = (int32_t)n;
    d->entries[n].key = key;
    d->entries[n].value.i = 0;
    d->alive[n] = 1;
    d->used++;
    d->version++;
    d->dirty = 1;
    *inserted = 1;
    return &d->entries[n];
}

static void nd_remove(NativeDict *d, Py_ssize_t ix) {
    size_t mask = (size_t)d->mask;
    size_t j = (size_t)nd_hash(d->entries[ix].key) & mask;
    while (d->index[j] != ix) j = (j + 1) & mask;
    d->index[j] = IX_DUMMY;
    d->alive[ix] = 0;
    d->used--;
    d->version++;
    d->dirty = 1;
}

static void nd_clear(NativeDict *d) {
    memset(d->index, 0xff, sizeof(int32_t) * (size_t)(d->mask + 1));
    d->used = d->nentries = 0;
    d->version++;
    d->dirty = 1;
}

/* Widens the value tag to `vtag` (bool -> int -> float), converting stored values. */
static void nd_widen_values(NativeDict *d, int vtag) {
    if (d->vtag == vtag || d->vtag == V_FLOAT || d->fixed) return;
    if (vtag == V_FLOAT) {
        for (Py_ssize_t i = 0; i < d->nentries; i++) d->entries[i].value.f = (double)d->entries[i].value.i;
        d->vtag = V_FLOAT;
    } else if (vtag == V_INT) {
        d->vtag = V_INT;
    }
}

static const char *vtag_name(int t) { return t == V_FLOAT ? "float" : t == V_BOOL ? "bool" : "int"; }

/* ---- boxing ---- */

static PyObject *box_key(NativeDict *d, int64_t k) {
    if (d->ktag == K_BOOL) return PyBool_FromLong((long)(k != 0));
    return PyLong_FromLongLong((long long)k);
}

static PyObject *box_value(NativeDict *d, NDValue v) {
    switch (d->vtag) {
    case V_FLOAT: return PyFloat_FromDouble(v.f);
    case V_BOOL: return PyBool_FromLong((long)(v.i != 0));
    default: return PyLong_FromLongLong((long long)v.i);
    }
}

static void set_key_error(PyObject *key) {
    PyObject *args = PyTuple_Pack(1, key);
    if (args) { PyErr_SetObject(PyExc_KeyError, args); Py_DECREF(args); }
}

static void key_error(NativeDict *d, int64_t k) {
    PyObject *key = box_key(d, k);
    if (key) { set_key_error(key); Py_DECREF(key); }
}

/* A Python key as int64: 1 found, 0 when it cannot be a key of this dict (not an
 * integer, or out of range: such a key is never present), -1 with an error. */
static int unbox_key(PyObject *o, int64_t *k) {
    if (PyLong_Check(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (overflow) return 0;
        *k = (int64_t)v;
        return 1;
    }
    if (PyFloat_Check(o)) {
        double f = PyFloat_AS_DOUBLE(o);
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && f == (double)(int64_t)f) {
            *k = (int64_t)f;
            return 1;
        }
        return 0;
    }
    /* Other hashable objects are simply absent; unhashable ones raise as dict does. */
    if (PyObject_Hash(o) == -1) return -1;
    return 0;
}

/* A typed.Dict() without types takes them from its first item (-1 when they are not native). */
static int settle_tags(NativeDict *d, PyObject *key, PyObject *value) {
    if (d->fixed != 2) return 0;
    int kt = PyBool_Check(key) ? K_BOOL : PyLong_Check(key) ? K_INT : -1;
    int vt = PyBool_Check(value) ? V_BOOL : PyLong_Check(value) ? V_INT : PyFloat_Check(value) ? V_FLOAT : -1;
    if (kt < 0 || vt < 0) {
        PyErr_Format(PyExc_TypeError, "swiftjit.typed.Dict() holds int or bool keys and int, float or bool values "
                     "natively, not a %.100s key with a %.100s value: use Dict.empty(key_type=..., value_type=...) "
                     "for other types", Py_TYPE(key)->tp_name, Py_TYPE(value)->tp_name);
        return -1;
    }
    d->ktag = kt;
    d->vtag = vt;
    d->fixed = 1;
    return 0;
}

/* A key and value checked against a typed.Dict's types, as Numba's typed.Dict casts them
 * safely: bool keys take bools, int64 keys ints and bools; bool values take bools, int64
 * values ints and bools, float64 values floats, ints and bools. */
static int check_typed_item(NativeDict *d, PyObject *key, PyObject *value) {
    if (d->fixed != 1) return 0;
    int key_ok = d->ktag == K_BOOL ? PyBool_Check(key) : PyLong_Check(key);
    if (!key_ok) {
        PyErr_Format(PyExc_TypeError, "a typed Dict with %s keys cannot take a %.100s key (cannot safely cast it; "
                     "cast explicitly)", ktag_type(d->ktag), Py_TYPE(key)->tp_name);
        return -1;
    }
    if (value == NULL) return 0;
    int value_ok = d->vtag == V_BOOL ? PyBool_Check(value)
                 : d->vtag == V_INT ? PyLong_Check(value)
                 : (PyFloat_Check(value) || PyLong_Check(value));
    if (!value_ok) {
        PyErr_Format(PyExc_TypeError, "a typed Dict with %s values cannot take a %.100s value (cannot safely cast "
                     "it; cast explicitly)", vtag_type(d->vtag), Py_TYPE(value)->tp_name);
        return -1;
    }
    return 0;
}

/* A key to store: an int (or bool) that fits int64; widens the key tag. */
static int store_key(NativeDict *d, PyObject *o, int64_t *k) {
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "a dict with int keys in compiled code cannot take a %.100s key",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (!PyBool_Check(o) && !d->fixed) d->ktag = K_INT;
    *k = (int64_t)v;
    return 0;
}

/* A value to store, widening the value tag as needed. */
static int store_value(NativeDict *d, PyObject *o, NDValue *out) {
    if (PyBool_Check(o)) {
        int64_t b = o == Py_True;
        if (d->vtag == V_FLOAT) out->f = (double)b; else out->i = b;
        return 0;
    }
    if (PyLong_Check(o)) {
        long long v = PyLong_AsLongLong(o);
        if (v == -1 && PyErr_Occurred()) return -1;
        nd_widen_values(d, V_INT);
        if (d->vtag == V_FLOAT) out->f = (double)v; else out->i = (int64_t)v;
        return 0;
    }
    if (PyFloat_Check(o)) {
        nd_widen_values(d, V_FLOAT);
        out->f = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "a dict with %s values in compiled code cannot take a %.100s value",
                 vtag_name(d->vtag), Py_TYPE(o)->tp_name);
    return -1;
}

static int nd_store_object(NativeDict *d, PyObject *key, PyObject *value) {
    int64_t k;
    NDValue v;
    if (settle_tags(d, key, value) < 0 || check_typed_item(d, key, value) < 0) return -1;
    if (store_key(d, key, &k) < 0) return -1;
    int ktag = d->ktag;
    if (store_value(d, value, &v) < 0) return -1;
    int inserted;
    NDEntry *e = nd_slot(d, k, &inserted);
    if (e == NULL) return -1;
    (void)ktag;
    e->value = v;
    d->dirty = 1;
    return 0;
}

/* ---- helpers called by compiled code ----
 * `kinds` = value kind (0 int, 1 float, 2 bool) | key kind (0 int, 1 bool) << 4: the
 * static types of the compiled code. Values travel as 8 raw bytes (int64 or double). */

PyObject *swiftjit_nd_new(int64_t kinds) {
    return (PyObject *)nd_make((int)((kinds >> 4) & 1), (int)(kinds & 3), 0);
}

/* Makes the tags of `d` able to hold the static types `kinds`; -1 with TypeError when not. */
static int nd_adopt(NativeDict *d, int64_t kinds) {
    int vk = (int)(kinds & 3), kk = (int)((kinds >> 4) & 1);
    if (d->fixed == 2) { d->ktag = kk; d->vtag = vk; d->fixed = 1; return 0; }
    if (d->fixed) {
        if (kk == d->ktag && vk == d->vtag) return 0;
        PyErr_Format(PyExc_TypeError, "a typed Dict[%s, %s] is used where compiled code expects a dict of %s keys "
                     "and %s values", ktag_type(d->ktag), vtag_type(d->vtag), ktag_type(kk), vtag_type(vk));
        return -1;
    }
    if (kk == K_INT) d->ktag = K_INT;
    if (vk == d->vtag) return 0;
    if (vk == V_FLOAT || (vk == V_INT && d->vtag == V_BOOL)) { nd_widen_values(d, vk); return 0; }
    if (vk == V_INT && d->vtag == V_FLOAT) {
        PyErr_SetString(PyExc_TypeError, "a dict holds float values where compiled code expects int values");
        return -1;
    }
    return 0;  /* static bool over int values: read as truth values */
}

/* d[k] = v. */
int32_t swiftjit_nd_set(PyObject *o, int64_t k, int64_t bits, int64_t kinds) {
    NativeDict *d = (NativeDict *)o;
    int vk = (int)(kinds & 3);
    if (((kinds >> 4) & 1) == K_INT && !d->fixed) d->ktag = K_INT;
    if (vk != d->vtag && (vk == V_FLOAT || (vk == V_INT && d->vtag == V_BOOL))) nd_widen_values(d, vk);
    NDValue v;
    if (vk == V_FLOAT) {
        memcpy(&v.f, &bits, sizeof v.f);
    } else if (d->vtag == V_FLOAT) {
        v.f = (double)bits;
    } else {
        v.i = bits;
    }
    int inserted;
    NDEntry *e = nd_slot(d, k, &inserted);
    if (e == NULL) return -1;
    e->value = v;
    d->dirty = 1;
    return 0;
}

/* Reads an entry's value as the static kind `want`; -1 with TypeError on a mismatch. */
static inline int read_value(NativeDict *d, NDValue v, int want, int64_t *out) {
    if (want == V_FLOAT) {
        double f = d->vtag == V_FLOAT ? v.f : (double)v.i;
        memcpy(out, &f, sizeof f);
        return 0;
    }
    if (d->vtag == V_FLOAT) {
        PyErr_SetString(PyExc_TypeError, "a dict holds float values where compiled code expects int values");
        return -1;
    }
    *out = want == V_BOOL ? (v.i != 0) : v.i;
    return 0;
}

/* d[k] (mode 1: KeyError when missing) or d.get(k, dflt) (mode 0), as the static kind
 * `want` (raw bits); *status 0, or -1 with a Python exception set. */
int64_t swiftjit_nd_get(PyObject *o, int64_t k, int64_t dflt, int64_t want, int64_t mode, int32_t *status) {
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find(d, k);
    *status = 0;
    if (ix < 0) {
        if (mode == 0) return dflt;
        key_error(d, k);
        *status = -1;
        return 0;
    }
    int64_t out;
    if (read_value(d, d->entries[ix].value, (int)want, &out) < 0) { *status = -1; return 0; }
    return out;
}

int32_t swiftjit_nd_contains(PyObject *o, int64_t k) { return nd_find((NativeDict *)o, k) >= 0; }

int64_t swiftjit_nd_len(PyObject *o) { return (int64_t)((NativeDict *)o)->used; }

/* del d[k]: -1 with KeyError when missing. */
int32_t swiftjit_nd_del(PyObject *o, int64_t k) {
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find(d, k);
    if (ix < 0) { key_error(d, k); return -1; }
    nd_remove(d, ix);
    return 0;
}

/* A new native dict with the items of the mapping `src` (borrowed), for the static types `kinds`. */
static PyObject *nd_from_mapping(PyObject *src, int64_t kinds) {
    int vk = (int)(kinds & 3), kk = (int)((kinds >> 4) & 1);
    if (is_native(src)) {
        NativeDict *s = (NativeDict *)src;
        NativeDict *d = nd_make(s->ktag, s->vtag, s->used);
        if (d == NULL) return NULL;
        for (Py_ssize_t i = 0; i < s->nentries; i++) {
            if (!s->alive[i]) continue;
            int inserted;
            NDEntry *e = nd_slot(d, s->entries[i].key, &inserted);
            if (e == NULL) { Py_DECREF(d); return NULL; }
            e->value = s->entries[i].value;
        }
        d->dirty = 0;
        if (nd_adopt(d, kinds) < 0) { Py_DECREF(d); return NULL; }
        return (PyObject *)d;
    }
    Py_ssize_t n = PyDict_Check(src) ? PyDict_GET_SIZE(src) : 0;
    NativeDict *d = nd_make(kk, vk, n);
    if (d == NULL) return NULL;
    if (PyDict_Check(src)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(src, &pos, &key, &value)) {
            if (vk != V_FLOAT && PyFloat_Check(value)) {
                PyErr_Format(PyExc_TypeError, "a dict holds a float value where compiled code expects %s values",
                             vtag_name(vk));
                Py_DECREF(d);
                return NULL;
            }
            if (nd_store_object(d, key, value) < 0) { Py_DECREF(d); return NULL; }
        }
    } else {
        PyObject *items = PyMapping_Items(src);
        if (items == NULL) { Py_DECREF(d); return NULL; }
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
            PyObject *kv = PyList_GET_ITEM(items, i);
            if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2 ||
                nd_store_object(d, PyTuple_GET_ITEM(kv, 0), PyTuple_GET_ITEM(kv, 1)) < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "mapping items must be pairs");
                Py_DECREF(items); Py_DECREF(d);
                return NULL;
            }
        }
        Py_DECREF(items);
    }
    d->ktag = kk; /* the static key type decides how keys are boxed */
    d->vtag = vk;
    d->dirty = 0;
    return (PyObject *)d;
}

/* A dict argument for compiled code: a new native dict with the items of `src` (borrowed). */
PyObject *swiftjit_nd_from_dict(PyObject *src, int64_t kinds) {
    if (is_typed(src) && ((NativeDict *)src)->fixed == 1) {  /* a typed.Dict is the caller's object itself */
        Py_INCREF(src);
        return src;
    }
    return nd_from_mapping(src, kinds);
}

/* A value read from a container where compiled code expects a native dict: a native
 * dict is taken as it is, a Python dict is copied (consumes `o`). */
PyObject *swiftjit_nd_coerce_steal(PyObject *o, int64_t kinds) {
    if (is_native(o)) {
        if (nd_adopt((NativeDict *)o, kinds) < 0) { Py_DECREF(o); return NULL; }
        return o;
    }
    if (!PyDict_Check(o)) {
        PyErr_Format(PyExc_TypeError, "a container holds a %.100s where compiled code expects a dict "
                     "(all elements must have one type in nopython mode)", Py_TYPE(o)->tp_name);
        Py_DECREF(o);
        return NULL;
    }
    PyObject *r = nd_from_mapping(o, kinds);
    Py_DECREF(o);
    return r;
}

/* Fills the Python dict `out` with the items of the native dict `d`. */
static int nd_fill(PyObject *out, NativeDict *d) {
    for (Py_ssize_t i = 0; i < d->nentries; i++) {
        if (!d->alive[i]) continue;
        PyObject *k = box_key(d, d->entries[i].key);
        PyObject *v = k ? box_value(d, d->entries[i].value) : NULL;
        int r = v ? PyDict_SetItem(out, k, v) : -1;
        Py_XDECREF(k); Py_XDECREF(v);
        if (r < 0) return -1;
    }
    return 0;
}

static PyObject *nd_to_pydict(NativeDict *d) {
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    if (nd_fill(out, d) < 0) { Py_DECREF(out); return NULL; }
    return out;
}

/* A dict returned to Python: a new Python dict with the items (consumes `o`). */
PyObject *swiftjit_nd_export_steal(PyObject *o) {
    if (o == NULL || !is_native(o) || is_typed(o)) return o;  /* a typed.Dict goes back as it is */
    PyObject *r = nd_to_pydict((NativeDict *)o);
    Py_DECREF(o);
    return r;
}

/* Casts between the two representations of dicts (consumes `o`): to a native dict
 * (`to_native`) or to a Python dict. */
PyObject *swiftjit_nd_convert_steal(PyObject *o, int64_t to_native, int64_t kinds) {
    if (o == NULL) return NULL;
    return to_native ? swiftjit_nd_coerce_steal(o, kinds) : swiftjit_nd_export_steal(o);
}

/* After a call: the caller's dict `orig` takes the items of the native copy `o` when
 * compiled code changed it. Keeps a pending exception. Returns 0, or -1 with an error. */
int32_t swiftjit_nd_writeback(PyObject *orig, PyObject *o) {
    if (o == NULL || !is_native(o) || !((NativeDict *)o)->dirty || orig == o) return 0;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    int r = 0;
    if (PyDict_Check(orig)) {
        PyDict_Clear(orig);
        r = nd_fill(orig, (NativeDict *)o);
    }
    if (type != NULL) {
        if (r < 0) PyErr_Clear();
        PyErr_Restore(type, value, tb);
        return 0;
    }
    return r;
}

/* ---- the Python type ---- */

static void nd_dealloc(PyObject *o) {
    NativeDict *d = (NativeDict *)o;
    PyMem_Free(d->index); PyMem_Free(d->entries); PyMem_Free(d->alive);
    Py_TYPE(o)->tp_free(o);
}

/* The entry of Python key `key`: its index, -1 when absent (or not an int key), -2 with an
   exception set when the key cannot be converted. */
static Py_ssize_t nd_find_object(NativeDict *d, PyObject *key) {
    int64_t k;
    int r = unbox_key(key, &k);
    if (r < 0) return -2;
    return r ? nd_find(d, k) : -1;
}

static Py_ssize_t nd_length(PyObject *o) { return ((NativeDict *)o)->used; }

static PyObject *nd_subscript(PyObject *o, PyObject *key) {
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find_object(d, key);
    if (ix == -2) return NULL;
    if (ix < 0) { set_key_error(key); return NULL; }
    return box_value(d, d->entries[ix].value);
}

static int nd_ass_subscript(PyObject *o, PyObject *key, PyObject *value) {
    NativeDict *d = (NativeDict *)o;
    if (value == NULL) {
        Py_ssize_t ix = nd_find_object(d, key);
        if (ix == -2) return -1;
        if (ix < 0) { set_key_error(key); return -1; }
        nd_remove(d, ix);
        return 0;
    }
    return nd_store_object(d, key, value);
}

static int nd_sq_contains(PyObject *o, PyObject *key) {
    int64_t k;
    int r = unbox_key(key, &k);
    if (r <= 0) return r;
    return nd_find((NativeDict *)o, k) >= 0;
}

static PyObject *nd_repr(PyObject *o) {
    PyObject *d = nd_to_pydict((NativeDict *)o);
    if (d == NULL) return NULL;
    PyObject *r = PyObject_Repr(d);
    Py_DECREF(d);
    return r;
}

static PyObject *nd_richcompare(PyObject *a, PyObject *b, int op) {
    if ((op != Py_EQ && op != Py_NE) || !(is_native(b) || PyDict_Check(b)) || !(is_native(a) || PyDict_Check(a)))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *x = is_native(a) ? nd_to_pydict((NativeDict *)a) : (Py_INCREF(a), a);
    if (x == NULL) return NULL;
    PyObject *y = is_native(b) ? nd_to_pydict((NativeDict *)b) : (Py_INCREF(b), b);
    if (y == NULL) { Py_DECREF(x); return NULL; }
    PyObject *r = PyObject_RichCompare(x, y, op);
    Py_DECREF(x); Py_DECREF(y);
    return r;
}

/* Iterators over keys (0), values (1) or items (2). */
typedef struct {
    PyObject_HEAD
    NativeDict *d;
    Py_ssize_t pos;
    Py_ssize_t used;
    uint64_t version;
    int mode;
} NativeDictIter;

static PyObject *nd_iter_mode(PyObject *o, int mode) {
    if (ensure_types() < 0) return NULL;
    NativeDictIter *it = PyObject_New(NativeDictIter, &NativeDictIterType);
    if (it == NULL) return NULL;
    Py_INCREF(o);
    it->d = (NativeDict *)o;
    it->pos = 0;
    it->used = it->d->used;
    it->version = it->d->version;
    it->mode = mode;
    return (PyObject *)it;
}

static PyObject *nd_iter(PyObject *o) { return nd_iter_mode(o, 0); }

static void nditer_dealloc(PyObject *o) {
    Py_XDECREF(((NativeDictIter *)o)->d);
    PyObject_Free(o);
}

static PyObject *nditer_next(PyObject *o) {
    NativeDictIter *it = (NativeDictIter *)o;
    NativeDict *d = it->d;
    if (d == NULL) return NULL;
    if (d->used != it->used || d->version != it->version) {
        PyErr_SetString(PyExc_RuntimeError, d->used != it->used ? "dictionary changed size during iteration"
                                                                : "dictionary keys changed during iteration");
        it->used = -1;
        return NULL;
    }
    while (it->pos < d->nentries && !d->alive[it->pos]) it->pos++;
    if (it->pos >= d->nentries) {
        it->d = NULL;
        Py_DECREF(d);
        return NULL;
    }
    NDEntry *e = &d->entries[it->pos++];
    if (it->mode == 0) return box_key(d, e->key);
    if (it->mode == 1) return box_value(d, e->value);
    PyObject *k = box_key(d, e->key);
    PyObject *v = k ? box_value(d, e->value) : NULL;
    if (v == NULL) { Py_XDECREF(k); return NULL; }
    PyObject *t = PyTuple_Pack(2, k, v);
    Py_DECREF(k); Py_DECREF(v);
    return t;
}

/* keys()/values()/items(): live views over the dict (dictview.c), as Python's. */
static PyObject *m_keys(PyObject *o, PyObject *unused) { (void)unused; return swiftjit_dictview_new(o, 0); }
static PyObject *m_values(PyObject *o, PyObject *unused) { (void)unused; return swiftjit_dictview_new(o, 1); }
static PyObject *m_items(PyObject *o, PyObject *unused) { (void)unused; return swiftjit_dictview_new(o, 2); }

/* An iterator over the keys (mode 0), values (1) or items (2) of a native dict. */
PyObject *swiftjit_nd_iter_mode(PyObject *o, int mode) { return nd_iter_mode(o, mode); }
/* A new Python dict with the items of the native dict `o` (borrowed). */
PyObject *swiftjit_nd_to_pydict(PyObject *o) { return nd_to_pydict((NativeDict *)o); }
/* Whether `o` is a native dict. */
int swiftjit_nd_check(PyObject *o) { return ensure_types() == 0 && is_native(o); }

static PyObject *m_get(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) { PyErr_SetString(PyExc_TypeError, "get expected 1 or 2 arguments"); return NULL; }
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find_object(d, args[0]);
    if (ix == -2) return NULL;
    if (ix >= 0) return box_value(d, d->entries[ix].value);
    PyObject *dflt = n == 2 ? args[1] : Py_None;
    Py_INCREF(dflt);
    return dflt;
}

static PyObject *m_setdefault(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) { PyErr_SetString(PyExc_TypeError, "setdefault expected 1 or 2 arguments"); return NULL; }
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find_object(d, args[0]);
    if (ix == -2) return NULL;
    if (ix >= 0) return box_value(d, d->entries[ix].value);
    PyObject *dflt = n == 2 ? args[1] : Py_None;
    if (nd_store_object(d, args[0], dflt) < 0) return NULL;
    Py_INCREF(dflt);
    return dflt;
}

static PyObject *m_pop(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    if (n < 1 || n > 2) { PyErr_SetString(PyExc_TypeError, "pop expected 1 or 2 arguments"); return NULL; }
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = nd_find_object(d, args[0]);
    if (ix == -2) return NULL;
    if (ix < 0) {
        if (n == 2) { Py_INCREF(args[1]); return args[1]; }
        set_key_error(args[0]);
        return NULL;
    }
    PyObject *v = box_value(d, d->entries[ix].value);
    if (v) nd_remove(d, ix);
    return v;
}

static PyObject *m_popitem(PyObject *o, PyObject *unused) {
    (void)unused;
    NativeDict *d = (NativeDict *)o;
    Py_ssize_t ix = d->nentries - 1;
    while (ix >= 0 && !d->alive[ix]) ix--;
    if (ix < 0) { PyErr_SetString(PyExc_KeyError, "popitem(): dictionary is empty"); return NULL; }
    PyObject *k = box_key(d, d->entries[ix].key);
    PyObject *v = k ? box_value(d, d->entries[ix].value) : NULL;
    if (v == NULL) { Py_XDECREF(k); return NULL; }
    PyObject *t = PyTuple_Pack(2, k, v);
    Py_DECREF(k); Py_DECREF(v);
    if (t) nd_remove(d, ix);
    return t;
}

static PyObject *m_copy(PyObject *o, PyObject *unused) {
    (void)unused;
    NativeDict *d = (NativeDict *)o;
    if (is_typed(o)) {  /* a copy of a typed.Dict is a typed.Dict of the same types */
        NativeDict *c = nd_make_of(Py_TYPE(o), d->ktag, d->vtag, d->used);
        if (c == NULL) return NULL;
        c->fixed = d->fixed;
        for (Py_ssize_t i = 0; i < d->nentries; i++) {
            if (!d->alive[i]) continue;
            int inserted;
            NDEntry *e = nd_slot(c, d->entries[i].key, &inserted);
            if (e == NULL) { Py_DECREF(c); return NULL; }
            e->value = d->entries[i].value;
        }
        return (PyObject *)c;
    }
    PyObject *c = nd_from_mapping(o, d->vtag | (d->ktag << 4));
    if (c) ((NativeDict *)c)->dirty = 1;
    return c;
}

static PyObject *m_clear(PyObject *o, PyObject *unused) {
    (void)unused;
    nd_clear((NativeDict *)o);
    Py_RETURN_NONE;
}

static PyObject *m_update(PyObject *o, PyObject *const *args, Py_ssize_t n) {
    NativeDict *d = (NativeDict *)o;
    if (n != 1) { PyErr_SetString(PyExc_TypeError, "update expected 1 argument"); return NULL; }
    PyObject *src = args[0];
    if (is_native(src) && !d->fixed) {
        NativeDict *s = (NativeDict *)src;
        if (s->vtag == V_FLOAT || (s->vtag == V_INT && d->vtag == V_BOOL)) nd_widen_values(d, s->vtag);
        if (s->ktag == K_INT) d->ktag = K_INT;
        Py_INCREF(src);
        for (Py_ssize_t i = 0; i < s->nentries; i++) {
            if (!s->alive[i]) continue;
            int inserted;
            int64_t key = s->entries[i].key;
            NDValue v = s->entries[i].value;
            NDEntry *e = nd_slot(d, key, &inserted);
            if (e == NULL) { Py_DECREF(src); return NULL; }
            if (d->vtag == V_FLOAT && s->vtag != V_FLOAT) v.f = (double)v.i;
            e->value = v;
            d->dirty = 1;
        }
        Py_DECREF(src);
        Py_RETURN_NONE;
    }
    PyObject *items = PyMapping_Check(src) && PyObject_HasAttrString(src, "keys") ? PyMapping_Items(src)
                                                                                   : PySequence_List(src);
    if (items == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *kv = PyList_GET_ITEM(items, i);
        PyObject *pair = PySequence_Tuple(kv);
        if (pair == NULL || PyTuple_GET_SIZE(pair) != 2) {
            if (pair) PyErr_SetString(PyExc_ValueError, "dictionary update sequence element has wrong length");
            Py_XDECREF(pair); Py_DECREF(items);
            return NULL;
        }
        int r = nd_store_object(d, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1));
        Py_DECREF(pair);
        if (r < 0) { Py_DECREF(items); return NULL; }
    }
    Py_DECREF(items);
    Py_RETURN_NONE;
}

static PyMethodDef nd_methods[] = {
    {"keys", (PyCFunction)m_keys, METH_NOARGS, "A view of the keys."},
    {"values", (PyCFunction)m_values, METH_NOARGS, "A view of the values."},
    {"items", (PyCFunction)m_items, METH_NOARGS, "A view of the (key, value) pairs."},
    {"get", (PyCFunction)(void (*)(void))m_get, METH_FASTCALL, "d.get(k[, default])"},
    {"setdefault", (PyCFunction)(void (*)(void))m_setdefault, METH_FASTCALL, "d.setdefault(k[, default])"},
    {"pop", (PyCFunction)(void (*)(void))m_pop, METH_FASTCALL, "d.pop(k[, default])"},
    {"popitem", (PyCFunction)m_popitem, METH_NOARGS, "Removes and returns the last (key, value) pair."},
    {"copy", (PyCFunction)m_copy, METH_NOARGS, "A shallow copy."},
    {"clear", (PyCFunction)m_clear, METH_NOARGS, "Removes every item."},
    {"update", (PyCFunction)(void (*)(void))m_update, METH_FASTCALL, "d.update(mapping or pairs)"},
    {NULL, NULL, 0, NULL}
};

/* d | other: a new Python dict (compiled code copies it into a native one where needed). */
static PyObject *nd_or(PyObject *a, PyObject *b) {
    if (!(is_native(a) || PyDict_Check(a)) || !(is_native(b) || PyDict_Check(b))) Py_RETURN_NOTIMPLEMENTED;
    PyObject *x = is_native(a) ? nd_to_pydict((NativeDict *)a) : PyDict_Copy(a);
    if (x == NULL) return NULL;
    PyObject *y = is_native(b) ? nd_to_pydict((NativeDict *)b) : (Py_INCREF(b), b);
    if (y == NULL || PyDict_Update(x, y) < 0) { Py_DECREF(x); Py_XDECREF(y); return NULL; }
    Py_DECREF(y);
    return x;
}

/* d |= other: updates d in place. */
static PyObject *nd_ior(PyObject *a, PyObject *b) {
    if (!is_native(a)) Py_RETURN_NOTIMPLEMENTED;
    PyObject *args[1] = { b };
    PyObject *r = m_update(a, args, 1);
    if (r == NULL) return NULL;
    Py_DECREF(r);
    Py_INCREF(a);
    return a;
}

static PyNumberMethods nd_as_number = { .nb_or = nd_or, .nb_inplace_or = nd_ior };

static PyMappingMethods nd_as_mapping = { nd_length, nd_subscript, nd_ass_subscript };
static PySequenceMethods nd_as_sequence = { .sq_contains = nd_sq_contains };

/* _NativeDict(ktag=-1, vtag=-1): an empty typed dict (subclasses: swiftjit.typed.Dict) with
 * fixed key and value tags, or (-1, -1) tags taken from the first item stored. */
static PyObject *nd_tp_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    int ktag = -1, vtag = -1;
    Py_ssize_t hint = 0;
    static char *names[] = {"ktag", "vtag", "n_keys", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|iin", names, &ktag, &vtag, &hint)) return NULL;
    int untyped = ktag == -1 && vtag == -1;
    if (!untyped && (ktag < 0 || ktag > 1 || vtag < 0 || vtag > 2)) {
        PyErr_SetString(PyExc_ValueError, "ktag must be 0 (int64) or 1 (bool), vtag 0 (int64), 1 (float64) or 2 (bool)");
        return NULL;
    }
    NativeDict *d = nd_make_of(type, untyped ? K_INT : ktag, untyped ? V_INT : vtag, hint < 0 ? 0 : hint);
    if (d == NULL) return NULL;
    d->fixed = untyped ? 2 : 1;
    d->dirty = 0;
    return (PyObject *)d;
}

static PyObject *get_types(PyObject *o, void *unused) {
    (void)unused;
    NativeDict *d = (NativeDict *)o;
    if (d->fixed == 2) Py_RETURN_NONE;
    return Py_BuildValue("(ss)", ktag_type(d->ktag), vtag_type(d->vtag));
}

static PyGetSetDef nd_getset[] = {
    {"_types", get_types, NULL, "(key type, value type) names, or None before the first item of a typed.Dict().", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

/* A new empty typed dict of class `type` (a subclass) with the tags of `kinds` (value tag |
 * key tag << 4), for swiftjit_typed_new. */
PyObject *swiftjit_nd_new_of(PyTypeObject *type, int64_t kinds) {
    NativeDict *d = nd_make_of(type, (int)((kinds >> 4) & 1), (int)(kinds & 3), 0);
    if (d == NULL) return NULL;
    d->fixed = 1;
    d->dirty = 0;
    return (PyObject *)d;
}

/* The type object (for the module: swiftjit._swiftjit._NativeDict), readied. */
PyObject *swiftjit_nd_type_object(void) {
    if (ensure_types() < 0) return NULL;
    return (PyObject *)&NativeDictType;
}

/* The dispatcher's key of a typed.Dict argument: (1 << 62) | (1 << 8) | vtag | ktag << 4;
 * 0 when `o` is not a typed dict or has no types yet. */
uint64_t swiftjit_nd_typed_key(PyObject *o) {
    if (!is_typed(o) || ((NativeDict *)o)->fixed != 1) return 0;
    NativeDict *d = (NativeDict *)o;
    return ((uint64_t)1 << 62) | ((uint64_t)1 << 8) | (uint64_t)d->vtag | ((uint64_t)d->ktag << 4);
}

static PyTypeObject NativeDictType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftjit._NativeDict",
    .tp_basicsize = sizeof(NativeDict),
    .tp_dealloc = nd_dealloc,
    .tp_repr = nd_repr,
    .tp_as_number = &nd_as_number,
    .tp_as_mapping = &nd_as_mapping,
    .tp_as_sequence = &nd_as_sequence,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A dict with int keys and numeric values held natively (the base of swiftjit.typed.Dict).",
    .tp_richcompare = nd_richcompare,
    .tp_iter = nd_iter,
    .tp_methods = nd_methods,
    .tp_getset = nd_getset,
    .tp_new = nd_tp_new,
};

static PyTypeObject NativeDictIterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "swiftjit._NativeDictIterator",
    .tp_basicsize = sizeof(NativeDictIter),
    .tp_dealloc = nditer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = nditer_next,
};

void *swiftjit_nativedict_symbol(int i, const char **name) {
#define SYM(n) *name = #n; return (void *)&n
    switch (i) {
    case 0: SYM(swiftjit_nd_new);
    case 1: SYM(swiftjit_nd_set);
    case 2: SYM(swiftjit_nd_get);
    case 3: SYM(swiftjit_nd_contains);
    case 4: SYM(swiftjit_nd_len);
    case 5: SYM(swiftjit_nd_del);
    case 6: SYM(swiftjit_nd_from_dict);
    case 7: SYM(swiftjit_nd_coerce_steal);
    case 8: SYM(swiftjit_nd_export_steal);
    case 9: SYM(swiftjit_nd_convert_steal);
    case 10: SYM(swiftjit_nd_writeback);
    default: return i >= 11 ? swiftjit_nativedict_symbol2(i - 11, name) : NULL;
    }
#undef SYM
}

/* ---- native dicts nested in other containers ----
 * A container argument whose type holds native dicts (a list of dicts, a dict of
 * dicts, ...) has the Python dicts inside replaced in place by native copies
 * before the call and by new Python dicts with the final items after it (and a
 * returned container has its native dicts replaced by Python dicts), following a
 * descriptor of the static type: 'N' value-kind key-kind (a native dict), 'L' item
 * (list), 'D' key value (Python dict), 'T' count ':' items (tuple), 'O' inner
 * (optional), 'x' (anything else). */

static const char *desc_skip(const char *d) {
    switch (*d) {
    case 'N': return d + 3;
    case 'L': case 'O': return desc_skip(d + 1);
    case 'D': return desc_skip(desc_skip(d + 1));
    case 'T': {
        char *end;
        long n = strtol(d + 1, &end, 10);
        d = end + 1;
        for (long i = 0; i < n; i++) d = desc_skip(d);
        return d;
    }
    default: return d + 1;
    }
}

/* Whether `o` is an instance of a typed.py class declared for exactly the type of walk
 * descriptor `d` (the class's own `_swiftjit_ddesc`; a typed.Dict of str -> typed.Dict of
 * int64 ...): the class's checked stores keep its items native dicts of those kinds, so it
 * needs no walk (O(1) per call) and stays as it is. */
static int declared_as(PyObject *o, const char *d) {
    static PyObject *key = NULL;
    PyTypeObject *t = Py_TYPE(o);
    if (!PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) || t->tp_dict == NULL) return 0;
    if (key == NULL && (key = PyUnicode_InternFromString("_swiftjit_ddesc")) == NULL) { PyErr_Clear(); return 0; }
    PyObject *v = PyDict_GetItemWithError(t->tp_dict, key);  /* borrowed; the class's own dict only */
    Py_ssize_t n = 0;
    const char *s = v != NULL && PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &n) : NULL;
    if (s == NULL) { PyErr_Clear(); return 0; }
    return (Py_ssize_t)(desc_skip(d) - d) == n && memcmp(s, d, (size_t)n) == 0;
}

/* A replacement for `o` (new reference), `o` itself (new reference) when unchanged, or NULL on error. */
static PyObject *walk(PyObject *o, const char *d, int import) {
    if ((*d == 'L' || *d == 'D') && declared_as(o, d)) { Py_INCREF(o); return o; }
    switch (*d) {
    case 'N': {
        if (import && !is_native(o) && PyDict_Check(o))
            return nd_from_mapping(o, (d[1] - '0') | ((d[2] - '0') << 4));
        if (!import && is_native(o) && !is_typed(o)) return nd_to_pydict((NativeDict *)o);
        break;
    }
    case 'O':
        if (o != Py_None) return walk(o, d + 1, import);
        break;
    case 'L':
        if (PyList_Check(o)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(o); i++) {
                PyObject *item = PyList_GET_ITEM(o, i);
                PyObject *r = walk(item, d + 1, import);
                if (r == NULL) return NULL;
                if (r != item) PyList_SetItem(o, i, r); else Py_DECREF(r);
            }
        }
        break;
    case 'D':
        if (PyDict_Check(o)) {
            const char *vd = desc_skip(d + 1);
            PyObject *keys = PyDict_Keys(o);
            if (keys == NULL) return NULL;
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
                PyObject *k = PyList_GET_ITEM(keys, i);
                PyObject *v = PyDict_GetItem(o, k);
                if (v == NULL) continue;
                PyObject *r = walk(v, vd, import);
                if (r == NULL) { Py_DECREF(keys); return NULL; }
                int bad = r != v ? PyDict_SetItem(o, k, r) : 0;
                Py_DECREF(r);
                if (bad < 0) { Py_DECREF(keys); return NULL; }
            }
            Py_DECREF(keys);
        }
        break;
    case 'T':
        if (PyTuple_Check(o)) {
            char *end;
            long n = strtol(d + 1, &end, 10);
            const char *id = end + 1;
            if (PyTuple_GET_SIZE(o) != n) break;
            PyObject *out = NULL;
            for (long i = 0; i < n; i++) {
                PyObject *item = PyTuple_GET_ITEM(o, i);
                PyObject *r = walk(item, id, import);
                if (r == NULL) { Py_XDECREF(out); return NULL; }
                if (r != item && out == NULL) {
                    out = PyTuple_New(n);
                    if (out == NULL) { Py_DECREF(r); return NULL; }
                    for (long j = 0; j < n; j++) { Py_INCREF(PyTuple_GET_ITEM(o, j)); PyTuple_SET_ITEM(out, j, PyTuple_GET_ITEM(o, j)); }
                }
                if (out != NULL) { Py_DECREF(PyTuple_GET_ITEM(out, i)); PyTuple_SET_ITEM(out, i, r); }
                else Py_DECREF(r);
                id = desc_skip(id);
            }
            if (out != NULL) return out;
        }
        break;
    default:
        break;
    }
    Py_INCREF(o);
    return o;
}

/* In place: the dicts inside `o` (a list or Python dict) become native copies (import)
 * or Python dicts again (export). Returns 0, or -1 with an exception set. Keeps a
 * pending exception on export. */
int32_t swiftjit_nd_walk(PyObject *o, const char *desc, int64_t import) {
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    if (!import) PyErr_Fetch(&type, &value, &tb);
    PyObject *r = walk(o, desc, (int)import);
    Py_XDECREF(r);
    if (!import) {
        /* A failed export (MemoryError) leaves native dicts, which still work as mappings. */
        if (r == NULL) PyErr_Clear();
        if (type != NULL) PyErr_Restore(type, value, tb);
        return 0;
    }
    return r == NULL ? -1 : 0;
}

void *swiftjit_nativedict_symbol2(int i, const char **name) {
#define SYM(n) *name = #n; return (void *)&n
    switch (i) {
    case 0: SYM(swiftjit_nd_walk);
    default: return NULL;
    }
#undef SYM
}
