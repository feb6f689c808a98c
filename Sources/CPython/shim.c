#include "CPython.h"

static PyMemberDef dispatcher_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(SwiftJITDispatcherObject, vectorcall), READONLY, NULL},
    {"__dictoffset__", T_PYSSIZET, offsetof(SwiftJITDispatcherObject, dict), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(SwiftJITDispatcherObject, weaklist), READONLY, NULL},
    {NULL}
};

PyObject *swiftjit_objmode_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                                      PyObject *kwnames) {
    SwiftJITDispatcherObject *d = (SwiftJITDispatcherObject *)callable;
    if (kwnames == NULL && PyVectorcall_NARGS(nargsf) == d->om_nargs && d->om_entry != NULL)
        return swiftjit_objmode_enter(d->om_entry, args, d->om_nargs, d->om_data);
    return d->om_slow(callable, args, nargsf, kwnames);
}

PyTypeObject *swiftjit_make_dispatcher_type(vectorcallfunc call, destructor dealloc,
                                            traverseproc traverse, inquiry clear,
                                            PyGetSetDef *getset, PyMethodDef *methods) {
    PyType_Slot slots[] = {
        {Py_tp_call, (void *)PyVectorcall_Call},
        {Py_tp_dealloc, (void *)dealloc},
        {Py_tp_traverse, (void *)traverse},
        {Py_tp_clear, (void *)clear},
        {Py_tp_members, dispatcher_members},
        {Py_tp_getset, getset},
        {Py_tp_methods, methods},
        {0, NULL},
    };
    PyType_Spec spec = {
        .name = "swiftjit._swiftjit.Dispatcher",
        .basicsize = sizeof(SwiftJITDispatcherObject),
        .itemsize = 0,
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                 Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = slots,
    };
    return (PyTypeObject *)PyType_FromSpec(&spec);
}
