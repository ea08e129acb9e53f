/* The kernel table: which implementation of each kernel family runs, chosen once from the
 * CPU features and the CYLINALG_ARCH override (BLIS's "context").  Portable loops call the
 * ISA-specific micro-kernels only through this table. */
#ifndef CYLINALG_DISPATCH_H
#define CYLINALG_DISPATCH_H

#include "cylinalg/common.h"
#include "cylinalg/cpu_features.h"
#include "cylinalg/gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cyl_kernel_table {
    cyl_arch arch;         /* level actually in use */
    const char *arch_name; /* "ref", "avx2", ... */
    /* GEMM micro-kernels and their blocking, one entry per cyl_dtype. */
    cyl_gemm_kernel gemm[CYL_NDTYPES];
} cyl_kernel_table;

/* Select the table (idempotent).  Reads CYLINALG_ARCH; an unknown name or a level the CPU
 * lacks falls back to the best supported level and is reported by cyl_dispatch_note(). */
void cyl_dispatch_init(void);
/* The table in use.  Never NULL after cyl_dispatch_init(). */
const cyl_kernel_table *cyl_kernels(void);
/* Switch level at run time (tests).  Returns the level in use afterwards.  Not thread-safe
 * against running kernels: call it only while no kernel runs. */
cyl_arch cyl_dispatch_set_arch(cyl_arch requested);
/* Tuning hook (benchmarks, tests): the GEMM blocking of one dtype in the table in use (mc and nc
 * rounded up to the micro-tile).  CYL_ERR_ARG for out-of-range values.  Not thread-safe against
 * running kernels; a later set_arch does not undo it. */
int cyl_gemm_set_blocking(int dtype, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc);
/* Arch requested through CYLINALG_ARCH, or -1 if unset/"auto". */
int cyl_dispatch_requested(void);
/* Human-readable note about the override ("" when none). */
const char *cyl_dispatch_note(void);

#ifdef __cplusplus
}
#endif
#endif
