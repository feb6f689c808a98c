/* Helpers called by object-mode code (Lowering/ObjectLowering.swift) for the
 * operations that are more than one CPython C API call. Each returns a new
 * reference (or 0 / 1 for statuses), or NULL / -1 with a Python exception set,
 * like the C API itself. The JIT finds them through swiftjit_objmode_symbol. */
#include "SwiftJITObjMode.h"

/* _PyTraceback_Add is exported by CPython 3.10 to 3.13 (declared in cpython/traceback.h
   up to 3.12, internal in 3.13), with this signature. */
extern void _PyTraceback_Add(const char *funcname, const char *filename, int lineno);

PyObject *swiftjit_obj_global(PyObject *globals, PyObject *builtins, PyObject *name) {
    PyObject *v = PyDict_GetItemWithError(globals, name);
    if (v == NULL) {
        if (PyErr_Occurred()) return NULL;
        if (PyDict_CheckExact(builtins)) {
            v = PyDict_GetItemWithError(builtins, name);
            if (v == NULL && PyErr_Occurred()) return NULL;
        } else {
            v = PyObject_GetItem(builtins, name);
            if (v == NULL) {
                if (!PyErr_ExceptionMatches(PyExc_KeyError)) return NULL;
                PyErr_Clear();
            } else {
                return v;
            }
        }
        if (v == NULL) {
            PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
            return NULL;
        }
    }
    Py_INCREF(v);
    return v;
}

PyObject *swiftjit_obj_builtin(PyObject *builtins, PyObject *name) {
    PyObject *v = PyDict_CheckExact(builtins) ? PyDict_GetItemWithError(builtins, name) : NULL;
    if (v == NULL) {
        if (!PyErr_Occurred()) PyErr_Format(PyExc_NameError, "__build_class__ not found");
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

int swiftjit_obj_store_global(PyObject *globals, PyObject *name, PyObject *value) {
    return PyDict_SetItem(globals, name, value);
}

int swiftjit_obj_delete_global(PyObject *globals, PyObject *name) {
    if (PyDict_DelItem(globals, name) < 0) {
        if (PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
        }
        return -1;
    }
    return 0;
}

void swiftjit_obj_unbound(const char *name, int minor) {
    if (minor >= 11)
        PyErr_Format(PyExc_UnboundLocalError,
                     "cannot access local variable '%s' where it is not associated with a value", name);
    else
        PyErr_Format(PyExc_UnboundLocalError, "local variable '%s' referenced before assignment", name);
}

void swiftjit_obj_unbound_free(const char *name, int minor) {
    if (minor >= 11)
        PyErr_Format(PyExc_NameError,
                     "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                     name);
    else
        PyErr_Format(PyExc_NameError,
                     "free variable '%s' referenced before assignment in enclosing scope", name);
}

PyObject *swiftjit_obj_cell_get(PyObject *cell, const char *name, int minor, int isfree) {
    PyObject *v = PyCell_GET(cell);
    if (v == NULL) {
        if (isfree) swiftjit_obj_unbound_free(name, minor);
        else swiftjit_obj_unbound(name, minor);
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

PyObject *swiftjit_obj_tuple(PyObject *const *items, int64_t n) {
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    if (t == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(t, i, items[i]);
    }
    return t;
}

PyObject *swiftjit_obj_list(PyObject *const *items, int64_t n) {
    PyObject *l = PyList_New((Py_ssize_t)n);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyList_SET_ITEM(l, i, items[i]);
    }
    return l;
}

PyObject *swiftjit_obj_set(PyObject *const *items, int64_t n) {
    PyObject *s = PySet_New(NULL);
    if (s == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        if (PySet_Add(s, items[i]) < 0) { Py_DECREF(s); return NULL; }
    }
    return s;
}

PyObject *swiftjit_obj_dict(PyObject *const *keys, PyObject *const *values, int64_t n) {
#if PY_VERSION_HEX < 0x030D0000
    PyObject *d = _PyDict_NewPresized((Py_ssize_t)n);
#else
    PyObject *d = PyDict_New();
#endif
    if (d == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        if (PyDict_SetItem(d, keys[i], values[i]) < 0) { Py_DECREF(d); return NULL; }
    }
    return d;
}

/* BUILD_CONST_KEY_MAP: the keys are the items of a constant tuple. */
PyObject *swiftjit_obj_dict_const_keys(PyObject *keys, PyObject *const *values, int64_t n) {
    if (!PyTuple_CheckExact(keys) || PyTuple_GET_SIZE(keys) != n) {
        PyErr_SetString(PyExc_SystemError, "bad BUILD_CONST_KEY_MAP keys");
        return NULL;
    }
    return swiftjit_obj_dict(&PyTuple_GET_ITEM(keys, 0), values, n);
}

PyObject *swiftjit_obj_string(PyObject *const *items, int64_t n) {
    PyObject *empty = PyUnicode_New(0, 0);
    if (empty == NULL) return NULL;
#if PY_VERSION_HEX < 0x030D0000
    PyObject *r = _PyUnicode_JoinArray(empty, items, (Py_ssize_t)n);
#else
    PyObject *t = swiftjit_obj_tuple(items, n);
    PyObject *r = t ? PyUnicode_Join(empty, t) : NULL;
    Py_XDECREF(t);
#endif
    Py_DECREF(empty);
    return r;
}

PyObject *swiftjit_obj_format(PyObject *value, int64_t conversion, PyObject *spec) {
    PyObject *converted;
    switch (conversion) {
    case 1: converted = PyObject_Str(value); break;
    case 2: converted = PyObject_Repr(value); break;
    case 3: converted = PyObject_ASCII(value); break;
    default: converted = value; Py_INCREF(value); break;
    }
    if (converted == NULL) return NULL;
    if (spec == NULL && PyUnicode_CheckExact(converted)) return converted;
    PyObject *r = PyObject_Format(converted, spec);
    Py_DECREF(converted);
    return r;
}

PyObject *swiftjit_obj_unpack(PyObject *seq, int64_t n) {
    if (PyTuple_CheckExact(seq) && PyTuple_GET_SIZE(seq) == n) {
        Py_INCREF(seq);
        return seq;
    }
    PyObject *it = PyObject_GetIter(seq);
    if (it == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(seq)->tp_iter == NULL && !PySequence_Check(seq)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object", Py_TYPE(seq)->tp_name);
        }
        return NULL;
    }
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    if (t == NULL) { Py_DECREF(it); return NULL; }
    for (int64_t i = 0; i < n; i++) {
        PyObject *v = PyIter_Next(it);
        if (v == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected %lld, got %lld)",
                             (long long)n, (long long)i);
            Py_DECREF(it); Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    PyObject *extra = PyIter_Next(it);
    if (extra != NULL) {
        Py_DECREF(extra);
        PyErr_Format(PyExc_ValueError, "too many values to unpack (expected %lld)", (long long)n);
        Py_DECREF(it); Py_DECREF(t);
        return NULL;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) { Py_DECREF(t); return NULL; }
    return t;
}

int swiftjit_obj_next(PyObject *it, PyObject **out) {
    PyObject *v = (*Py_TYPE(it)->tp_iternext)(it);
    if (v != NULL) { *out = v; return 1; }
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_StopIteration)) return -1;
        PyErr_Clear();
    }
    return 0;
}

PyObject *swiftjit_obj_getiter(PyObject *o) { return PyObject_GetIter(o); }

int swiftjit_obj_truth(PyObject *o) {
    if (o == Py_True) return 1;
    if (o == Py_False || o == Py_None) return 0;
    return PyObject_IsTrue(o);
}

PyObject *swiftjit_obj_bool(int64_t b) {
    PyObject *r = b ? Py_True : Py_False;
    Py_INCREF(r);
    return r;
}

PyObject *swiftjit_obj_contains(PyObject *item, PyObject *container, int64_t negate) {
    int r = PySequence_Contains(container, item);
    if (r < 0) return NULL;
    return swiftjit_obj_bool(negate ? !r : r);
}

PyObject *swiftjit_obj_not(PyObject *o) {
    int r = swiftjit_obj_truth(o);
    if (r < 0) return NULL;
    return swiftjit_obj_bool(!r);
}

PyObject *swiftjit_obj_call_ex(PyObject *f, PyObject *args, PyObject *kwargs) {
    PyObject *t;
    if (PyTuple_CheckExact(args)) {
        t = args;
        Py_INCREF(t);
    } else {
        if (Py_TYPE(args)->tp_iter == NULL && !PySequence_Check(args)) {
            PyErr_Format(PyExc_TypeError, "%.200s argument after * must be an iterable, not %.200s",
                         PyCallable_Check(f) ? "function" : Py_TYPE(f)->tp_name, Py_TYPE(args)->tp_name);
            return NULL;
        }
        t = PySequence_Tuple(args);
        if (t == NULL) return NULL;
    }
    PyObject *d = NULL;
    if (kwargs != NULL && !PyDict_CheckExact(kwargs)) {
        d = PyDict_New();
        if (d == NULL || PyDict_Update(d, kwargs) < 0) { Py_XDECREF(d); Py_DECREF(t); return NULL; }
        kwargs = d;
    }
    PyObject *r = PyObject_Call(f, t, kwargs);
    Py_DECREF(t);
    Py_XDECREF(d);
    return r;
}

PyObject *swiftjit_obj_make_function(PyObject *code, PyObject *globals, PyObject *defaults, PyObject *kwdefaults,
                                     PyObject *closure) {
    PyObject *qualname = PyObject_GetAttrString(code, "co_qualname");
    if (qualname == NULL) {
        PyErr_Clear();
    }
    PyObject *f = PyFunction_NewWithQualName(code, globals, qualname);
    Py_XDECREF(qualname);
    if (f == NULL) return NULL;
    if ((defaults && PyFunction_SetDefaults(f, defaults) < 0) ||
        (kwdefaults && PyFunction_SetKwDefaults(f, kwdefaults) < 0) ||
        (closure && PyFunction_SetClosure(f, closure) < 0)) {
        Py_DECREF(f);
        return NULL;
    }
    return f;
}

PyObject *swiftjit_obj_import_name(PyObject *name, PyObject *globals, PyObject *fromlist, PyObject *level) {
    int ilevel = (int)PyLong_AsLong(level);
    if (ilevel == -1 && PyErr_Occurred()) return NULL;
    return PyImport_ImportModuleLevelObject(name, globals, NULL, fromlist, ilevel);
}

PyObject *swiftjit_obj_import_from(PyObject *module, PyObject *name) {
    PyObject *x = PyObject_GetAttr(module, name);
    if (x != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError)) return x;
    PyErr_Clear();
    /* A submodule imported by a circular import: look in sys.modules. */
    PyObject *pkgname = PyObject_GetAttrString(module, "__name__");
    if (pkgname != NULL && PyUnicode_Check(pkgname)) {
        PyObject *full = PyUnicode_FromFormat("%U.%U", pkgname, name);
        if (full != NULL) {
            x = PyImport_GetModule(full);
            Py_DECREF(full);
            if (x != NULL) { Py_DECREF(pkgname); return x; }
        }
    }
    PyErr_Clear();
    if (pkgname != NULL && PyUnicode_Check(pkgname))
        PyErr_Format(PyExc_ImportError, "cannot import name '%U' from '%U' (unknown location)", name, pkgname);
    else
        PyErr_Format(PyExc_ImportError, "cannot import name '%U' from '<unknown module name>' (unknown location)",
                     name);
    Py_XDECREF(pkgname);
    return NULL;
}

static int not_iterable(PyObject *o) { return Py_TYPE(o)->tp_iter == NULL && !PySequence_Check(o); }

int swiftjit_obj_list_extend(PyObject *list, PyObject *iterable) {
    if (not_iterable(iterable)) {
        PyErr_Format(PyExc_TypeError, "Value after * must be an iterable, not %.200s", Py_TYPE(iterable)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    return PyList_SetSlice(list, n, n, iterable);
}

int swiftjit_obj_set_update(PyObject *set, PyObject *iterable) {
    PyObject *it = PyObject_GetIter(iterable);
    if (it == NULL) return -1;
    PyObject *v;
    while ((v = PyIter_Next(it)) != NULL) {
        int r = PySet_Add(set, v);
        Py_DECREF(v);
        if (r < 0) { Py_DECREF(it); return -1; }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

int swiftjit_obj_dict_update(PyObject *dict, PyObject *other, int64_t merge) {
    if (merge && PyDict_Check(other)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(other, &pos, &k, &v)) {
            int has = PyDict_Contains(dict, k);
            if (has < 0) return -1;
            if (has) {
                PyErr_Format(PyExc_TypeError, "got multiple values for keyword argument '%S'", k);
                return -1;
            }
            if (PyDict_SetItem(dict, k, v) < 0) return -1;
        }
        return 0;
    }
    if (PyDict_Update(dict, other) < 0) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Clear();
            if (merge)
                PyErr_Format(PyExc_TypeError, "argument after ** must be a mapping, not %.200s",
                             Py_TYPE(other)->tp_name);
            else
                PyErr_Format(PyExc_TypeError, "'%.200s' object is not a mapping", Py_TYPE(other)->tp_name);
        }
        return -1;
    }
    return 0;
}

/* RAISE_VARARGS: raise exc (a class is instantiated), or re-raise with exc NULL. */
void swiftjit_obj_raise(PyObject *exc) {
    if (exc == NULL) {
#if PY_VERSION_HEX >= 0x030B0000
        PyObject *current = PyErr_GetHandledException();
#else
        PyObject *t0, *current, *tb0;
        PyErr_GetExcInfo(&t0, &current, &tb0);
        Py_XDECREF(t0); Py_XDECREF(tb0);
#endif
        if (current == NULL || current == Py_None) {
            Py_XDECREF(current);
            PyErr_SetString(PyExc_RuntimeError, "No active exception to reraise");
            return;
        }
        /* A bare raise re-raises the handled exception with its traceback, as RERAISE does. */
        PyObject *type = (PyObject *)Py_TYPE(current);
        Py_INCREF(type);
        PyErr_Restore(type, current, PyException_GetTraceback(current));
        return;
    }
    PyObject *type, *value;
    if (PyExceptionClass_Check(exc)) {
        type = exc;
        value = PyObject_CallNoArgs(exc);
        if (value == NULL) return;
        if (!PyExceptionInstance_Check(value)) {
            PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                         type, Py_TYPE(value));
            Py_DECREF(value);
            return;
        }
    } else if (PyExceptionInstance_Check(exc)) {
        value = exc;
        Py_INCREF(value);
        type = (PyObject *)Py_TYPE(exc);
    } else {
        PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
        return;
    }
    PyErr_SetObject(type, value);
    Py_DECREF(value);
}

void swiftjit_obj_traceback(const char *funcname, const char *filename, int64_t line) {
    if (line > 0 && PyErr_Occurred()) _PyTraceback_Add(funcname, filename, (int)line);
}

void swiftjit_obj_wrong_args(const char *funcname, int64_t expected, int64_t got) {
    PyErr_Format(PyExc_TypeError, "%s() takes %lld positional argument%s but %lld %s given", funcname,
                 (long long)expected, expected == 1 ? "" : "s", (long long)got, got == 1 ? "was" : "were");
}

/* A Python function called through its own vectorcall slot (what PyObject_Vectorcall
   would reach, without the generic result check). */
static inline PyObject *call_python_function(PyObject *f, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    vectorcallfunc call = ((PyFunctionObject *)f)->vectorcall;
    return call != NULL ? call(f, args, nargsf, kwnames) : PyObject_Vectorcall(f, args, nargsf, kwnames);
}

/* The builtins' len and isinstance functions, found once (NULL when the builtins
   module's entry is not the C builtin of that name). */
static PyObject *builtin_len, *builtin_isinstance;
static int builtins_looked_up;

static PyObject *c_builtin(PyObject *builtins, const char *name) {
    PyObject *f = PyDict_GetItemString(builtins, name); /* borrowed */
    if (f == NULL || !PyCFunction_CheckExact(f)) return NULL;
    PyCFunctionObject *cf = (PyCFunctionObject *)f;
    if (strcmp(cf->m_ml->ml_name, name) != 0 || cf->m_self == NULL || !PyModule_Check(cf->m_self)) return NULL;
    const char *module = PyModule_GetName(cf->m_self);
    if (module == NULL) { PyErr_Clear(); return NULL; }
    if (strcmp(module, "builtins") != 0) return NULL;
    Py_INCREF(f); /* kept for the process's life */
    return f;
}

static void look_up_builtins(void) {
    builtins_looked_up = 1;
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    if (builtins == NULL) return;
    builtin_len = c_builtin(builtins, "len");
    builtin_isinstance = c_builtin(builtins, "isinstance");
}

/* A method descriptor of a C type (str.strip, list.append ...) called on args[0]: its C
   function directly, as 3.11's CALL_NO_KW_METHOD_DESCRIPTOR_* do; NULL with *done = 0
   when the descriptor's calling convention is not one of these. */
static PyObject *call_method_descriptor(PyObject *f, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                                        int *done) {
    PyMethodDef *m = ((PyMethodDescrObject *)f)->d_method;
    PyObject *self = args[0];
    *done = 1;
    int flags = m->ml_flags & ~(METH_CLASS | METH_STATIC | METH_COEXIST);
    PyObject *r;
    switch (flags) {
    case METH_NOARGS:
        if (nargs != 1 || kwnames != NULL) break;
        if (Py_EnterRecursiveCall(" while calling a Python object")) return NULL;
        r = m->ml_meth(self, NULL);
        Py_LeaveRecursiveCall();
        return r;
    case METH_O:
        if (nargs != 2 || kwnames != NULL) break;
        if (Py_EnterRecursiveCall(" while calling a Python object")) return NULL;
        r = m->ml_meth(self, args[1]);
        Py_LeaveRecursiveCall();
        return r;
    case METH_FASTCALL:
        if (kwnames != NULL) break;
        return ((_PyCFunctionFast)(void (*)(void))m->ml_meth)(self, args + 1, nargs - 1);
    case METH_FASTCALL | METH_KEYWORDS:
        return ((_PyCFunctionFastWithKeywords)(void (*)(void))m->ml_meth)(self, args + 1, nargs - 1, kwnames);
    default:
        break;
    }
    *done = 0;
    return NULL;
}

/* A call: builtin len / isinstance, str(x), tuple(x), type(x) and method descriptors
   directly (3.11's specialized CALLs), everything else by vectorcall. */
PyObject *swiftjit_obj_vectorcall(PyObject *f, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyTypeObject *ft = Py_TYPE(f);
    if (ft == &PyCFunction_Type) {
        if (!builtins_looked_up) look_up_builtins();
        if (kwnames == NULL) {
            if (f == builtin_len && nargs == 1) {
                Py_ssize_t n = PyObject_Length(args[0]);
                return n < 0 ? NULL : PyLong_FromSsize_t(n);
            }
            if (f == builtin_isinstance && nargs == 2) {
                int r = PyObject_IsInstance(args[0], args[1]);
                return r < 0 ? NULL : PyBool_FromLong(r);
            }
        }
    } else if (ft == &PyType_Type && kwnames == NULL && nargs == 1) {
        if (f == (PyObject *)&PyUnicode_Type) return PyObject_Str(args[0]);
        if (f == (PyObject *)&PyTuple_Type) return PySequence_Tuple(args[0]);
        if (f == (PyObject *)&PyType_Type) {
            PyObject *t = (PyObject *)Py_TYPE(args[0]);
            Py_INCREF(t);
            return t;
        }
    } else if (ft == &PyFunction_Type) {
        return call_python_function(f, args, nargsf, kwnames);
    } else if (ft == &PyMethodDescr_Type && nargs >= 1 &&
               PyObject_TypeCheck(args[0], PyDescr_TYPE(f))) {
        int done;
        PyObject *r = call_method_descriptor(f, args, nargs, kwnames, &done);
        if (done) return r;
    }
    return PyObject_Vectorcall(f, args, nargsf, kwnames);
}

/* The value of an exact int that fits one digit ("compact", as 3.11's BINARY_OP_ADD_INT
   checks); 0 when `o` is not one. */
static inline int compact_int(PyObject *o, long *v) {
    if (!PyLong_CheckExact(o)) return 0;
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact((PyLongObject *)o)) return 0;
    *v = (long)PyUnstable_Long_CompactValue((PyLongObject *)o);
#else
    Py_ssize_t size = Py_SIZE(o);
    if (size < -1 || size > 1) return 0;
    *v = (long)size * (long)((PyLongObject *)o)->ob_digit[0];
#endif
    return 1;
}

/* l + r and l - r (op 0 / 1; inplace: +=, -=): compact ints inline (no overflow: a digit
   has at most 30 bits), everything else through the number protocol. */
PyObject *swiftjit_obj_add_sub(PyObject *l, PyObject *r, int64_t op, int64_t inplace) {
    long a, b;
    if (compact_int(l, &a) && compact_int(r, &b)) return PyLong_FromLong(op == 0 ? a + b : a - b);
    if (op == 0) return inplace ? PyNumber_InPlaceAdd(l, r) : PyNumber_Add(l, r);
    return inplace ? PyNumber_InPlaceSubtract(l, r) : PyNumber_Subtract(l, r);
}

PyObject *swiftjit_obj_vectorcall_method(PyObject *name, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    return PyObject_VectorcallMethod(name, args, nargsf, kwnames);
}

/* Exception handling (3.11+ exception tables). */
PyObject *swiftjit_obj_fetch_exception(void) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL) {
        PyErr_SetString(PyExc_SystemError, "swiftjit: error without an exception set");
        PyErr_Fetch(&type, &value, &tb);
    }
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL) PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

PyObject *swiftjit_obj_handled_exception(void) {
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *e = PyErr_GetHandledException();
#else
    PyObject *t, *e, *tb;
    PyErr_GetExcInfo(&t, &e, &tb);
    Py_XDECREF(t); Py_XDECREF(tb);
#endif
    if (e == NULL) { e = Py_None; Py_INCREF(e); }
    return e;
}

void swiftjit_obj_set_handled_exception(PyObject *e) {
#if PY_VERSION_HEX >= 0x030B0000
    PyErr_SetHandledException(e == Py_None ? NULL : e);
#else
    if (e == Py_None) PyErr_SetExcInfo(NULL, NULL, NULL);
    else {
        Py_INCREF(Py_TYPE(e)); Py_INCREF(e);
        PyErr_SetExcInfo((PyObject *)Py_TYPE(e), e, PyException_GetTraceback(e));
    }
#endif
}

void swiftjit_obj_reraise(PyObject *e) {
    if (!PyExceptionInstance_Check(e)) {
        PyErr_SetString(PyExc_SystemError, "swiftjit: re-raise of a non-exception");
        return;
    }
    PyObject *type = (PyObject *)Py_TYPE(e);
    Py_INCREF(type);
    Py_INCREF(e);
    PyErr_Restore(type, e, PyException_GetTraceback(e));
}

PyObject *swiftjit_obj_exception_matches(PyObject *exc, PyObject *type) {
    int ok = 1;
    if (PyTuple_Check(type)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type); i++)
            if (!PyExceptionClass_Check(PyTuple_GET_ITEM(type, i))) { ok = 0; break; }
    } else {
        ok = PyExceptionClass_Check(type);
    }
    if (!ok) {
        PyErr_SetString(PyExc_TypeError, "catching classes that do not inherit from BaseException is not allowed");
        return NULL;
    }
    return swiftjit_obj_bool(PyErr_GivenExceptionMatches(exc, type));
}

static PyObject *special_method(PyObject *obj, const char *name) {
    PyObject *n = PyUnicode_InternFromString(name);
    if (n == NULL) return NULL;
    PyObject *f = _PyType_Lookup(Py_TYPE(obj), n);
    Py_DECREF(n);
    if (f == NULL) return NULL;
    descrgetfunc get = Py_TYPE(f)->tp_descr_get;
    if (get != NULL) return get(f, obj, (PyObject *)Py_TYPE(obj));
    Py_INCREF(f);
    return f;
}

PyObject *swiftjit_obj_before_with(PyObject *mgr) {
    PyObject *enter = special_method(mgr, "__enter__");
    if (enter == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol",
                         Py_TYPE(mgr)->tp_name);
        return NULL;
    }
    PyObject *exit = special_method(mgr, "__exit__");
    if (exit == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object does not support the context manager protocol (missed __exit__ method)",
                         Py_TYPE(mgr)->tp_name);
        Py_DECREF(enter);
        return NULL;
    }
    PyObject *res = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    if (res == NULL) { Py_DECREF(exit); return NULL; }
    PyObject *pair = PyTuple_New(2);
    if (pair == NULL) { Py_DECREF(exit); Py_DECREF(res); return NULL; }
    PyTuple_SET_ITEM(pair, 0, exit);
    PyTuple_SET_ITEM(pair, 1, res);
    return pair;
}

PyObject *swiftjit_obj_with_except_start(PyObject *exit, PyObject *exc) {
    PyObject *tb = PyException_GetTraceback(exc);
    PyObject *res = PyObject_CallFunctionObjArgs(exit, (PyObject *)Py_TYPE(exc), exc, tb ? tb : Py_None, NULL);
    Py_XDECREF(tb);
    return res;
}

/* ---- Fast paths (object mode speed) ---- */

/* A per-site cache of a global/builtin lookup, keyed on the version tags of the
   globals and builtins dicts: CPython gives every dict a fresh, process-unique
   ma_version_tag at creation and on every change (3.10 to 3.13; deprecated but
   kept in 3.12+, where the low bits carry watcher flags and change with them),
   so while both tags are unchanged the value found last time is still in the
   dict and borrowed from it. The cache lives in the compiled module's data. */
typedef struct {
    PyObject *globals;
    uint64_t gversion;
    uint64_t bversion;
    PyObject *value; /* borrowed from globals or builtins */
} swiftjit_global_cache;

#if defined(__clang__) || defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static inline uint64_t dict_version(PyObject *d) { return ((PyDictObject *)d)->ma_version_tag; }
#if defined(__clang__) || defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

PyObject *swiftjit_obj_global_cached(PyObject *globals, PyObject *builtins, PyObject *name,
                                     swiftjit_global_cache *cache) {
    int exact = PyDict_CheckExact(globals) && PyDict_CheckExact(builtins);
    if (exact && cache->globals == globals && cache->value != NULL &&
        cache->gversion == dict_version(globals) && cache->bversion == dict_version(builtins)) {
        Py_INCREF(cache->value);
        return cache->value;
    }
    PyObject *v = swiftjit_obj_global(globals, builtins, name);
    if (v != NULL && exact) {
        cache->globals = globals;
        cache->gversion = dict_version(globals);
        cache->bversion = dict_version(builtins);
        cache->value = v;
    }
    return v;
}

/* PyObject_GetAttr / SetAttr for a name that is an interned exact str (the
   compiled code's names are): the type's slot directly. */
PyObject *swiftjit_obj_getattr(PyObject *o, PyObject *name) {
    getattrofunc f = Py_TYPE(o)->tp_getattro;
    if (f != NULL) return f(o, name);
    return PyObject_GetAttr(o, name);
}

int swiftjit_obj_setattr(PyObject *o, PyObject *name, PyObject *v) {
    setattrofunc f = Py_TYPE(o)->tp_setattro;
    if (f != NULL) return f(o, name, v);
    return PyObject_SetAttr(o, name, v);
}

/* Attribute caches per call site (CPython 3.11 only, the version whose specializing
   interpreter object mode is measured against): for an instance of a heap type with
   a managed dict whose class has no attribute of that name, the attribute lives in
   the instance's values array at the index of the name in the type's shared keys,
   which is what LOAD_ATTR_INSTANCE_VALUE / STORE_ATTR_INSTANCE_VALUE use. The cache
   holds (type, tp_version_tag, shared keys, index); the type's version changes when
   anything in the class (or its bases) changes, the shared keys only ever append.
   Every other case, and a miss, takes the generic path. Method calls cache the
   function found in the class when the instance cannot shadow it (the name is not
   among the shared keys, whose entry count is part of the key). */
typedef struct {
    PyTypeObject *type;
    uint64_t version;
    void *keys;
    int64_t index;
    int64_t nentries;
    PyObject *function; /* borrowed from the class while its version is unchanged */
} swiftjit_attr_cache;

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
/* The layout of 3.11's dict keys (Objects/dictobject.c, Include/internal/pycore_dict.h). */
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind;
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
} keys311;
typedef struct { PyObject *me_key; PyObject *me_value; } unicode_entry311;
#define KEYS311_SPLIT 2

static inline PyObject **values311(PyObject *o) { return *(((PyObject ***)o) - 4); }
static inline keys311 *shared_keys311(PyTypeObject *tp) {
    return (keys311 *)((PyHeapTypeObject *)tp)->ht_cached_keys;
}
static inline int cacheable_type311(PyTypeObject *tp) {
    return (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) &&
           (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) && shared_keys311(tp) != NULL;
}
/* The index of `name` among the shared keys' entries, or -1. */
static Py_ssize_t key_index311(keys311 *k, PyObject *name) {
    if (k->dk_kind != KEYS311_SPLIT) return -1;
    unicode_entry311 *entries = (unicode_entry311 *)(k->dk_indices + ((size_t)1 << k->dk_log2_index_bytes));
    for (Py_ssize_t i = 0; i < k->dk_nentries; i++)
        if (entries[i].me_key == name) return i;
    return -1;
}
/* Fills `c` for an instance attribute of o's type (no class attribute of that name). */
static void fill_instance_cache311(PyObject *o, PyObject *name, swiftjit_attr_cache *c) {
    PyTypeObject *tp = Py_TYPE(o);
    c->type = NULL;
    if (!cacheable_type311(tp) || _PyType_Lookup(tp, name) != NULL) return;
    Py_ssize_t ix = key_index311(shared_keys311(tp), name);
    if (ix < 0) return;
    c->type = tp;
    c->version = tp->tp_version_tag;
    c->keys = shared_keys311(tp);
    c->index = ix;
}
static inline int instance_cache_hit311(PyObject *o, swiftjit_attr_cache *c) {
    PyTypeObject *tp = Py_TYPE(o);
    return c->type == tp && c->version == tp->tp_version_tag && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) &&
           c->keys == (void *)shared_keys311(tp) && values311(o) != NULL;
}
#endif

PyObject *swiftjit_obj_getattr_cached(PyObject *o, PyObject *name, swiftjit_attr_cache *c) {
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (instance_cache_hit311(o, c)) {
        PyObject *v = values311(o)[c->index];
        if (v != NULL) { Py_INCREF(v); return v; }
    }
    PyObject *r = swiftjit_obj_getattr(o, name);
    if (r != NULL && Py_TYPE(o)->tp_getattro == PyObject_GenericGetAttr) fill_instance_cache311(o, name, c);
    return r;
#else
    (void)c;
    return swiftjit_obj_getattr(o, name);
#endif
}

int swiftjit_obj_setattr_cached(PyObject *o, PyObject *name, PyObject *v, swiftjit_attr_cache *c) {
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (instance_cache_hit311(o, c)) {
        PyObject **values = values311(o);
        PyObject *old = values[c->index];
        if (old != NULL) { /* replacing: the insertion order is unchanged */
            Py_INCREF(v);
            values[c->index] = v;
            Py_DECREF(old);
            return 0;
        }
    }
    int r = swiftjit_obj_setattr(o, name, v);
    if (r == 0 && Py_TYPE(o)->tp_setattro == PyObject_GenericSetAttr) fill_instance_cache311(o, name, c);
    return r;
#else
    (void)c;
    return swiftjit_obj_setattr(o, name, v);
#endif
}

#if PY_VERSION_HEX >= 0x030D0000
/* Exported by 3.13 as by 3.10-3.12, no longer declared in the public headers. */
PyAPI_FUNC(int) _PyObject_GetMethod(PyObject *obj, PyObject *name, PyObject **method);
#endif

/* Method caches for types whose instances have no dict (str, list, dict, tuple, int,
   classes with __slots__ ...): the instance cannot shadow a class attribute, so the
   method descriptor found in the type stays the method while the type's version is
   unchanged (what 3.11's LOAD_METHOD_NO_DICT relies on). Marked by nentries == -1. */
static inline int nodict_method_hit(PyTypeObject *tp, swiftjit_attr_cache *c) {
    return c->type == tp && c->nentries == -1 && c->version == tp->tp_version_tag &&
           (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG);
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
static inline int instance_method_hit311(PyObject *self, swiftjit_attr_cache *c) {
    PyTypeObject *tp = Py_TYPE(self);
    return c->type == tp && c->nentries >= 0 && c->version == tp->tp_version_tag &&
           (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) && c->keys == (void *)shared_keys311(tp) &&
           shared_keys311(tp)->dk_nentries == c->nentries && values311(self) != NULL;
}
#endif

/* The function `self.name` resolves to without a bound method, when it is cacheable:
   fills `c` (else leaves it as it was). */
static void fill_method_cache(PyObject *self, PyObject *name, swiftjit_attr_cache *c) {
    PyTypeObject *tp = Py_TYPE(self);
    if (tp->tp_getattro != PyObject_GenericGetAttr) return;
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (cacheable_type311(tp)) {
        PyObject *f = _PyType_Lookup(tp, name);
        keys311 *k = shared_keys311(tp);
        if (f != NULL && PyFunction_Check(f) && values311(self) != NULL && key_index311(k, name) < 0) {
            c->type = tp;
            c->version = tp->tp_version_tag;
            c->keys = k;
            c->nentries = k->dk_nentries;
            c->function = f;
        }
        return;
    }
#endif
    if (tp->tp_dictoffset != 0) return;
#ifdef Py_TPFLAGS_MANAGED_DICT
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) return;
#endif
    PyObject *f = _PyType_Lookup(tp, name); /* borrowed; gives the type a version tag */
    if (f == NULL || !(Py_TYPE(f)->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR)) return;
    if (!(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) || tp->tp_version_tag == 0) return;
    c->type = tp;
    c->version = tp->tp_version_tag;
    c->keys = NULL;
    c->index = -1;
    c->nentries = -1;
    c->function = f;
}

static inline int method_cache_hit(PyObject *self, swiftjit_attr_cache *c) {
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    if (instance_method_hit311(self, c)) return 1;
#endif
    return nodict_method_hit(Py_TYPE(self), c);
}

/* `args[0].name(*args[1:])` as PyObject_VectorcallMethod, with the function found in
   the class cached when the instance cannot shadow it. */
PyObject *swiftjit_obj_call_method_cached(PyObject *name, PyObject *const *args, size_t nargsf, PyObject *kwnames,
                                          swiftjit_attr_cache *c) {
    PyObject *self = args[0];
    if (method_cache_hit(self, c)) {
        PyObject *f = c->function;
        if (c->nentries == -1 && Py_IS_TYPE(f, &PyMethodDescr_Type)) {
            /* a C type's method: the type (and so the descriptor) outlives the call */
            int done;
            PyObject *r = call_method_descriptor(f, args, PyVectorcall_NARGS(nargsf), kwnames, &done);
            if (done) return r;
        }
        Py_INCREF(f); /* the class may drop it during the call */
        PyObject *r = PyFunction_Check(f) ? call_python_function(f, args, nargsf, kwnames)
                                          : PyObject_Vectorcall(f, args, nargsf, kwnames);
        Py_DECREF(f);
        return r;
    }
    fill_method_cache(self, name, c);
    return PyObject_VectorcallMethod(name, args, nargsf, kwnames);
}

/* LOAD_METHOD: the callable `obj.name` resolves to, as a new reference. When it is a
   function or method descriptor of the class (no bound method is made), `*self_out`
   receives a new reference to obj, the first argument of the call; else NULL. */
PyObject *swiftjit_obj_load_method(PyObject *obj, PyObject *name, swiftjit_attr_cache *c, PyObject **self_out) {
    if (method_cache_hit(obj, c)) {
        Py_INCREF(c->function);
        Py_INCREF(obj);
        *self_out = obj;
        return c->function;
    }
    PyObject *meth = NULL;
    int unbound = _PyObject_GetMethod(obj, name, &meth);
    if (meth == NULL) return NULL;
    if (unbound) {
        Py_INCREF(obj);
        *self_out = obj;
        fill_method_cache(obj, name, c);
    } else {
        *self_out = NULL;
    }
    return meth;
}

/* Item `i` of a sequence: tuples (the constant key tuples of dict displays) directly. */
PyObject *swiftjit_obj_static_getitem(PyObject *o, int64_t i) {
    if (PyTuple_CheckExact(o) && i >= 0 && i < PyTuple_GET_SIZE(o)) {
        PyObject *v = PyTuple_GET_ITEM(o, i);
        Py_INCREF(v);
        return v;
    }
    return PySequence_GetItem(o, (Py_ssize_t)i);
}

/* The truth of `l op r` for a branch (op: Py_LT..Py_GE): exact ints that fit a
   long and exact floats are compared without making a bool; 1, 0, or -1 with an
   exception set. */
int swiftjit_obj_compare_truth(PyObject *l, PyObject *r, int op) {
    long x, y;
    if (compact_int(l, &x) && compact_int(r, &y)) {
        switch (op) {
        case Py_LT: return x < y;
        case Py_LE: return x <= y;
        case Py_EQ: return x == y;
        case Py_NE: return x != y;
        case Py_GT: return x > y;
        case Py_GE: return x >= y;
        }
    }
    if (PyLong_CheckExact(l) && PyLong_CheckExact(r)) {
        int o1 = 0, o2 = 0;
        long a = PyLong_AsLongAndOverflow(l, &o1);
        long b = PyLong_AsLongAndOverflow(r, &o2);
        if (o1 == 0 && o2 == 0) {
            switch (op) {
            case Py_LT: return a < b;
            case Py_LE: return a <= b;
            case Py_EQ: return a == b;
            case Py_NE: return a != b;
            case Py_GT: return a > b;
            case Py_GE: return a >= b;
            }
        }
    } else if (PyFloat_CheckExact(l) && PyFloat_CheckExact(r)) {
        double a = PyFloat_AS_DOUBLE(l), b = PyFloat_AS_DOUBLE(r);
        switch (op) {
        case Py_LT: return a < b;
        case Py_LE: return a <= b;
        case Py_EQ: return a == b;
        case Py_NE: return a != b;
        case Py_GT: return a > b;
        case Py_GE: return a >= b;
        }
    }
    PyObject *res = PyObject_RichCompare(l, r, op);
    if (res == NULL) return -1;
    int t = swiftjit_obj_truth(res);
    Py_DECREF(res);
    return t;
}

/* RAISE_VARARGS 2 (`raise exc from cause`): the exception instance with its cause set
   (a class is instantiated; None clears the cause), raised by the caller. */
PyObject *swiftjit_obj_exception_with_cause(PyObject *exc, PyObject *cause) {
    PyObject *value;
    if (PyExceptionClass_Check(exc)) {
        value = PyObject_CallNoArgs(exc);
        if (value == NULL) return NULL;
        if (!PyExceptionInstance_Check(value)) {
            PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                         exc, Py_TYPE(value));
            Py_DECREF(value);
            return NULL;
        }
    } else if (PyExceptionInstance_Check(exc)) {
        value = exc;
        Py_INCREF(value);
    } else {
        PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
        return NULL;
    }
    PyObject *fixed;
    if (PyExceptionClass_Check(cause)) {
        fixed = PyObject_CallNoArgs(cause);
        if (fixed == NULL) { Py_DECREF(value); return NULL; }
        if (!PyExceptionInstance_Check(fixed)) {
            PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                         cause, Py_TYPE(fixed));
            Py_DECREF(fixed);
            Py_DECREF(value);
            return NULL;
        }
    } else if (PyExceptionInstance_Check(cause)) {
        fixed = cause;
        Py_INCREF(fixed);
    } else if (cause == Py_None) {
        fixed = NULL;
    } else {
        PyErr_SetString(PyExc_TypeError, "exception causes must derive from BaseException");
        Py_DECREF(value);
        return NULL;
    }
    PyException_SetCause(value, fixed); /* steals fixed; sets __suppress_context__ */
    return value;
}

/* UNPACK_EX: `a, *b, c = seq` -> a tuple of before + 1 + after items, the starred
   one a list, with CPython's messages. */
PyObject *swiftjit_obj_unpack_ex(PyObject *seq, int64_t before, int64_t after) {
    PyObject *it = PyObject_GetIter(seq);
    if (it == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(seq)->tp_iter == NULL && !PySequence_Check(seq)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object", Py_TYPE(seq)->tp_name);
        }
        return NULL;
    }
    PyObject *t = PyTuple_New((Py_ssize_t)(before + 1 + after));
    if (t == NULL) { Py_DECREF(it); return NULL; }
    for (int64_t i = 0; i < before; i++) {
        PyObject *v = PyIter_Next(it);
        if (v == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %lld, got %lld)",
                             (long long)(before + after), (long long)i);
            Py_DECREF(it); Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    PyObject *rest = PySequence_List(it);
    Py_DECREF(it);
    if (rest == NULL) { Py_DECREF(t); return NULL; }
    Py_ssize_t n = PyList_GET_SIZE(rest);
    if (n < after) {
        PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %lld, got %lld)",
                     (long long)(before + after), (long long)(before + n));
        Py_DECREF(rest); Py_DECREF(t);
        return NULL;
    }
    for (int64_t j = 0; j < after; j++) {
        PyObject *v = PyList_GET_ITEM(rest, n - after + j);
        Py_INCREF(v);
        PyTuple_SET_ITEM(t, before + 1 + j, v);
    }
    if (after > 0 && PyList_SetSlice(rest, n - after, n, NULL) < 0) { Py_DECREF(rest); Py_DECREF(t); return NULL; }
    PyTuple_SET_ITEM(t, before, rest);
    return t;
}

void *swiftjit_objmode_symbol(int i, const char **name) {
#define SYM(k, f) case k: *name = #f; return (void *)&f;
    switch (i) {
    SYM(0, swiftjit_obj_global)
    SYM(1, swiftjit_obj_builtin)
    SYM(2, swiftjit_obj_store_global)
    SYM(3, swiftjit_obj_delete_global)
    SYM(4, swiftjit_obj_unbound)
    SYM(5, swiftjit_obj_unbound_free)
    SYM(6, swiftjit_obj_cell_get)
    SYM(7, swiftjit_obj_tuple)
    SYM(8, swiftjit_obj_list)
    SYM(9, swiftjit_obj_set)
    SYM(10, swiftjit_obj_dict)
    SYM(11, swiftjit_obj_string)
    SYM(12, swiftjit_obj_format)
    SYM(13, swiftjit_obj_unpack)
    SYM(14, swiftjit_obj_next)
    SYM(15, swiftjit_obj_getiter)
    SYM(16, swiftjit_obj_truth)
    SYM(17, swiftjit_obj_bool)
    SYM(18, swiftjit_obj_contains)
    SYM(19, swiftjit_obj_not)
    SYM(20, swiftjit_obj_call_ex)
    SYM(21, swiftjit_obj_make_function)
    SYM(22, swiftjit_obj_import_name)
    SYM(23, swiftjit_obj_import_from)
    SYM(24, swiftjit_obj_list_extend)
    SYM(25, swiftjit_obj_set_update)
    SYM(26, swiftjit_obj_dict_update)
    SYM(27, swiftjit_obj_raise)
    SYM(28, swiftjit_obj_traceback)
    SYM(29, swiftjit_obj_wrong_args)
    SYM(30, swiftjit_obj_vectorcall)
    SYM(31, swiftjit_obj_vectorcall_method)
    SYM(32, swiftjit_obj_fetch_exception)
    SYM(33, swiftjit_obj_handled_exception)
    SYM(34, swiftjit_obj_set_handled_exception)
    SYM(35, swiftjit_obj_reraise)
    SYM(36, swiftjit_obj_exception_matches)
    SYM(37, swiftjit_obj_before_with)
    SYM(38, swiftjit_obj_with_except_start)
    SYM(39, swiftjit_obj_global_cached)
    SYM(40, swiftjit_obj_getattr)
    SYM(41, swiftjit_obj_setattr)
    SYM(42, swiftjit_obj_static_getitem)
    SYM(43, swiftjit_obj_compare_truth)
    SYM(44, swiftjit_obj_exception_with_cause)
    SYM(45, swiftjit_obj_unpack_ex)
    SYM(46, swiftjit_obj_getattr_cached)
    SYM(47, swiftjit_obj_setattr_cached)
    SYM(48, swiftjit_obj_call_method_cached)
    SYM(49, swiftjit_obj_load_method)
    SYM(50, swiftjit_obj_add_sub)
    SYM(51, swiftjit_obj_dict_const_keys)
    default: return NULL;
    }
#undef SYM
}
