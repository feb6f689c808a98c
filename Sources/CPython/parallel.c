/* The thread pool behind parallel=True: prange loops run as chunks of their
 * iteration space on a pool of pthreads created once per process. */
#include "SwiftJITRuntime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SWIFTJIT_CHUNKS_PER_THREAD 4

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_size = 1;               /* threads, the calling thread included */
static _Atomic int active_threads = 1;  /* swiftjit.set_num_threads */

/* One parallel region runs on the pool at a time; others (concurrent calls
 * from other Python threads, nested regions) run their chunks inline. */
static pthread_mutex_t region_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

typedef struct {
    swiftjit_chunk_fn fn;
    void *env;
    int64_t n, nchunks, red_size;
    char *red;
    SwiftJITContext *ctxs;
    int32_t *status;
    _Atomic int64_t next;
    _Atomic int failed;  /* a chunk raised: chunks not started yet are skipped */
} Job;

static Job *current_job = NULL;   /* guarded by job_mutex */
static uint64_t generation = 0;   /* guarded by job_mutex */
static int job_open = 0;          /* guarded by job_mutex */
static int busy = 0;              /* workers inside the current job, guarded by job_mutex */

static void chunk_bounds(int64_t n, int64_t nchunks, int64_t c, int64_t *start, int64_t *end) {
    int64_t base = n / nchunks, rem = n % nchunks;
    *start = c * base + (c < rem ? c : rem);
    *end = *start + base + (c < rem ? 1 : 0);
}

static void run_chunks(Job *j) {
    for (;;) {
        int64_t c = atomic_fetch_add(&j->next, 1);
        if (c >= j->nchunks) return;
        if (atomic_load_explicit(&j->failed, memory_order_relaxed)) continue;
        int64_t s, e;
        chunk_bounds(j->n, j->nchunks, c, &s, &e);
        /* Each thread checks recursion depth against its own stack. */
        j->ctxs[c].stack_limit = swiftjit_stack_limit();
        j->status[c] = j->fn(j->env, s, e, j->red + c * j->red_size, &j->ctxs[c]);
        if (j->status[c] != 0) atomic_store(&j->failed, 1);
    }
}

static void *worker_main(void *arg) {
    (void)arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&job_mutex);
    for (;;) {
        while (generation == seen) pthread_cond_wait(&job_cond, &job_mutex);
        seen = generation;
        if (!job_open) continue;
        Job *j = current_job;
        busy++;
        pthread_mutex_unlock(&job_mutex);
        run_chunks(j);
        pthread_mutex_lock(&job_mutex);
        busy--;
        pthread_cond_broadcast(&done_cond);
    }
    return NULL;
}

/* In a forked child the workers do not exist (only the forking thread survives)
 * and the locks may have been held: start over, creating the pool on next use. */
static void pool_after_fork_child(void) {
    pthread_mutex_init(&region_mutex, NULL);
    pthread_mutex_init(&job_mutex, NULL);
    pthread_cond_init(&job_cond, NULL);
    pthread_cond_init(&done_cond, NULL);
    current_job = NULL;
    generation = 0;
    job_open = 0;
    busy = 0;
    pool_size = 1;
    atomic_store(&active_threads, 1);
    pool_once = (pthread_once_t)PTHREAD_ONCE_INIT;
}

static void pool_init(void) {
    static int atfork_registered = 0;
    if (!atfork_registered) {
        pthread_atfork(NULL, NULL, pool_after_fork_child);
        atfork_registered = 1;
    }
    long n = 0;
    const char *env = getenv("SWIFTJIT_NUM_THREADS");
    if (env && *env) n = strtol(env, NULL, 10);
    if (n <= 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > SWIFTJIT_MAX_THREADS) n = SWIFTJIT_MAX_THREADS;
    int started = 1;
    for (long i = 1; i < n; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker_main, NULL) == 0) started++;
        pthread_attr_destroy(&attr);
    }
    pool_size = started;
    atomic_store(&active_threads, started);
}

int64_t swiftjit_get_num_threads(void) {
    pthread_once(&pool_once, pool_init);
    return atomic_load(&active_threads);
}

int64_t swiftjit_pool_size(void) {
    pthread_once(&pool_once, pool_init);
    return pool_size;
}

int swiftjit_set_num_threads(int64_t n) {
    pthread_once(&pool_once, pool_init);
    if (n < 1 || n > pool_size) return -1;
    atomic_store(&active_threads, (int)n);
    return 0;
}

/* The exception of a chunk, copied to the calling thread (a chunk's message may
 * live in a worker's thread-local buffer). */
static _Thread_local char parallel_message[256];
static _Thread_local struct { PyObject **cls; const char *msg; } parallel_exc;

static void merge_context(SwiftJITContext *into, SwiftJITContext *from) {
    if (from->count > 0) {
        int64_t need = into->count + from->count;
        if (need > into->capacity) {
            PyObject **objs = (PyObject **)realloc(into->objects, (size_t)need * sizeof(PyObject *));
            if (!objs) {  /* cannot track them: leak rather than free early */
                free(from->objects);
                return;
            }
            into->objects = objs;
            into->capacity = need;
        }
        memcpy(into->objects + into->count, from->objects, (size_t)from->count * sizeof(PyObject *));
        into->count = need;
    }
    free(from->objects);
}

int64_t swiftjit_parallel_for(swiftjit_chunk_fn fn, void *env, int64_t n, void *red, int64_t red_size,
                              SwiftJITContext *ctx) {
    if (n <= 0) return 0;
    int64_t threads = swiftjit_get_num_threads();
    if (threads <= 1 || n == 1) {
        return fn(env, 0, n, red, ctx) == 0 ? 1 : -1;
    }
    /* A few chunks per thread, taken dynamically: a thread the OS delays does not hold the others up. */
    int64_t nchunks = threads * SWIFTJIT_CHUNKS_PER_THREAD;
    if (nchunks > SWIFTJIT_MAX_THREADS) nchunks = SWIFTJIT_MAX_THREADS;
    if (nchunks > n) nchunks = n;
    if (nchunks <= 1) {
        return fn(env, 0, n, red, ctx) == 0 ? 1 : -1;
    }
    SwiftJITContext ctxs[SWIFTJIT_MAX_THREADS];
    int32_t status[SWIFTJIT_MAX_THREADS];
    memset(ctxs, 0, sizeof ctxs);
    memset(status, 0, sizeof status);
    Job job = { .fn = fn, .env = env, .n = n, .nchunks = nchunks, .red_size = red_size, .red = (char *)red,
                .ctxs = ctxs, .status = status };
    atomic_store(&job.next, 0);
    atomic_store(&job.failed, 0);
    /* Chunks may create arrays (which takes the GIL): never wait for workers while holding it. */
    PyThreadState *saved = (Py_IsInitialized() && PyGILState_Check()) ? PyEval_SaveThread() : NULL;
    int pooled = pthread_mutex_trylock(&region_mutex) == 0;
    if (pooled) {
        pthread_mutex_lock(&job_mutex);
        current_job = &job;
        job_open = 1;
        generation++;
        pthread_cond_broadcast(&job_cond);
        pthread_mutex_unlock(&job_mutex);
    }
    run_chunks(&job);
    if (pooled) {
        pthread_mutex_lock(&job_mutex);
        job_open = 0;
        while (busy > 0) pthread_cond_wait(&done_cond, &job_mutex);
        current_job = NULL;
        pthread_mutex_unlock(&job_mutex);
        pthread_mutex_unlock(&region_mutex);
    }
    if (saved) PyEval_RestoreThread(saved);
    int64_t failed = -1;
    for (int64_t c = 0; c < nchunks; c++) {
        if (status[c] != 0 && failed < 0) failed = c;
        merge_context(ctx, &ctxs[c]);
    }
    /* The traceback locations of the chunk whose exception is raised go with it. */
    for (int64_t c = 0; c < nchunks; c++) {
        if (c == failed && ctx->trace == NULL) {
            ctx->trace = ctxs[c].trace;
            ctxs[c].trace = NULL;
        }
        swiftjit_trace_discard(&ctxs[c]);
    }
    if (failed >= 0) {
        struct { PyObject **cls; const char *msg; } *d = ctxs[failed].exc;
        parallel_exc.cls = d->cls;
        parallel_exc.msg = NULL;
        if (d->msg) {
            strncpy(parallel_message, d->msg, sizeof parallel_message - 1);
            parallel_message[sizeof parallel_message - 1] = 0;
            parallel_exc.msg = parallel_message;
        }
        ctx->exc = &parallel_exc;
        return -1;
    }
    return nchunks;
}

/* Serializes compilation between Python threads: taken with the GIL held, the
 * wait happens with the GIL released so that the holder can go on. Recursive,
 * for compilations nested in a compilation (calls between jitted functions).
 *
 * A compiling thread may let others run while it holds the lock (the GIL is
 * passed on whenever the compiler calls Python: error formatting, warnings,
 * attribute hooks), so another thread can fork then. The child has only the
 * forking thread: a lock held by another thread would never be released there,
 * so the child re-creates it (and tells the dispatcher to drop that thread's
 * bookkeeping). A lock held by the forking thread itself stays as it is. */
static pthread_mutex_t compile_mutex;
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;
static pthread_t compile_owner;     /* guarded by compile_mutex */
static int compile_depth = 0;       /* guarded by compile_mutex */
static int compile_abandoned = 0;   /* set in a forked child */

static void compile_mutex_create(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&compile_mutex, &a);
    pthread_mutexattr_destroy(&a);
}

static void compile_after_fork_child(void) {
    if (compile_depth > 0 && !pthread_equal(compile_owner, pthread_self())) {
        compile_mutex_create();
        compile_depth = 0;
        compile_abandoned = 1;
    }
}

static void compile_init(void) {
    compile_mutex_create();
    pthread_atfork(NULL, NULL, compile_after_fork_child);
}

void swiftjit_compile_lock(void) {
    pthread_once(&compile_once, compile_init);
    if (pthread_mutex_trylock(&compile_mutex) != 0) {
        PyThreadState *saved = PyEval_SaveThread();
        pthread_mutex_lock(&compile_mutex);
        PyEval_RestoreThread(saved);
    }
    compile_owner = pthread_self();
    compile_depth++;
}

void swiftjit_compile_unlock(void) {
    if (compile_depth > 0) compile_depth--;
    pthread_mutex_unlock(&compile_mutex);
}

int swiftjit_compile_abandoned(void) {
    int r = compile_abandoned;
    compile_abandoned = 0;
    return r;
}
