/* The thread pool behind parallel=True: prange loops run as chunks of their
 * iteration space on a pool of pthreads created once per process. */
#include "SwiftJITRuntime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <time.h>

/* How [0, n) is cut into chunks (plan_chunks): with few threads, "guided" chunks, each
 * 1/(2 * threads) of the iterations not yet given out, down to a floor of
 * n / (32 * threads): the first chunks are large (cheap to hand out, long vectorized
 * loops), the last ones small, so the thread that started late (a worker still waking
 * up) or drew the slower part of the range finishes within a small chunk of the
 * others. With many threads (more than 8) or a short range, equal chunks, 4 per
 * thread. Either way the boundaries depend only on n and the thread count, so float
 * reductions, combined in chunk order, give the same result on every call. */
#define SWIFTJIT_CHUNKS_PER_THREAD 4
#define SWIFTJIT_GUIDED_MAX_THREADS 8
#define SWIFTJIT_GUIDED_FLOOR 32     /* smallest chunk: n / (this * threads) */

/* Spinning before sleeping: a worker that has finished a region looks for the next
 * one for this long before it waits on the condition variable (waking a sleeping
 * thread costs tens of microseconds, more on a virtual machine), and the calling
 * thread looks this long for the workers to finish before it sleeps.
 * SWIFTJIT_PARALLEL_SPIN_US overrides it (0: never spin). */
#define SWIFTJIT_DEFAULT_SPIN_NS 200000

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_size = 1;               /* threads, the calling thread included */
static _Atomic int active_threads = 1;  /* swiftjit.set_num_threads */
static int64_t spin_ns = SWIFTJIT_DEFAULT_SPIN_NS;

/* One parallel region runs on the pool at a time; others (concurrent calls
 * from other Python threads, nested regions) run their chunks inline. */
static pthread_mutex_t region_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

typedef struct {
    swiftjit_chunk_fn fn;
    void *env;
    int64_t nchunks, red_size;
    int64_t bounds[SWIFTJIT_MAX_THREADS + 1];  /* chunk c is [bounds[c], bounds[c + 1]) */
    char *red;
    SwiftJITContext *ctxs;
    int32_t *status;
    _Atomic int64_t next;
    _Atomic int failed;  /* a chunk raised: chunks not started yet are skipped */
} Job;

/* Written under job_mutex; generation and busy are also read without it by spinning threads. */
static Job *current_job = NULL;
static _Atomic uint64_t generation = 0;
static int job_open = 0;
static _Atomic int busy = 0;              /* workers inside the current job */

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Spins (for at most spin_ns) until done(arg) holds; returns whether it does. */
static int spin_until(int (*done)(void *), void *arg) {
    if (spin_ns <= 0) return done(arg);
    int64_t deadline = 0;
    for (unsigned i = 0;; i++) {
        if (done(arg)) return 1;
        cpu_relax();
        if ((i & 255) == 255) {
            int64_t t = now_ns();
            if (deadline == 0) deadline = t + spin_ns;
            else if (t >= deadline) return done(arg);
        }
    }
}

static int generation_moved(void *seen) {
    return atomic_load_explicit(&generation, memory_order_acquire) != *(uint64_t *)seen;
}

static int workers_done(void *unused) {
    (void)unused;
    return atomic_load_explicit(&busy, memory_order_acquire) == 0;
}

/* Fills j->bounds and j->nchunks for [0, n) on `threads` threads (n >= 2, threads >= 2). */
static void plan_chunks(Job *j, int64_t n, int64_t threads) {
    int64_t *b = j->bounds;
    int64_t floor = n / (SWIFTJIT_GUIDED_FLOOR * threads);
    if (threads > SWIFTJIT_GUIDED_MAX_THREADS || floor < 1) {
        int64_t nchunks = threads * SWIFTJIT_CHUNKS_PER_THREAD;
        if (nchunks > SWIFTJIT_MAX_THREADS) nchunks = SWIFTJIT_MAX_THREADS;
        if (nchunks > n) nchunks = n;
        int64_t base = n / nchunks, rem = n % nchunks;
        b[0] = 0;
        for (int64_t c = 0; c < nchunks; c++) b[c + 1] = b[c] + base + (c < rem ? 1 : 0);
        j->nchunks = nchunks;
        return;
    }
    int64_t c = 0, start = 0;
    b[0] = 0;
    while (start < n) {
        int64_t left = n - start;
        int64_t size = (left + 2 * threads - 1) / (2 * threads);
        if (size < floor) size = floor;
        if (size > left || c == SWIFTJIT_MAX_THREADS - 1) size = left;
        start += size;
        b[++c] = start;
    }
    j->nchunks = c;
}

static void run_chunks(Job *j) {
    for (;;) {
        int64_t c = atomic_fetch_add(&j->next, 1);
        if (c >= j->nchunks) return;
        if (atomic_load_explicit(&j->failed, memory_order_relaxed)) continue;
        /* Each thread checks recursion depth against its own stack. */
        j->ctxs[c].stack_limit = swiftjit_stack_limit();
        j->status[c] = j->fn(j->env, j->bounds[c], j->bounds[c + 1], j->red + c * j->red_size, &j->ctxs[c]);
        if (j->status[c] != 0) atomic_store(&j->failed, 1);
    }
}

static void *worker_main(void *arg) {
    (void)arg;
    uint64_t seen = 0;
    for (;;) {
        spin_until(generation_moved, &seen);
        pthread_mutex_lock(&job_mutex);
        while (atomic_load(&generation) == seen) pthread_cond_wait(&job_cond, &job_mutex);
        seen = atomic_load(&generation);
        if (!job_open) {
            pthread_mutex_unlock(&job_mutex);
            continue;
        }
        Job *j = current_job;
        atomic_fetch_add(&busy, 1);
        pthread_mutex_unlock(&job_mutex);
        run_chunks(j);
        pthread_mutex_lock(&job_mutex);
        if (atomic_fetch_sub(&busy, 1) == 1) pthread_cond_broadcast(&done_cond);
        pthread_mutex_unlock(&job_mutex);
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
    atomic_store(&generation, 0);
    job_open = 0;
    atomic_store(&busy, 0);
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
    const char *spin = getenv("SWIFTJIT_PARALLEL_SPIN_US");
    if (spin && *spin) {
        long us = strtol(spin, NULL, 10);
        spin_ns = us > 0 ? (int64_t)us * 1000 : 0;
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
    SwiftJITContext ctxs[SWIFTJIT_MAX_THREADS];
    int32_t status[SWIFTJIT_MAX_THREADS];
    Job job = { .fn = fn, .env = env, .red_size = red_size, .red = (char *)red, .ctxs = ctxs, .status = status };
    /* Chunks taken dynamically by the caller and the workers: a thread the OS delays does not hold the others up. */
    plan_chunks(&job, n, threads);
    int64_t nchunks = job.nchunks;
    if (nchunks <= 1) {
        return fn(env, 0, n, red, ctx) == 0 ? 1 : -1;
    }
    memset(ctxs, 0, (size_t)nchunks * sizeof ctxs[0]);
    memset(status, 0, (size_t)nchunks * sizeof status[0]);
    atomic_store(&job.next, 0);
    atomic_store(&job.failed, 0);
    /* Chunks may create arrays (which takes the GIL): never wait for workers while holding it. */
    PyThreadState *saved = (Py_IsInitialized() && PyGILState_Check()) ? PyEval_SaveThread() : NULL;
    int pooled = pthread_mutex_trylock(&region_mutex) == 0;
    if (pooled) {
        pthread_mutex_lock(&job_mutex);
        current_job = &job;
        job_open = 1;
        atomic_fetch_add(&generation, 1);
        pthread_cond_broadcast(&job_cond);
        pthread_mutex_unlock(&job_mutex);
    }
    run_chunks(&job);
    if (pooled) {
        /* Close the job (no worker joins it any more), then wait for those inside it. */
        pthread_mutex_lock(&job_mutex);
        job_open = 0;
        pthread_mutex_unlock(&job_mutex);
        spin_until(workers_done, NULL);
        pthread_mutex_lock(&job_mutex);
        while (atomic_load(&busy) > 0) pthread_cond_wait(&done_cond, &job_mutex);
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
