/* Shared C definitions for every cylinalg kernel: status codes, dtypes, complex types,
 * overflow-checked aligned allocation.  Kernels never touch Python objects; they return a
 * status code and the Cython wrapper turns it into an exception. */
#ifndef CYLINALG_COMMON_H
#define CYLINALG_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  0 = success; negative = error; positive = kernel-specific "info"
 * (e.g. LU: 1-based index of the first zero pivot, LAPACK style). */
#define CYL_OK 0
#define CYL_ERR_NOMEM (-1)       /* allocation failed or size overflowed */
#define CYL_ERR_ARG (-2)         /* invalid argument reached the kernel (a bug upstream) */
#define CYL_ERR_INTERRUPTED (-3) /* SIGINT arrived during a long loop */
#define CYL_ERR_NOCONV (-4)      /* iteration cap reached without convergence */
#define CYL_ERR_SINGULAR (-5)    /* singular matrix where the operation needs it regular */

/* The four numeric dtypes, in the order used by every per-dtype table. */
typedef enum { CYL_F32 = 0, CYL_F64 = 1, CYL_C64 = 2, CYL_C128 = 3, CYL_NDTYPES = 4 } cyl_dtype;

/* Complex types, layout-compatible with numpy's complex64/complex128 (and C99 complex),
 * defined as structs so the code also builds where C99 complex is missing (MSVC). */
typedef struct { float re, im; } cyl_cf;
typedef struct { double re, im; } cyl_cd;

#if defined(_MSC_VER)
#define CYL_INLINE static __inline
#define CYL_RESTRICT __restrict
#define CYL_ALIGNED(n) __declspec(align(n))
#else
#define CYL_INLINE static inline
#define CYL_RESTRICT __restrict__
#define CYL_ALIGNED(n) __attribute__((aligned(n)))
#endif

#define CYL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CYL_MAX(a, b) ((a) > (b) ? (a) : (b))

/* 64-byte aligned allocation of count*size bytes; NULL on overflow or failure. */
void *cyl_aligned_alloc(size_t count, size_t size);
void cyl_aligned_free(void *p);

/* Workspace for blocked kernels: count*size bytes, 64-byte aligned (2 MiB aligned and advised
 * for huge pages when large), taken from a small cache of released blocks.  Give it back with
 * cyl_workspace_put.  NULL on overflow/failure. */
void *cyl_workspace_get(size_t count, size_t size);
void cyl_workspace_put(void *p);

/* Result arrays of at least CYL_OUTPUT_MIN_BYTES are allocated by these (numpy's memory-handler
 * signatures, ctx unused) from a cache of freed blocks holding at most the limit in all
 * (alloc.c; CYL_OUTPUT_DEFAULT_LIMIT until set; 0 turns it off and frees what it holds). */
#define CYL_OUTPUT_MIN_BYTES ((size_t)4 << 20)
#define CYL_OUTPUT_DEFAULT_LIMIT ((size_t)256 << 20)
void *cyl_output_malloc(void *ctx, size_t size);
void *cyl_output_calloc(void *ctx, size_t count, size_t size);
void *cyl_output_realloc(void *ctx, void *p, size_t size);
void cyl_output_free(void *ctx, void *p, size_t size);
size_t cyl_output_cache_limit(void);
void cyl_output_cache_set_limit(size_t bytes);
size_t cyl_output_cache_held(int *blocks); /* bytes held now, and in how many blocks */

/* Overflow-checked count*size; returns 0 on overflow (callers treat 0 as failure
 * only when count and size are both non-zero). */
CYL_INLINE int cyl_mul_overflows(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) return 1;
    *out = a * b;
    return 0;
}

#ifdef __cplusplus
}
#endif
#endif
