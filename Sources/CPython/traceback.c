/* Traceback entries for exceptions raised in nopython code.
 *
 * Compiled code never builds Python frames. Each status exit that starts or passes on an
 * exception (a raise, a failed check, a failed helper, a failed jitted callee) records the
 * constant location of the statement in the call's context: `swiftjit_trace_add`, plain C,
 * no GIL, only on the error path. The wrapper (or an adapter) that turns the context's
 * descriptor into a Python exception then calls `swiftjit_trace_raise`, which adds one
 * `_PyTraceback_Add` entry per recorded location, innermost first, so the traceback reads
 * in Python's order (each entry goes in front of the ones added before it). */
#include "SwiftJITRuntime.h"
#include <stdlib.h>

/* Exported by CPython 3.10 to 3.13 (see objmode.c). */
extern void _PyTraceback_Add(const char *funcname, const char *filename, int lineno);

/* Recorded locations of one call; at most this many (a deep recursion keeps its innermost frames). */
#define SWIFTJIT_TRACE_MAX 4096

typedef struct {
    int64_t count;
    int64_t capacity;
    const SwiftJITLocation *locations[];
} SwiftJITTrace;

void swiftjit_trace_add(SwiftJITContext *ctx, const SwiftJITLocation *location) {
    SwiftJITTrace *t = (SwiftJITTrace *)ctx->trace;
    if (t && t->count == t->capacity) {
        if (t->capacity >= SWIFTJIT_TRACE_MAX) return;
        int64_t cap = t->capacity * 4;
        SwiftJITTrace *grown = (SwiftJITTrace *)realloc(t, sizeof *t + (size_t)cap * sizeof(void *));
        if (!grown) return;  /* entries are a courtesy: a failed allocation drops them */
        grown->capacity = cap;
        ctx->trace = t = grown;
    } else if (!t) {
        t = (SwiftJITTrace *)malloc(sizeof *t + 8 * sizeof(void *));
        if (!t) return;
        t->count = 0;
        t->capacity = 8;
        ctx->trace = t;
    }
    t->locations[t->count++] = location;
}

void swiftjit_trace_raise(SwiftJITContext *ctx) {
    SwiftJITTrace *t = (SwiftJITTrace *)ctx->trace;
    if (!t) return;
    ctx->trace = NULL;
    for (int64_t i = 0; i < t->count; i++) {
        const SwiftJITLocation *l = t->locations[i];
        if (l->line > 0 && PyErr_Occurred()) _PyTraceback_Add(l->name, l->file, (int)l->line);
    }
    free(t);
}

void swiftjit_trace_discard(SwiftJITContext *ctx) {
    free(ctx->trace);
    ctx->trace = NULL;
}
