/* NumPy library functions for nopython mode: sorting, selection, statistics
 * helpers and random numbers. JIT code calls these by name (registered through
 * swiftjit_nplib_symbol). They work on raw element buffers identified by NumPy
 * type numbers, never on Python objects, so they run without the GIL.
 *
 * Ordering follows NumPy: NaNs sort last; sorts of other values use `<`.
 * Random numbers follow NumPy's legacy RandomState (MT19937 seeded by
 * init_genrand, random_sample from two 32-bit draws, legacy polar gauss,
 * masked-rejection bounded integers) and CPython's random module (MT19937 seeded
 * by init_by_array of the seed's 32-bit words), each with a state per thread. */
#include "SwiftJITRuntime.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <pthread.h>

/* NumPy type numbers (LP64). */
enum { NT_BOOL = 0, NT_I8 = 1, NT_U8 = 2, NT_I16 = 3, NT_U16 = 4, NT_I32 = 5, NT_U32 = 6, NT_I64 = 7, NT_U64 = 8,
       NT_F32 = 11, NT_F64 = 12 };

/* ---------------------------------------------------------------- errors */

typedef struct { PyObject **cls; const char *msg; } exc_desc;
static _Thread_local exc_desc nplib_exc;
static _Thread_local char nplib_message[200];

static int raise_msg(SwiftJITContext *ctx, PyObject **cls, const char *msg) {
    snprintf(nplib_message, sizeof nplib_message, "%s", msg);
    nplib_exc.cls = cls;
    nplib_exc.msg = nplib_message;
    ctx->exc = &nplib_exc;
    return -1;
}

static int no_memory(SwiftJITContext *ctx) { return raise_msg(ctx, &PyExc_MemoryError, "cannot allocate a work buffer"); }

/* ---------------------------------------------------------------- sorting */

#define SMALL_SORT 16
#define SMALL_MERGE 20
#define KEY_LT(a, b) ((a) < (b))
#define PAIR_LT(a, b) ((a).key < (b).key)

/* Introsort (NumPy's quicksort: median of three, Hoare partition, heapsort
 * below a depth limit, insertion sort for small parts). */
#define DEFINE_QUICKSORT(NAME, T, LT)                                                      \
    static void NAME##_heapsort(T *a, int64_t n) {                                         \
        T tmp; int64_t i, j, l;                                                            \
        T *h = a - 1; /* 1-based */                                                        \
        for (l = n >> 1; l > 0; --l) {                                                     \
            tmp = h[l];                                                                    \
            for (i = l, j = l << 1; j <= n;) {                                             \
                if (j < n && LT(h[j], h[j + 1])) j += 1;                                   \
                if (LT(tmp, h[j])) { h[i] = h[j]; i = j; j += j; } else break;             \
            }                                                                              \
            h[i] = tmp;                                                                    \
        }                                                                                  \
        for (; n > 1;) {                                                                   \
            tmp = h[n]; h[n] = h[1]; n -= 1;                                               \
            for (i = 1, j = 2; j <= n;) {                                                  \
                if (j < n && LT(h[j], h[j + 1])) j++;                                      \
                if (LT(tmp, h[j])) { h[i] = h[j]; i = j; j += j; } else break;             \
            }                                                                              \
            h[i] = tmp;                                                                    \
        }                                                                                  \
    }                                                                                      \
    static void NAME##_quicksort_rec(T *pl, T *pr, int depth) {                            \
        T vp, tmp; T *pi, *pj, *pm;                                                        \
        while (pr - pl > SMALL_SORT) {                                                     \
            if (depth-- <= 0) { NAME##_heapsort(pl, pr - pl + 1); return; }                \
            pm = pl + ((pr - pl) >> 1);                                                    \
            if (LT(*pm, *pl)) { tmp = *pm; *pm = *pl; *pl = tmp; }                         \
            if (LT(*pr, *pm)) { tmp = *pr; *pr = *pm; *pm = tmp; }                         \
            if (LT(*pm, *pl)) { tmp = *pm; *pm = *pl; *pl = tmp; }                         \
            vp = *pm;                                                                      \
            pi = pl; pj = pr - 1;                                                          \
            tmp = *pm; *pm = *pj; *pj = tmp;                                               \
            for (;;) {                                                                     \
                do ++pi; while (LT(*pi, vp));                                              \
                do --pj; while (LT(vp, *pj));                                              \
                if (pi >= pj) break;                                                       \
                tmp = *pi; *pi = *pj; *pj = tmp;                                           \
            }                                                                              \
            tmp = *pi; *pi = *(pr - 1); *(pr - 1) = tmp;                                   \
            if (pi - pl < pr - pi) { NAME##_quicksort_rec(pl, pi - 1, depth); pl = pi + 1; } \
            else { NAME##_quicksort_rec(pi + 1, pr, depth); pr = pi - 1; }                 \
        }                                                                                  \
        for (pi = pl + 1; pi <= pr; ++pi) {                                                \
            vp = *pi; pj = pi;                                                             \
            while (pj > pl && LT(vp, *(pj - 1))) { *pj = *(pj - 1); --pj; }                \
            *pj = vp;                                                                      \
        }                                                                                  \
    }                                                                                      \
    static void NAME##_quicksort(T *a, int64_t n) {                                        \
        if (n < 2) return;                                                                 \
        int depth = 0;                                                                     \
        for (int64_t m = n; m > 1; m >>= 1) depth += 2;                                    \
        NAME##_quicksort_rec(a, a + n - 1, depth);                                         \
    }

/* Stable top-down mergesort (NumPy's mergesort), `w` holds n/2 + 1 items. */
#define DEFINE_MERGESORT(NAME, T, LT)                                                      \
    static void NAME##_mergesort_rec(T *pl, T *pr, T *pw) {                                \
        T vp; T *pi, *pj, *pk, *pm;                                                        \
        if (pr - pl > SMALL_MERGE) {                                                       \
            pm = pl + ((pr - pl) >> 1);                                                    \
            NAME##_mergesort_rec(pl, pm, pw);                                              \
            NAME##_mergesort_rec(pm, pr, pw);                                              \
            if (!LT(*pm, *(pm - 1))) return; /* already in order */                        \
            memcpy(pw, pl, (size_t)(pm - pl) * sizeof(T));                                 \
            pi = pw + (pm - pl); pj = pw; pk = pl;                                         \
            while (pj < pi && pm < pr) {                                                   \
                if (LT(*pm, *pj)) *pk++ = *pm++; else *pk++ = *pj++;                       \
            }                                                                              \
            while (pj < pi) *pk++ = *pj++;                                                 \
        } else {                                                                           \
            for (pi = pl + 1; pi < pr; ++pi) {                                             \
                vp = *pi; pj = pi;                                                         \
                while (pj > pl && LT(vp, *(pj - 1))) { *pj = *(pj - 1); --pj; }            \
                *pj = vp;                                                                  \
            }                                                                              \
        }                                                                                  \
    }

/* Quickselect: afterwards a[k] is the k-th smallest, smaller ones before it, larger after. */
#define DEFINE_SELECT(NAME, T)                                                             \
    static void NAME##_select(T *a, int64_t n, int64_t k) {                                \
        int64_t lo = 0, hi = n - 1;                                                        \
        T tmp;                                                                             \
        while (hi > lo) {                                                                  \
            if (hi - lo < 8) {                                                             \
                for (int64_t i = lo + 1; i <= hi; i++) {                                   \
                    T v = a[i]; int64_t j = i;                                             \
                    while (j > lo && v < a[j - 1]) { a[j] = a[j - 1]; j--; }               \
                    a[j] = v;                                                              \
                }                                                                          \
                return;                                                                    \
            }                                                                              \
            int64_t m = lo + ((hi - lo) >> 1);                                             \
            if (a[m] < a[lo]) { tmp = a[m]; a[m] = a[lo]; a[lo] = tmp; }                   \
            if (a[hi] < a[m]) { tmp = a[hi]; a[hi] = a[m]; a[m] = tmp; }                   \
            if (a[m] < a[lo]) { tmp = a[m]; a[m] = a[lo]; a[lo] = tmp; }                   \
            T pivot = a[m];                                                                \
            int64_t i = lo, j = hi - 1;                                                    \
            tmp = a[m]; a[m] = a[j]; a[j] = tmp;                                           \
            for (;;) {                                                                     \
                do ++i; while (a[i] < pivot);                                              \
                do --j; while (pivot < a[j]);                                              \
                if (i >= j) break;                                                         \
                tmp = a[i]; a[i] = a[j]; a[j] = tmp;                                       \
            }                                                                              \
            tmp = a[i]; a[i] = a[hi - 1]; a[hi - 1] = tmp;                                 \
            if (i == k) return;                                                            \
            if (k < i) hi = i - 1; else lo = i + 1;                                        \
        }                                                                                  \
    }

/* For each element type: plain sort, (key, index) pair sorts for argsort. */
#define DEFINE_TYPE_SORTS(S, T)                                                            \
    typedef struct { T key; int64_t idx; } pair_##S;                                       \
    DEFINE_QUICKSORT(plain_##S, T, KEY_LT)                                                 \
    DEFINE_QUICKSORT(pair_##S, pair_##S, PAIR_LT)                                          \
    DEFINE_MERGESORT(plain_##S, T, KEY_LT)                                                 \
    DEFINE_MERGESORT(pair_##S, pair_##S, PAIR_LT)

DEFINE_TYPE_SORTS(i8, int8_t)
DEFINE_TYPE_SORTS(u8, uint8_t)
DEFINE_TYPE_SORTS(i16, int16_t)
DEFINE_TYPE_SORTS(u16, uint16_t)
DEFINE_TYPE_SORTS(i32, int32_t)
DEFINE_TYPE_SORTS(u32, uint32_t)
DEFINE_TYPE_SORTS(i64, int64_t)
DEFINE_TYPE_SORTS(u64, uint64_t)
DEFINE_TYPE_SORTS(f32, float)
DEFINE_TYPE_SORTS(f64, double)
DEFINE_SELECT(f64, double)

/* LSD radix sort of 64-bit unsigned keys, 11 bits per pass (6 passes, one histogram
 * pass first; passes whose digit is the same for every key are skipped). Stable.
 * Returns 0, or -1 without memory. */
#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 6
#define RADIX_MIN 1024
static int radix_sort_u64(uint64_t *a, int64_t n) {
    uint64_t *tmp = (uint64_t *)malloc((size_t)n * sizeof(uint64_t));
    int64_t *counts = (int64_t *)calloc(RADIX_PASSES * RADIX_SIZE, sizeof(int64_t));
    if (!tmp || !counts) { free(tmp); free(counts); return -1; }
    for (int64_t i = 0; i < n; i++) {
        uint64_t k = a[i];
        for (int d = 0; d < RADIX_PASSES; d++) counts[d * RADIX_SIZE + ((k >> (RADIX_BITS * d)) & (RADIX_SIZE - 1))]++;
    }
    uint64_t *src = a, *dst = tmp;
    for (int d = 0; d < RADIX_PASSES; d++) {
        int64_t *c = counts + d * RADIX_SIZE;
        int shift = RADIX_BITS * d;
        if (c[(src[0] >> shift) & (RADIX_SIZE - 1)] == n) continue;  /* one digit value: nothing to do */
        int64_t total = 0;
        for (int b = 0; b < RADIX_SIZE; b++) { int64_t t = c[b]; c[b] = total; total += t; }
        for (int64_t i = 0; i < n; i++) {
            uint64_t k = src[i];
            dst[c[(k >> shift) & (RADIX_SIZE - 1)]++] = k;
        }
        uint64_t *t = src; src = dst; dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(uint64_t));
    free(tmp);
    free(counts);
    return 0;
}

typedef struct { uint64_t key; int64_t idx; } keyed;
/* The same radix sort over (key, index) pairs (stable, so equal keys keep index order). */
static int radix_sort_keyed(keyed *a, int64_t n) {
    keyed *tmp = (keyed *)malloc((size_t)n * sizeof(keyed));
    int64_t *counts = (int64_t *)calloc(RADIX_PASSES * RADIX_SIZE, sizeof(int64_t));
    if (!tmp || !counts) { free(tmp); free(counts); return -1; }
    for (int64_t i = 0; i < n; i++) {
        uint64_t k = a[i].key;
        for (int d = 0; d < RADIX_PASSES; d++) counts[d * RADIX_SIZE + ((k >> (RADIX_BITS * d)) & (RADIX_SIZE - 1))]++;
    }
    keyed *src = a, *dst = tmp;
    for (int d = 0; d < RADIX_PASSES; d++) {
        int64_t *c = counts + d * RADIX_SIZE;
        int shift = RADIX_BITS * d;
        if (c[(src[0].key >> shift) & (RADIX_SIZE - 1)] == n) continue;
        int64_t total = 0;
        for (int b = 0; b < RADIX_SIZE; b++) { int64_t t = c[b]; c[b] = total; total += t; }
        for (int64_t i = 0; i < n; i++) {
            keyed e = src[i];
            dst[c[(e.key >> shift) & (RADIX_SIZE - 1)]++] = e;
        }
        keyed *t = src; src = dst; dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(keyed));
    free(tmp);
    free(counts);
    return 0;
}

#define SIGN64 0x8000000000000000ULL
/* Order-preserving maps of float64 (no NaN) and int64 onto uint64, and back. */
static inline uint64_t f64_key(uint64_t u) { return (u & SIGN64) ? ~u : (u | SIGN64); }
static inline uint64_t f64_unkey(uint64_t k) { return (k & SIGN64) ? (k & ~SIGN64) : ~k; }

/* Radix-sorts m 8-byte elements of type typenum (f64, i64, u64; no NaN); -1 without memory. */
static int radix_sort_8(void *data, int64_t m, int64_t typenum) {
    uint64_t *a = (uint64_t *)data;
    if (typenum == NT_F64) for (int64_t i = 0; i < m; i++) a[i] = f64_key(a[i]);
    else if (typenum == NT_I64) for (int64_t i = 0; i < m; i++) a[i] ^= SIGN64;
    int status = radix_sort_u64(a, m);
    if (typenum == NT_F64) for (int64_t i = 0; i < m; i++) a[i] = f64_unkey(a[i]);
    else if (typenum == NT_I64) for (int64_t i = 0; i < m; i++) a[i] ^= SIGN64;
    return status;
}

#define NOT_NAN_INT(x) 1
#define NOT_NAN_FLT(x) ((x) == (x))

/* Sorts each of `rows` rows of n elements in place; NaNs last. */
#define SORT_ROWS(S, T, NOTNAN)                                                            \
    do {                                                                                   \
        T *base = (T *)data;                                                               \
        for (int64_t r = 0; r < rows; r++) {                                               \
            T *a = base + r * n;                                                           \
            int64_t m = n;                                                                 \
            /* move NaNs to the end */                                                     \
            for (int64_t i = 0; i < m;) {                                                  \
                if (NOTNAN(a[i])) { i++; continue; }                                       \
                m--; T t = a[i]; a[i] = a[m]; a[m] = t;                                    \
            }                                                                              \
            if (sizeof(T) == 8 && m >= RADIX_MIN) {                                        \
                if (radix_sort_8(a, m, typenum) < 0) return no_memory(ctx);               \
            } else if (stable) {                                                           \
                T *w = (T *)malloc((size_t)(m / 2 + 1) * sizeof(T));                       \
                if (!w) return no_memory(ctx);                                             \
                plain_##S##_mergesort_rec(a, a + m, w);                                    \
                free(w);                                                                   \
            } else {                                                                       \
                plain_##S##_quicksort(a, m);                                               \
            }                                                                              \
        }                                                                                  \
    } while (0)

/// Sorts `rows` contiguous rows of `n` elements of type `typenum` in place.
int32_t swiftjit_np_sort(SwiftJITContext *ctx, void *data, int64_t rows, int64_t n, int64_t typenum, int64_t stable) {
    switch (typenum) {
    case NT_BOOL: case NT_U8: SORT_ROWS(u8, uint8_t, NOT_NAN_INT); break;
    case NT_I8: SORT_ROWS(i8, int8_t, NOT_NAN_INT); break;
    case NT_I16: SORT_ROWS(i16, int16_t, NOT_NAN_INT); break;
    case NT_U16: SORT_ROWS(u16, uint16_t, NOT_NAN_INT); break;
    case NT_I32: SORT_ROWS(i32, int32_t, NOT_NAN_INT); break;
    case NT_U32: SORT_ROWS(u32, uint32_t, NOT_NAN_INT); break;
    case NT_I64: SORT_ROWS(i64, int64_t, NOT_NAN_INT); break;
    case NT_U64: SORT_ROWS(u64, uint64_t, NOT_NAN_INT); break;
    case NT_F32: SORT_ROWS(f32, float, NOT_NAN_FLT); break;
    case NT_F64: SORT_ROWS(f64, double, NOT_NAN_FLT); break;
    default: return raise_msg(ctx, &PyExc_TypeError, "sorting is not supported for this dtype");
    }
    return 0;
}

/* Argsort of each row: (key, index) pairs of the non-NaN elements are sorted,
 * NaN indices follow in their original order. */
#define ARGSORT_ROWS(S, T, NOTNAN)                                                         \
    do {                                                                                   \
        const T *base = (const T *)data;                                                   \
        pair_##S *p = (pair_##S *)malloc((size_t)(n > 0 ? n : 1) * sizeof(pair_##S));      \
        pair_##S *w = stable ? (pair_##S *)malloc((size_t)(n / 2 + 1) * sizeof(pair_##S)) : NULL; \
        if (!p || (stable && !w)) { free(p); free(w); return no_memory(ctx); }             \
        for (int64_t r = 0; r < rows; r++) {                                               \
            const T *a = base + r * n;                                                     \
            int64_t *o = out + r * n;                                                      \
            int64_t m = 0, nan_at = n;                                                     \
            for (int64_t i = 0; i < n; i++) {                                              \
                if (NOTNAN(a[i])) { p[m].key = a[i]; p[m].idx = i; m++; }                  \
            }                                                                              \
            if (m < n) {                                                                   \
                nan_at = m;                                                                \
                for (int64_t i = 0, k = m; i < n; i++) if (!NOTNAN(a[i])) o[k++] = i;      \
            }                                                                              \
            (void)nan_at;                                                                  \
            if (sizeof(T) == 8 && m >= RADIX_MIN) {                                        \
                /* (key, index) pairs are 16 bytes either way: radix-sort them (stable) */  \
                keyed *kp = (keyed *)(void *)p;                                            \
                for (int64_t i = 0; i < m; i++) {                                          \
                    uint64_t u; memcpy(&u, &p[i].key, 8);                                  \
                    /* -0.0 and 0.0 are equal keys (their order stays the index order) */    \
                    if (typenum == NT_F64 && u == SIGN64) u = 0;                               \
                    kp[i].key = typenum == NT_F64 ? f64_key(u) : typenum == NT_I64 ? (u ^ SIGN64) : u; \
                }                                                                          \
                if (radix_sort_keyed(kp, m) < 0) { free(p); free(w); return no_memory(ctx); } \
                for (int64_t i = 0; i < m; i++) o[i] = kp[i].idx;                          \
                continue;                                                                  \
            } else if (stable) pair_##S##_mergesort_rec(p, p + m, w); else pair_##S##_quicksort(p, m); \
            for (int64_t i = 0; i < m; i++) o[i] = p[i].idx;                               \
        }                                                                                  \
        free(p); free(w);                                                                  \
    } while (0)

/// Indices that sort each row (rows x n contiguous elements) into `out` (rows x n int64).
int32_t swiftjit_np_argsort(SwiftJITContext *ctx, const void *data, int64_t rows, int64_t n, int64_t typenum,
                            int64_t stable, int64_t *out) {
    switch (typenum) {
    case NT_BOOL: case NT_U8: ARGSORT_ROWS(u8, uint8_t, NOT_NAN_INT); break;
    case NT_I8: ARGSORT_ROWS(i8, int8_t, NOT_NAN_INT); break;
    case NT_I16: ARGSORT_ROWS(i16, int16_t, NOT_NAN_INT); break;
    case NT_U16: ARGSORT_ROWS(u16, uint16_t, NOT_NAN_INT); break;
    case NT_I32: ARGSORT_ROWS(i32, int32_t, NOT_NAN_INT); break;
    case NT_U32: ARGSORT_ROWS(u32, uint32_t, NOT_NAN_INT); break;
    case NT_I64: ARGSORT_ROWS(i64, int64_t, NOT_NAN_INT); break;
    case NT_U64: ARGSORT_ROWS(u64, uint64_t, NOT_NAN_INT); break;
    case NT_F32: ARGSORT_ROWS(f32, float, NOT_NAN_FLT); break;
    case NT_F64: ARGSORT_ROWS(f64, double, NOT_NAN_FLT); break;
    default: return raise_msg(ctx, &PyExc_TypeError, "argsort is not supported for this dtype");
    }
    return 0;
}

/* ---------------------------------------------------------------- statistics */

/* Element i of a strided buffer as a double. */
static inline double load_double(const char *p, int64_t typenum) {
    switch (typenum) {
    case NT_BOOL: case NT_U8: return (double)*(const uint8_t *)p;
    case NT_I8: return (double)*(const int8_t *)p;
    case NT_I16: return (double)*(const int16_t *)p;
    case NT_U16: return (double)*(const uint16_t *)p;
    case NT_I32: return (double)*(const int32_t *)p;
    case NT_U32: return (double)*(const uint32_t *)p;
    case NT_I64: return (double)*(const int64_t *)p;
    case NT_U64: return (double)*(const uint64_t *)p;
    case NT_F32: return (double)*(const float *)p;
    default: return *(const double *)p;
    }
}

/* A double copy of n strided elements; returns the number of NaNs, or -1 without memory. */
static int64_t gather_doubles(const char *data, int64_t n, int64_t stride, int64_t typenum, double **out) {
    double *w = (double *)malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (!w) return -1;
    int64_t nans = 0;
    if (typenum == NT_F64 && stride == 8) {
        /* one pass: copy and look for NaN (vectorizable) */
        const double *src = (const double *)data;
        int64_t any = 0;
        for (int64_t i = 0; i < n; i++) { double x = src[i]; w[i] = x; any |= (x != x); }
        nans = any;
    } else {
        for (int64_t i = 0; i < n; i++) {
            double x = load_double(data + i * stride, typenum);
            nans += (x != x);
            w[i] = x;
        }
    }
    *out = w;
    return nans;
}

/* One-pass selection for large contiguous float64 data: a sorted sample brackets the
 * k-th value between two pivots; one pass counts the elements below the band, copies the
 * band and looks for NaN; the k-th (and (k+1)-th) are then selected within the band.
 * Returns 0, 1 when the data holds a NaN, 2 when the sample missed (use the full
 * method), -1 without memory. */
enum { SAMPLE = 4096, MARGIN = 128 };
static int select_sampled(const double *src, int64_t n, int64_t k, int want_next, double *vk, double *vnext) {
    double s[SAMPLE];
    for (int64_t i = 0; i < SAMPLE; i++) {
        double x = src[(int64_t)(((double)i + 0.5) * (double)n / SAMPLE)];
        if (x != x) return 1;
        s[i] = x;
    }
    plain_f64_quicksort(s, SAMPLE);
    int64_t r = (int64_t)((double)k * SAMPLE / (double)n);
    double p1 = r - MARGIN >= 0 ? s[r - MARGIN] : -INFINITY;
    double p2 = r + MARGIN + 1 < SAMPLE ? s[r + MARGIN + 1] : INFINITY;
    double *band = (double *)malloc((size_t)n * sizeof(double));
    if (!band) return -1;
    int64_t below = 0, m = 0, any = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = src[i];
        any |= (x != x);
        below += (x < p1);
        band[m] = x;  /* kept only when inside the band (branch-free) */
        m += (x >= p1) & (x <= p2);
    }
    int status = 0;
    if (any) status = 1;
    else if (!(below <= k && k + want_next < below + m)) status = 2;
    else {
        int64_t j = k - below;
        f64_select(band, m, j);
        *vk = band[j];
        if (want_next) {
            double nx = band[j + 1];
            for (int64_t i = j + 2; i < m; i++) if (band[i] < nx) nx = band[i];
            *vnext = nx;
        }
    }
    free(band);
    return status;
}

/* The k-th smallest of n strided elements and, when want_next, the (k+1)-th (k + 1 < n).
 * Returns 0, 1 when an element is NaN, -1 without memory. */
static int kth_pair(const char *data, int64_t n, int64_t stride, int64_t typenum, int64_t k, int want_next,
                    double *vk, double *vnext) {
    if (typenum == NT_F64 && stride == 8 && n >= 16 * SAMPLE) {
        int status = select_sampled((const double *)data, n, k, want_next, vk, vnext);
        if (status != 2) return status;
    }
    double *w;
    int64_t nans = gather_doubles(data, n, stride, typenum, &w);
    if (nans < 0) return -1;
    if (nans > 0) { free(w); return 1; }
    f64_select(w, n, k);
    *vk = w[k];
    if (want_next) {
        double nx = w[k + 1];
        for (int64_t i = k + 2; i < n; i++) if (w[i] < nx) nx = w[i];
        *vnext = nx;
    }
    free(w);
    return 0;
}

/// Median of n strided elements as NumPy computes it (mean of the two middle values);
/// NaN when any element is NaN or the array is empty.
int32_t swiftjit_np_median(SwiftJITContext *ctx, const char *data, int64_t n, int64_t stride, int64_t typenum,
                           double *result) {
    if (n == 0) { *result = NAN; return 0; }
    double lo = 0.0, hi = 0.0;
    int even = n % 2 == 0;
    int status = kth_pair(data, n, stride, typenum, even ? n / 2 - 1 : n / 2, even, &lo, &hi);
    if (status < 0) return no_memory(ctx);
    if (status == 1) { *result = NAN; return 0; }
    /* NumPy takes the mean of the middle values: a sum starting from 0.0 (so -0.0 becomes 0.0). */
    *result = even ? ((0.0 + lo) + hi) / 2.0 : 0.0 + lo;
    return 0;
}

/* NumPy's _lerp. */
static inline double lerp(double a, double b, double t) {
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// Quantiles (q in [0, 1], nq of them, read with stride qstride doubles) of n strided
/// elements with NumPy's default linear method; results into out[0..nq).
int32_t swiftjit_np_quantile(SwiftJITContext *ctx, const char *data, int64_t n, int64_t stride, int64_t typenum,
                             const double *q, int64_t nq, int64_t qstride, int64_t percent, double *out) {
    for (int64_t j = 0; j < nq; j++) {
        double qq = q[j * qstride];
        if (!(qq >= 0.0 && qq <= (percent ? 100.0 : 1.0)))
            return raise_msg(ctx, &PyExc_ValueError,
                             percent ? "Percentiles must be in the range [0, 100]" : "Quantiles must be in the range [0, 1]");
    }
    if (n == 0) return raise_msg(ctx, &PyExc_IndexError, "index -1 is out of bounds for axis 0 with size 0");
    if (nq <= 4) {
        for (int64_t j = 0; j < nq; j++) {
            double qq = q[j * qstride];
            if (percent) qq = qq / 100.0;
            double vi = (double)(n - 1) * qq, prevf = floor(vi), gamma = vi - prevf;
            int64_t prev = (int64_t)prevf;
            int want_next = prev + 1 <= n - 1;
            if (vi >= (double)(n - 1)) { prev = n - 1; want_next = 0; }
            double a = 0.0, bnext = 0.0;
            int status = kth_pair(data, n, stride, typenum, prev, want_next, &a, &bnext);
            if (status < 0) return no_memory(ctx);
            if (status == 1) { for (int64_t i = 0; i < nq; i++) out[i] = NAN; return 0; }
            out[j] = lerp(a, want_next ? bnext : a, gamma);
        }
        return 0;
    }
    double *w;
    int64_t nans = gather_doubles(data, n, stride, typenum, &w);
    if (nans < 0) return no_memory(ctx);
    if (nans > 0) {
        for (int64_t j = 0; j < nq; j++) out[j] = NAN;
        free(w);
        return 0;
    }
    plain_f64_quicksort(w, n);  /* many quantiles: sort once */
    for (int64_t j = 0; j < nq; j++) {
        double qq = q[j * qstride];
        if (percent) qq = qq / 100.0;
        double vi = (double)(n - 1) * qq, prevf = floor(vi);
        int64_t prev = (int64_t)prevf, next = prev + 1;
        if (vi >= (double)(n - 1)) { prev = n - 1; next = n - 1; }
        if (next > n - 1) next = n - 1;
        out[j] = lerp(w[prev], w[next], vi - prevf);
    }
    free(w);
    return 0;
}

/// Sorts a contiguous copy and removes duplicates (NaNs collapse to one, as NumPy's
/// equal_nan=True); returns the number of unique elements, or -1 with ctx->exc set.
int64_t swiftjit_np_unique(SwiftJITContext *ctx, void *data, int64_t n, int64_t typenum) {
    if (swiftjit_np_sort(ctx, data, 1, n, typenum, 0) < 0) return -1;
    if (n == 0) return 0;
#define UNIQUE(T, SAME)                                                                    \
    do {                                                                                   \
        T *a = (T *)data; int64_t m = 1;                                                   \
        for (int64_t i = 1; i < n; i++) { if (!(SAME(a[i], a[m - 1]))) a[m++] = a[i]; }    \
        return m;                                                                          \
    } while (0)
#define SAME_INT(x, y) ((x) == (y))
#define SAME_FLT(x, y) ((x) == (y) || ((x) != (x) && (y) != (y)))
    switch (typenum) {
    case NT_BOOL: case NT_U8: UNIQUE(uint8_t, SAME_INT);
    case NT_I8: UNIQUE(int8_t, SAME_INT);
    case NT_I16: UNIQUE(int16_t, SAME_INT);
    case NT_U16: UNIQUE(uint16_t, SAME_INT);
    case NT_I32: UNIQUE(int32_t, SAME_INT);
    case NT_U32: UNIQUE(uint32_t, SAME_INT);
    case NT_I64: UNIQUE(int64_t, SAME_INT);
    case NT_U64: UNIQUE(uint64_t, SAME_INT);
    case NT_F32: UNIQUE(float, SAME_FLT);
    default: UNIQUE(double, SAME_FLT);
    }
}

/// Number of nonzero elements of an n-d strided array.
int64_t swiftjit_np_count_nonzero(const char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
                                  int64_t typenum, int64_t itemsize);
/* Walks an n-d strided array in C order calling BODY with pointer p and index vector idx. */
#define WALK(BODY)                                                                         \
    do {                                                                                   \
        int64_t total = 1;                                                                 \
        for (int64_t d = 0; d < ndim; d++) total *= shape[d];                              \
        int64_t idx[64] = {0};                                                             \
        for (int64_t flat = 0; flat < total; flat++) {                                     \
            const char *p = data;                                                          \
            for (int64_t d = 0; d < ndim; d++) p += idx[d] * strides[d];                   \
            BODY;                                                                          \
            for (int64_t d = ndim - 1; d >= 0; d--) {                                      \
                if (++idx[d] < shape[d]) break;                                            \
                idx[d] = 0;                                                                \
            }                                                                              \
        }                                                                                  \
    } while (0)

static inline int is_nonzero(const char *p, int64_t typenum, int64_t itemsize) {
    if (typenum == NT_F32) return *(const float *)p != 0.0f;
    if (typenum == NT_F64) return *(const double *)p != 0.0;
    if (typenum == 14) return ((const float *)p)[0] != 0.0f || ((const float *)p)[1] != 0.0f;
    if (typenum == 15) return ((const double *)p)[0] != 0.0 || ((const double *)p)[1] != 0.0;
    for (int64_t k = 0; k < itemsize; k++) if (p[k]) return 1;
    return 0;
}

int64_t swiftjit_np_count_nonzero(const char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
                                  int64_t typenum, int64_t itemsize) {
    int64_t count = 0;
    WALK(count += is_nonzero(p, typenum, itemsize));
    return count;
}

/// Fills outs[d][k] with the index along axis d of the k-th nonzero element.
void swiftjit_np_nonzero(const char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
                         int64_t typenum, int64_t itemsize, int64_t **outs) {
    int64_t k = 0;
    WALK(if (is_nonzero(p, typenum, itemsize)) { for (int64_t d = 0; d < ndim; d++) outs[d][k] = idx[d]; k++; });
}

/// np.searchsorted over a sorted 1-d strided array: NaN orders last.
int64_t swiftjit_np_searchsorted(const char *data, int64_t n, int64_t stride, int64_t typenum, double v,
                                 int64_t vi, int64_t v_is_int, int64_t right) {
    int64_t lo = 0, hi = n;
    int int_data = typenum != NT_F32 && typenum != NT_F64;
    while (lo < hi) {
        int64_t mid = lo + ((hi - lo) >> 1);
        const char *p = data + mid * stride;
        int go_right;
        if (int_data && v_is_int && typenum != NT_U64) {
            int64_t x;
            switch (typenum) {
            case NT_BOOL: case NT_U8: x = *(const uint8_t *)p; break;
            case NT_I8: x = *(const int8_t *)p; break;
            case NT_I16: x = *(const int16_t *)p; break;
            case NT_U16: x = *(const uint16_t *)p; break;
            case NT_I32: x = *(const int32_t *)p; break;
            case NT_U32: x = *(const uint32_t *)p; break;
            default: x = *(const int64_t *)p; break;
            }
            go_right = right ? (x <= vi) : (x < vi);
        } else {
            double x = load_double(p, typenum);
            double y = v_is_int ? (double)vi : v;
            /* NaN is larger than everything; NaN == NaN for ordering */
            int xn = x != x, yn = y != y;
            if (right) go_right = yn ? 1 : (xn ? 0 : x <= y);
            else go_right = yn ? !xn : (xn ? 0 : x < y);
        }
        if (go_right) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* ---------------------------------------------------------------- random numbers */

#define MT_N 624
#define MT_M 397

typedef struct {
    uint32_t key[MT_N];
    int pos;
    int has_gauss;
    double gauss;
    int ready;
} mt_state;

static _Thread_local mt_state np_state;  /* np.random.* */
static _Thread_local mt_state py_state;  /* random.* */

/* Fork safety (as Numba): a child process starts from fresh OS randomness instead of
 * repeating its parent's stream. Registered once, on the first use of a state. */
static void forget_states_in_child(void) { np_state.ready = 0; py_state.ready = 0; }
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void) { pthread_atfork(NULL, NULL, forget_states_in_child); }

static void mt_init_genrand(mt_state *st, uint32_t s) {
    pthread_once(&atfork_once, register_atfork);
    st->key[0] = s;
    for (int i = 1; i < MT_N; i++) st->key[i] = 1812433253U * (st->key[i - 1] ^ (st->key[i - 1] >> 30)) + (uint32_t)i;
    st->pos = MT_N;
    st->has_gauss = 0;
    st->gauss = 0.0;
    st->ready = 1;
}

static void mt_init_by_array(mt_state *st, const uint32_t *init_key, int64_t key_length) {
    mt_init_genrand(st, 19650218U);
    uint32_t *mt = st->key;
    int64_t i = 1, j = 0, k = MT_N > key_length ? MT_N : key_length;
    for (; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + init_key[j] + (uint32_t)j;
        i++; j++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
        if (j >= key_length) j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
    }
    mt[0] = 0x80000000U;
    st->pos = MT_N;
    st->has_gauss = 0;
}

static void mt_seed_randomly(mt_state *st) {
    uint32_t key[MT_N];
    ssize_t got = getrandom(key, sizeof key, 0);
    if (got != (ssize_t)sizeof key) {
        uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&key;
        for (int i = 0; i < MT_N; i++) { t = t * 6364136223846793005ULL + 1442695040888963407ULL; key[i] = (uint32_t)(t >> 32); }
    }
    mt_init_by_array(st, key, MT_N);
    st->ready = 1;
}

static void mt_generate(mt_state *st) {
    uint32_t *mt = st->key, y;
    int i;
    for (i = 0; i < MT_N - MT_M; i++) {
        y = (mt[i] & 0x80000000U) | (mt[i + 1] & 0x7fffffffU);
        mt[i] = mt[i + MT_M] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    for (; i < MT_N - 1; i++) {
        y = (mt[i] & 0x80000000U) | (mt[i + 1] & 0x7fffffffU);
        mt[i] = mt[i + (MT_M - MT_N)] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    y = (mt[MT_N - 1] & 0x80000000U) | (mt[0] & 0x7fffffffU);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    st->pos = 0;
}

static inline uint32_t mt_next32(mt_state *st) {
    if (__builtin_expect(!st->ready, 0)) mt_seed_randomly(st);
    if (st->pos >= MT_N) mt_generate(st);
    uint32_t y = st->key[st->pos++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

static inline uint64_t mt_next64(mt_state *st) {
    uint64_t hi = mt_next32(st);
    return (hi << 32) | mt_next32(st);
}

static inline double mt_double(mt_state *st) {
    int32_t a = (int32_t)(mt_next32(st) >> 5), b = (int32_t)(mt_next32(st) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

static double mt_gauss(mt_state *st) {
    if (st->has_gauss) {
        st->has_gauss = 0;
        double g = st->gauss;
        st->gauss = 0.0;
        return g;
    }
    double f, x1, x2, r2;
    do {
        x1 = 2.0 * mt_double(st) - 1.0;
        x2 = 2.0 * mt_double(st) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    f = sqrt(-2.0 * log(r2) / r2);
    st->gauss = f * x1;
    st->has_gauss = 1;
    return f * x2;
}

/* A uniform integer in [0, rng] by masked rejection (NumPy's legacy bounded integers). */
static inline uint64_t mt_bounded(mt_state *st, uint64_t rng) {
    if (rng == 0) return 0;
    uint64_t mask = rng;
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
    uint64_t v;
    if (rng <= 0xffffffffULL) {
        if (rng == 0xffffffffULL) return mt_next32(st);
        while ((v = (mt_next32(st) & mask)) > rng) {}
    } else {
        if (rng == 0xffffffffffffffffULL) return mt_next64(st);
        while ((v = (mt_next64(st) & mask)) > rng) {}
    }
    return v;
}

/// np.random.seed(s): NumPy's legacy seeding of an integer (init_genrand).
int32_t swiftjit_np_random_seed(SwiftJITContext *ctx, int64_t seed) {
    if (seed < 0 || seed > 0xffffffffLL) return raise_msg(ctx, &PyExc_ValueError, "Seed must be between 0 and 2**32 - 1");
    mt_init_genrand(&np_state, (uint32_t)seed);
    return 0;
}

/// random.seed(s): CPython seeds with init_by_array of |s|'s 32-bit words.
void swiftjit_py_random_seed(int64_t seed) {
    uint64_t u = seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed;
    uint32_t key[2] = { (uint32_t)u, (uint32_t)(u >> 32) };
    mt_init_by_array(&py_state, key, key[1] ? 2 : 1);
}

double swiftjit_np_random_sample(void) { return mt_double(&np_state); }

/// np.random.choice(a, size, p=p): NumPy's legacy checks of p[0..n) (float64) against the
/// population size pop (compensated sum, NaN, negative entries, sum within atol of 1), then
/// cdf[0..n) = cumsum(p) / its last entry. 0, or -1 with ctx->exc set.
int swiftjit_np_choice_cdf(SwiftJITContext *ctx, const double *p, int64_t n, int64_t pop, double atol, double *cdf) {
    if (n != pop) return raise_msg(ctx, &PyExc_ValueError, "'a' and 'p' must have same size");
    double sum = 0.0, c = 0.0;
    if (n > 0) sum = p[0];
    for (int64_t i = 1; i < n; i++) {
        double y = p[i] - c, t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    if (isnan(sum)) return raise_msg(ctx, &PyExc_ValueError, "probabilities contain NaN");
    for (int64_t i = 0; i < n; i++) {
        if (p[i] < 0) return raise_msg(ctx, &PyExc_ValueError, "probabilities are not non-negative");
    }
    if (fabs(sum - 1.0) > atol) return raise_msg(ctx, &PyExc_ValueError, "probabilities do not sum to 1");
    double acc = 0.0;
    for (int64_t i = 0; i < n; i++) { acc += p[i]; cdf[i] = acc; }
    for (int64_t i = 0; i < n; i++) cdf[i] /= acc;
    return 0;
}

/// The index choice(p=) draws for a uniform sample u: searchsorted(cdf, u, side="right").
int64_t swiftjit_np_choice_pick(const double *cdf, int64_t n, double u) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] <= u) lo = mid + 1; else hi = mid;
    }
    return lo;
}
double swiftjit_py_random_random(void) { return mt_double(&py_state); }
double swiftjit_np_random_gauss(void) { return mt_gauss(&np_state); }

/// random.gauss(mu, sigma) as CPython computes it (Box-Muller with a cached second value).
double swiftjit_py_random_gauss(double mu, double sigma) {
    double z;
    if (py_state.has_gauss) {
        z = py_state.gauss;
        py_state.has_gauss = 0;
    } else {
        double x2pi = mt_double(&py_state) * 6.283185307179586;
        double g2rad = sqrt(-2.0 * log(1.0 - mt_double(&py_state)));
        z = cos(x2pi) * g2rad;
        py_state.gauss = sin(x2pi) * g2rad;
        py_state.has_gauss = 1;
    }
    return mu + z * sigma;
}

/* CPython's getrandbits(k) for 0 < k <= 64. */
static uint64_t py_getrandbits(int k) {
    if (k <= 32) return mt_next32(&py_state) >> (32 - k);
    uint64_t lo = mt_next32(&py_state);
    uint64_t hi = mt_next32(&py_state) >> (64 - k);
    return lo | (hi << 32);
}

/// random.randint(a, b): a + _randbelow(b - a + 1) as CPython computes it.
int32_t swiftjit_py_random_randint(SwiftJITContext *ctx, int64_t a, int64_t b, int64_t *out) {
    if (b < a) return raise_msg(ctx, &PyExc_ValueError, "empty range for randrange()");
    uint64_t width = (uint64_t)b - (uint64_t)a + 1;
    if (width == 0) return raise_msg(ctx, &PyExc_OverflowError, "randint range too large");
    int k = 64 - __builtin_clzll(width);
    uint64_t r = py_getrandbits(k);
    while (r >= width) r = py_getrandbits(k);
    *out = (int64_t)((uint64_t)a + r);
    return 0;
}

/// np.random.randint(low, high) values into out[0..n): NumPy's legacy int64 stream.
int32_t swiftjit_np_random_randint(SwiftJITContext *ctx, int64_t low, int64_t high, int64_t *out, int64_t n) {
    if (low >= high) return raise_msg(ctx, &PyExc_ValueError, "low >= high");
    uint64_t rng = (uint64_t)(high - 1) - (uint64_t)low;
    for (int64_t i = 0; i < n; i++) out[i] = (int64_t)((uint64_t)low + mt_bounded(&np_state, rng));
    return 0;
}

/// Fills out[0..n) from NumPy's legacy stream: kind 0 random_sample, 1 uniform(a, b),
/// 2 normal(a, b) (b is the scale), 3 exponential(b) (b is the scale).
int32_t swiftjit_np_random_fill(SwiftJITContext *ctx, int64_t kind, double a, double b, double *out, int64_t n) {
    if ((kind == 2 || kind == 3) && b < 0) return raise_msg(ctx, &PyExc_ValueError, "scale < 0");
    switch (kind) {
    case 0: for (int64_t i = 0; i < n; i++) out[i] = mt_double(&np_state); break;
    case 1: { double r = b - a; for (int64_t i = 0; i < n; i++) out[i] = a + r * mt_double(&np_state); break; }
    case 3: for (int64_t i = 0; i < n; i++) out[i] = b * -log(1.0 - mt_double(&np_state)); break;
    default: for (int64_t i = 0; i < n; i++) out[i] = a + b * mt_gauss(&np_state); break;
    }
    return 0;
}

/// np.random.shuffle along the first axis: n rows of `rowbytes` bytes, `stride` apart
/// (NumPy's legacy Fisher-Yates, j = random_interval(i) for i = n-1 ... 1).
int32_t swiftjit_np_random_shuffle(SwiftJITContext *ctx, char *data, int64_t n, int64_t stride, int64_t rowbytes) {
    char small[64];
    char *tmp = rowbytes <= 64 ? small : (char *)malloc((size_t)rowbytes);
    if (!tmp) return no_memory(ctx);
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)mt_bounded(&np_state, (uint64_t)i);
        if (j == i) continue;
        char *pi = data + i * stride, *pj = data + j * stride;
        memcpy(tmp, pi, (size_t)rowbytes);
        memcpy(pi, pj, (size_t)rowbytes);
        memcpy(pj, tmp, (size_t)rowbytes);
    }
    if (tmp != small) free(tmp);
    return 0;
}

/// np.histogram with `bins` equal bins over [lo, hi] (or the data's range when !has_range):
/// counts (zeroed, bins int64) and edges (bins + 1 doubles), NumPy's binning rules.
int32_t swiftjit_np_histogram(SwiftJITContext *ctx, const char *data, int64_t n, int64_t stride, int64_t typenum,
                              int64_t bins, int64_t has_range, double lo, double hi, int64_t *counts, double *edges) {
    char msg[160];
    if (has_range) {
        if (lo > hi) return raise_msg(ctx, &PyExc_ValueError, "max must be larger than min in range parameter.");
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "supplied range of [%g, %g] is not finite", lo, hi);
            return raise_msg(ctx, &PyExc_ValueError, msg);
        }
    } else if (n == 0) {
        lo = 0.0; hi = 1.0;
    } else {
        lo = INFINITY; hi = -INFINITY;
        int nan = 0;
        for (int64_t i = 0; i < n; i++) {
            double x = load_double(data + i * stride, typenum);
            if (x != x) { nan = 1; break; }
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        if (nan || !isfinite(lo) || !isfinite(hi)) {
            if (nan) snprintf(msg, sizeof msg, "autodetected range of [nan, nan] is not finite");
            else snprintf(msg, sizeof msg, "autodetected range of [%g, %g] is not finite", lo, hi);
            return raise_msg(ctx, &PyExc_ValueError, msg);
        }
    }
    if (lo == hi) { lo -= 0.5; hi += 0.5; }
    double step = (hi - lo) / (double)bins;
    for (int64_t i = 0; i <= bins; i++) edges[i] = (double)i * step + lo;
    edges[bins] = hi;
    for (int64_t i = 0; i < bins; i++) {
        if (edges[i] >= edges[i + 1]) {
            snprintf(msg, sizeof msg, "Too many bins for data range. Cannot create %lld finite-sized bins.", (long long)bins);
            return raise_msg(ctx, &PyExc_ValueError, msg);
        }
    }
    double denom = hi - lo;
    for (int64_t i = 0; i < n; i++) {
        double x = load_double(data + i * stride, typenum);
        if (!(x >= lo && x <= hi)) continue;
        int64_t k = (int64_t)(((x - lo) / denom) * (double)bins);
        if (k == bins) k -= 1;
        if (x < edges[k]) k -= 1;
        if (x >= edges[k + 1] && k != bins - 1) k += 1;
        counts[k] += 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- symbol table */

void *swiftjit_nplib_symbol(int i, const char **name) {
#define SYM(k, f) case k: *name = #f; return (void *)&f;
    switch (i) {
    SYM(0, swiftjit_np_sort)
    SYM(1, swiftjit_np_argsort)
    SYM(2, swiftjit_np_median)
    SYM(3, swiftjit_np_quantile)
    SYM(4, swiftjit_np_unique)
    SYM(5, swiftjit_np_count_nonzero)
    SYM(6, swiftjit_np_nonzero)
    SYM(7, swiftjit_np_searchsorted)
    SYM(8, swiftjit_np_random_seed)
    SYM(9, swiftjit_py_random_seed)
    SYM(10, swiftjit_np_random_sample)
    SYM(11, swiftjit_py_random_random)
    SYM(12, swiftjit_np_random_gauss)
    SYM(13, swiftjit_py_random_randint)
    SYM(14, swiftjit_np_random_randint)
    SYM(15, swiftjit_np_random_fill)
    SYM(16, swiftjit_np_random_shuffle)
    SYM(17, swiftjit_np_histogram)
    SYM(18, swiftjit_py_random_gauss)
    SYM(19, swiftjit_np_choice_cdf)
    SYM(20, swiftjit_np_choice_pick)
    default: return NULL;
    }
#undef SYM
}
