/* Runtime helpers for str, list, dict and set values in nopython mode.
 *
 * Compiled code holds these values as CPython objects (PyObject *) whose element
 * types are known statically. Every helper runs with the GIL held. Helpers that
 * return an object return a NEW reference, or NULL with a Python exception set;
 * helpers that return an int return -1 with a Python exception set on failure.
 * Compiled code then raises the "pending" exception descriptor below, which
 * tells the wrapper that the Python exception is already set. */
#include "SwiftJITRuntime.h"
#include <string.h>

/* A descriptor {class variable, message} whose class variable holds NULL: the
 * exception is already set in the interpreter (see WrapperLowering.setException). */
static PyObject *no_class = NULL;
struct { PyObject **cls; const char *msg; } swiftjit_pending_exception = { &no_class, NULL };

void swiftjit_incref(PyObject *o) { Py_XINCREF(o); }
void swiftjit_decref(PyObject *o) { Py_XDECREF(o); }

/* A str constant: made once (interned) and kept in *cache; returns a new reference. */
PyObject *swiftjit_str_const(PyObject **cache, const char *utf8, int64_t length) {
    PyObject *s = *cache;
    if (s == NULL) {
        s = PyUnicode_DecodeUTF8(utf8, (Py_ssize_t)length, "surrogatepass");
        if (s == NULL) return NULL;
        PyUnicode_InternInPlace(&s);
        *cache = s;  /* kept for the life of the process */
    }
    Py_INCREF(s);
    return s;
}

static const char *kind_name(int64_t kind) {
    switch (kind) {
    case 1: return "str";
    case 2: return "list";
    case 3: return "dict";
    case 4: return "set";
    default: return "tuple";
    }
}

/* Checks that an element read from a container has the type compiled code expects:
 * kind 1 str, 2 list, 3 dict, 4 set, 5 tuple of `size` items. */
int swiftjit_check_kind(PyObject *o, int64_t kind, int64_t size) {
    int ok;
    switch (kind) {
    case 1: ok = PyUnicode_Check(o); break;
    case 2: ok = PyList_Check(o) || swiftjit_nl_check(o); break;
    case 3: ok = PyDict_Check(o); break;
    case 4: ok = PyAnySet_Check(o); break;
    default: ok = PyTuple_Check(o) && PyTuple_GET_SIZE(o) == size; break;
    }
    if (ok) return 0;
    if (kind == 5 && PyTuple_Check(o))
        PyErr_Format(PyExc_TypeError, "a container holds a tuple of %zd items where compiled code expects %lld",
                     PyTuple_GET_SIZE(o), (long long)size);
    else
        PyErr_Format(PyExc_TypeError, "a container holds a %.100s where compiled code expects a %s "
                     "(all elements must have one type in nopython mode)", Py_TYPE(o)->tp_name, kind_name(kind));
    return -1;
}

int64_t swiftjit_unbox_int(PyObject *o, int *failed) {
    if (!PyLong_Check(o)) {
        if (PyFloat_Check(o) || PyUnicode_Check(o) || PyAnySet_Check(o) || PyList_Check(o) || PyDict_Check(o)
            || PyTuple_Check(o)) {
            PyErr_Format(PyExc_TypeError, "a container holds a %.100s where compiled code expects an int "
                         "(all elements must have one type in nopython mode)", Py_TYPE(o)->tp_name);
            *failed = 1;
            return -1;
        }
    }
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) { *failed = 1; return -1; }
    *failed = 0;
    return (int64_t)v;
}

double swiftjit_unbox_float(PyObject *o, int *failed) {
    if (PyFloat_CheckExact(o)) { *failed = 0; return PyFloat_AS_DOUBLE(o); }
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred()) { *failed = 1; return -1.0; }
    *failed = 0;
    return v;
}

PyObject *swiftjit_box_bool(int64_t v) { return PyBool_FromLong((long)v); }
PyObject *swiftjit_none_ref(void) { Py_RETURN_NONE; }

PyObject *swiftjit_list_new(int64_t n) { return PyList_New((Py_ssize_t)n); }
/* Stores a new reference into a new list's slot (steals `item`). */
void swiftjit_list_init(PyObject *list, int64_t i, PyObject *item) { PyList_SET_ITEM(list, (Py_ssize_t)i, item); }

/* Appends, consuming the caller's reference to `item`. */
int swiftjit_list_append_steal(PyObject *list, PyObject *item) {
    int r = PyList_Append(list, item);
    Py_DECREF(item);
    return r;
}

static int list_index(PyObject *list, int64_t *i, const char *what) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    int64_t k = *i < 0 ? *i + n : *i;
    if (k < 0 || k >= n) {
        PyErr_Format(PyExc_IndexError, "list %s out of range", what);
        return -1;
    }
    *i = k;
    return 0;
}

/* list[i] (negative indices count from the end): a new reference. */
PyObject *swiftjit_list_getitem(PyObject *list, int64_t i) {
    if (list_index(list, &i, "index") < 0) return NULL;
    PyObject *item = PyList_GET_ITEM(list, (Py_ssize_t)i);
    Py_INCREF(item);
    return item;
}

/* list[i] = item, consuming the caller's reference to `item`. */
int swiftjit_list_setitem_steal(PyObject *list, int64_t i, PyObject *item) {
    if (list_index(list, &i, "assignment index") < 0) { Py_DECREF(item); return -1; }
    PyObject *old = PyList_GET_ITEM(list, (Py_ssize_t)i);
    PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    Py_DECREF(old);
    return 0;
}

int64_t swiftjit_len(PyObject *o) { return (int64_t)PyObject_Length(o); }

PyObject *swiftjit_getitem(PyObject *o, PyObject *key) { return PyObject_GetItem(o, key); }
/* o[key] = value, consuming the caller's references to key and value. */
int swiftjit_setitem_steal(PyObject *o, PyObject *key, PyObject *value) {
    int r = PyObject_SetItem(o, key, value);
    Py_DECREF(key);
    Py_DECREF(value);
    return r;
}

/* dict[key] for a dict: KeyError when missing, a new reference otherwise. */
PyObject *swiftjit_dict_getitem(PyObject *d, PyObject *key) {
    PyObject *v = PyDict_GetItemWithError(d, key);
    if (v == NULL) {
        if (!PyErr_Occurred()) {
            PyObject *args = PyTuple_Pack(1, key);
            if (args) { PyErr_SetObject(PyExc_KeyError, args); Py_DECREF(args); }
        }
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

int swiftjit_dict_setitem_steal(PyObject *d, PyObject *key, PyObject *value) {
    int r = PyDict_SetItem(d, key, value);
    Py_DECREF(key);
    Py_DECREF(value);
    return r;
}

/* d.get(key, default) (default may be NULL for None); consumes key and default. */
PyObject *swiftjit_dict_get_steal(PyObject *d, PyObject *key, PyObject *dflt) {
    PyObject *v = PyDict_GetItemWithError(d, key);
    Py_DECREF(key);
    if (v == NULL) {
        if (PyErr_Occurred()) { Py_XDECREF(dflt); return NULL; }
        if (dflt == NULL) Py_RETURN_NONE;
        return dflt;
    }
    Py_XDECREF(dflt);
    Py_INCREF(v);
    return v;
}

int swiftjit_delitem_steal(PyObject *o, PyObject *key) {
    int r = PyObject_DelItem(o, key);
    Py_DECREF(key);
    return r;
}

/* `item in container`, consuming the caller's reference to `item`; 1, 0 or -1. */
int swiftjit_contains_steal(PyObject *container, PyObject *item) {
    int r = PySequence_Contains(container, item);
    Py_DECREF(item);
    return r;
}

int swiftjit_set_add_steal(PyObject *set, PyObject *item) {
    int r = PySet_Add(set, item);
    Py_DECREF(item);
    return r;
}

/* Binary operators on objects: 0 +, 1 -, 2 *, 3 |, 4 &, 5 ^, 6 %; in-place forms add 16. */
PyObject *swiftjit_binop(PyObject *a, PyObject *b, int64_t op) {
    if (swiftjit_nl_check(a) || swiftjit_nl_check(b)) return swiftjit_nl_binop(a, b, op, swiftjit_binop);
    int inplace = op >= 16;
    switch (op & 15) {
    case 0: return inplace ? PyNumber_InPlaceAdd(a, b) : PyNumber_Add(a, b);
    case 1: return inplace ? PyNumber_InPlaceSubtract(a, b) : PyNumber_Subtract(a, b);
    case 2: return inplace ? PyNumber_InPlaceMultiply(a, b) : PyNumber_Multiply(a, b);
    case 3: return inplace ? PyNumber_InPlaceOr(a, b) : PyNumber_Or(a, b);
    case 4: return inplace ? PyNumber_InPlaceAnd(a, b) : PyNumber_And(a, b);
    case 5: return inplace ? PyNumber_InPlaceXor(a, b) : PyNumber_Xor(a, b);
    default: return PyNumber_Remainder(a, b);
    }
}

/* Py_LT 0 ... Py_GE 5; 1, 0 or -1. */
int swiftjit_compare(PyObject *a, PyObject *b, int64_t op) { return PyObject_RichCompareBool(a, b, (int)op); }
int swiftjit_truth(PyObject *o) { return PyObject_IsTrue(o); }

static PyObject *kwnames_of(const char *kwname) {
    if (kwname == NULL) return NULL;
    PyObject *k = PyUnicode_InternFromString(kwname);
    if (k == NULL) return NULL;
    PyObject *t = PyTuple_Pack(1, k);
    Py_DECREF(k);
    return t;
}

/* Calls method `name` of `receiver` with `n` arguments (the last one passed by the keyword
 * `kwname` when it is not NULL), consuming the caller's references to the arguments. */
PyObject *swiftjit_call_method(PyObject *receiver, const char *name, PyObject **args, int64_t n, const char *kwname,
                               PyObject **name_cache) {
    PyObject *stack[8];
    PyObject *result = NULL;
    if (*name_cache == NULL) *name_cache = PyUnicode_InternFromString(name);  /* kept for the process */
    PyObject *pyname = *name_cache;
    Py_XINCREF(pyname);
    PyObject *kw = kwnames_of(kwname);
    if (pyname != NULL && n < 8 && (kwname == NULL || kw != NULL)) {
        stack[0] = receiver;
        for (int64_t i = 0; i < n; i++) stack[i + 1] = args[i];
        size_t npos = (size_t)(n + 1 - (kw ? 1 : 0));
        result = swiftjit_nl_check(receiver)
            ? swiftjit_nl_call_method(receiver, pyname, stack, npos | PY_VECTORCALL_ARGUMENTS_OFFSET, kw)
            : PyObject_VectorcallMethod(pyname, stack, npos | PY_VECTORCALL_ARGUMENTS_OFFSET, kw);
    } else if (pyname != NULL && n >= 8) {
        PyErr_SetString(PyExc_TypeError, "too many arguments for a method call in compiled code");
    }
    Py_XDECREF(pyname);
    Py_XDECREF(kw);
    for (int64_t i = 0; i < n; i++) Py_DECREF(args[i]);
    return result;
}

/* Calls builtin `name` (str, sorted, list, set, dict, sum, min, max, repr, ...) with `n`
 * arguments (the last one by keyword `kwname` when not NULL), consuming the references. */
PyObject *swiftjit_call_builtin(const char *name, PyObject **args, int64_t n, const char *kwname) {
    PyObject *builtins = PyEval_GetBuiltins();  /* borrowed */
    PyObject *f = builtins ? PyDict_GetItemString(builtins, name) : NULL;
    PyObject *result = NULL;
    PyObject *kw = kwnames_of(kwname);
    if (f == NULL) {
        if (!PyErr_Occurred()) PyErr_Format(PyExc_NameError, "name '%s' is not defined", name);
    } else if (kwname == NULL || kw != NULL) {
        result = PyObject_Vectorcall(f, args, (size_t)(n - (kw ? 1 : 0)), kw);
    }
    Py_XDECREF(kw);
    for (int64_t i = 0; i < n; i++) Py_DECREF(args[i]);
    return result;
}

/* A slice object; INT64_MIN stands for an omitted bound. */
PyObject *swiftjit_slice_object(int64_t start, int64_t stop, int64_t step) {
    PyObject *a = start == INT64_MIN ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(start);
    PyObject *b = stop == INT64_MIN ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(stop);
    PyObject *c = PyLong_FromLongLong(step);
    PyObject *s = (a && b && c) ? PySlice_New(a, b, c) : NULL;
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c);
    return s;
}

PyObject *swiftjit_getiter(PyObject *o) { return PyObject_GetIter(o); }
/* The next item (a new reference), NULL at the end; -1 in *failed when an exception is set. */
PyObject *swiftjit_iternext(PyObject *it, int *failed) {
    PyObject *v = PyIter_Next(it);
    *failed = (v == NULL && PyErr_Occurred()) ? 1 : 0;
    return v;
}

/* o[start:stop:step]; INT64_MIN stands for an omitted bound. */
PyObject *swiftjit_slice(PyObject *o, int64_t start, int64_t stop, int64_t step) {
    PyObject *a = start == INT64_MIN ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(start);
    PyObject *b = stop == INT64_MIN ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLongLong(stop);
    PyObject *c = PyLong_FromLongLong(step);
    PyObject *result = NULL;
    if (a && b && c) {
        PyObject *s = PySlice_New(a, b, c);
        if (s) { result = PyObject_GetItem(o, s); Py_DECREF(s); }
    }
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(c);
    return result;
}

/* f-string pieces: format(value, spec) after the conversion (0 none, 1 str, 2 repr, 3 ascii);
 * consumes the references to value and spec (spec may be NULL). */
PyObject *swiftjit_format_steal(PyObject *value, int64_t conversion, PyObject *spec) {
    PyObject *v = value;
    if (conversion == 1) v = PyObject_Str(value);
    else if (conversion == 2) v = PyObject_Repr(value);
    else if (conversion == 3) v = PyObject_ASCII(value);
    else Py_INCREF(v);
    Py_DECREF(value);
    PyObject *result = NULL;
    if (v != NULL) {
        if (spec == NULL && PyUnicode_CheckExact(v)) { Py_INCREF(v); result = v; }
        else result = PyObject_Format(v, spec);
        Py_DECREF(v);
    }
    Py_XDECREF(spec);
    return result;
}

/* Concatenates `n` str objects, consuming the references. */
PyObject *swiftjit_join_steal(PyObject **parts, int64_t n) {
    PyObject *empty = PyUnicode_New(0, 0);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    PyObject *result = NULL;
    if (empty && t) {
        for (int64_t i = 0; i < n; i++) { PyTuple_SET_ITEM(t, (Py_ssize_t)i, parts[i]); parts[i] = NULL; }
        result = PyUnicode_Join(empty, t);
    }
    for (int64_t i = 0; i < n; i++) Py_XDECREF(parts[i]);
    Py_XDECREF(t);
    Py_XDECREF(empty);
    return result;
}

/* int(s) within int64, and float(s). */
int64_t swiftjit_str_to_int(PyObject *s, int *failed) {
    PyObject *v = PyLong_FromUnicodeObject(s, 10);
    if (v == NULL) { *failed = 1; return -1; }
    long long r = PyLong_AsLongLong(v);
    Py_DECREF(v);
    if (r == -1 && PyErr_Occurred()) { *failed = 1; return -1; }
    *failed = 0;
    return (int64_t)r;
}

double swiftjit_str_to_float(PyObject *s, int *failed) {
    PyObject *v = PyFloat_FromString(s);
    if (v == NULL) { *failed = 1; return -1.0; }
    double r = PyFloat_AS_DOUBLE(v);
    Py_DECREF(v);
    *failed = 0;
    return r;
}

/* str(x) of a boxed value (consumes the reference). */
PyObject *swiftjit_str_steal(PyObject *o) {
    PyObject *r = PyObject_Str(o);
    Py_DECREF(o);
    return r;
}

/* A new list of one str per character (iteration over str goes through the iterator). */

void *swiftjit_container_symbol(int i, const char **name) {
#define SYM(n) *name = #n; return (void *)&n
    switch (i) {
    case 0: SYM(swiftjit_pending_exception);
    case 1: SYM(swiftjit_incref);
    case 2: SYM(swiftjit_decref);
    case 3: SYM(swiftjit_str_const);
    case 4: SYM(swiftjit_check_kind);
    case 5: SYM(swiftjit_unbox_int);
    case 6: SYM(swiftjit_unbox_float);
    case 7: SYM(swiftjit_box_bool);
    case 8: SYM(swiftjit_none_ref);
    case 9: SYM(swiftjit_list_new);
    case 10: SYM(swiftjit_list_init);
    case 11: SYM(swiftjit_list_append_steal);
    case 12: SYM(swiftjit_list_getitem);
    case 13: SYM(swiftjit_list_setitem_steal);
    case 14: SYM(swiftjit_len);
    case 15: SYM(swiftjit_getitem);
    case 16: SYM(swiftjit_setitem_steal);
    case 17: SYM(swiftjit_dict_getitem);
    case 18: SYM(swiftjit_dict_setitem_steal);
    case 19: SYM(swiftjit_delitem_steal);
    case 20: SYM(swiftjit_contains_steal);
    case 21: SYM(swiftjit_set_add_steal);
    case 22: SYM(swiftjit_binop);
    case 23: SYM(swiftjit_compare);
    case 24: SYM(swiftjit_truth);
    case 25: SYM(swiftjit_call_method);
    case 26: SYM(swiftjit_call_builtin);
    case 27: SYM(swiftjit_getiter);
    case 28: SYM(swiftjit_iternext);
    case 29: SYM(swiftjit_slice);
    case 30: SYM(swiftjit_format_steal);
    case 31: SYM(swiftjit_join_steal);
    case 32: SYM(swiftjit_str_to_int);
    case 33: SYM(swiftjit_str_to_float);
    case 34: SYM(swiftjit_str_steal);
    case 35: SYM(swiftjit_slice_object);
    case 36: SYM(swiftjit_dict_get_steal);
    default: return i >= 37 ? swiftjit_nativelist_symbol(i - 37, name) : NULL;
    }
#undef SYM
}
