#ifndef SWIFTJIT_CPYTHON_H
#define SWIFTJIT_CPYTHON_H
// CPython's C API for swiftjit's extension module, plus the few helpers that
// Swift cannot import directly (function-like macros, struct offsets).
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/// Offset of the vectorcall pointer and __dict__ slot inside a Dispatcher object.
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject *weaklist;
    void *core;   /* unmanaged reference to the Swift DispatcherCore */
    /* forceobj: the object-mode entry, once compiled, called by swiftjit_objmode_vectorcall
       without going through Swift; its data array is owned by the core's ObjectModeEntry. */
    PyObject *(*om_entry)(PyObject *const *args, Py_ssize_t nargs, PyObject **data);
    PyObject **om_data;
    Py_ssize_t om_nargs;
    vectorcallfunc om_slow; /* the Swift vectorcall, for every other call */
} SwiftJITDispatcherObject;

/// Calls an object-mode entry inside the interpreter's recursion limit (its calls of
/// itself go through no Python frame, so nothing else would count them).
static inline PyObject *swiftjit_objmode_enter(PyObject *(*entry)(PyObject *const *, Py_ssize_t, PyObject **),
                                               PyObject *const *args, Py_ssize_t nargs, PyObject **data) {
    if (Py_EnterRecursiveCall(" while calling a Python object")) return NULL;
    PyObject *r = entry(args, nargs, data);
    Py_LeaveRecursiveCall();
    return r;
}

/// The vectorcall of a forceobj Dispatcher once its object-mode entry exists: positional
/// calls with the exact argument count go straight to the compiled code.
PyObject *swiftjit_objmode_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                                      PyObject *kwnames);

/// Creates the Dispatcher heap type; `call` is its vectorcall entry.
PyTypeObject *swiftjit_make_dispatcher_type(vectorcallfunc call, destructor dealloc,
                                            traverseproc traverse, inquiry clear,
                                            PyGetSetDef *getset, PyMethodDef *methods);

static inline Py_ssize_t swiftjit_nargs(size_t nargsf) { return PyVectorcall_NARGS(nargsf); }
static inline PyObject *swiftjit_none(void) { return Py_None; }
static inline PyObject *swiftjit_true(void) { return Py_True; }
static inline PyObject *swiftjit_false(void) { return Py_False; }
static inline PyObject *swiftjit_notimplemented(void) { return Py_NotImplemented; }
static inline int swiftjit_is_tuple(PyObject *o) { return PyTuple_Check(o); }
static inline int swiftjit_is_dict(PyObject *o) { return PyDict_Check(o); }
static inline int swiftjit_is_unicode(PyObject *o) { return PyUnicode_Check(o); }
static inline int swiftjit_is_bytes(PyObject *o) { return PyBytes_Check(o); }
static inline int swiftjit_is_code(PyObject *o) { return PyCode_Check(o); }
static inline int swiftjit_is_function(PyObject *o) { return PyFunction_Check(o); }
static inline int swiftjit_is_module(PyObject *o) { return PyModule_Check(o); }
static inline int swiftjit_is_type(PyObject *o) { return PyType_Check(o); }
static inline int swiftjit_is_exception_class(PyObject *o) { return PyExceptionClass_Check(o); }
static inline int swiftjit_is_long(PyObject *o) { return PyLong_Check(o); }
static inline int swiftjit_is_float(PyObject *o) { return PyFloat_Check(o); }
static inline int swiftjit_is_complex(PyObject *o) { return PyComplex_Check(o); }
static inline PyTypeObject *swiftjit_type(PyObject *o) { return Py_TYPE(o); }

#if PY_VERSION_HEX < 0x030B0000 && defined(__swift__)
/* CPython 3.10 defines these as macros, which Swift cannot call; 3.11+ has
   them as inline functions. Only Swift sees these replacements. */
static inline int swiftjit_type_check_310(PyObject *o, PyTypeObject *t) { return PyObject_TypeCheck(o, t); }
#undef Py_TYPE
#undef PyObject_TypeCheck
static inline PyTypeObject *Py_TYPE(PyObject *o) { return o->ob_type; }
static inline int PyObject_TypeCheck(PyObject *o, PyTypeObject *t) { return swiftjit_type_check_310(o, t); }
#endif
#endif
