#ifndef SWIFTJIT_OBJMODE_H
#define SWIFTJIT_OBJMODE_H
// Helpers object-mode code calls (Sources/CPython/objmode.c); the JIT finds them by
// name through swiftjit_objmode_symbol, registered at import like the runtime helpers.
#include <stdint.h>
#include "CPython.h"

/// The i-th object-mode helper: its address, and its name in *name; NULL past the last one.
void *swiftjit_objmode_symbol(int i, const char **name);
#endif
