/* Choose the kernel table once: best level for this CPU, or the CYLINALG_ARCH override. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cylinalg/dispatch.h"

static cyl_kernel_table g_tables[CYL_ARCH_COUNT];
static const cyl_kernel_table *g_active = NULL;
static int g_requested = -1;
static char g_note[160] = "";

/* Fill the table of one level.  A level without its own kernel for a family inherits the
 * level below (so a new ISA can be added one family at a time). */
static void fill_table(cyl_arch arch, cyl_kernel_table *t) {
    if (arch == CYL_ARCH_REF) {
        memset(t, 0, sizeof(*t));
        cyl_gemm_ref_kernels(t->gemm);
    } else {
        *t = g_tables[arch - 1];
    }
    t->arch = arch;
    t->arch_name = cyl_arch_name(arch);
#if defined(__x86_64__) || defined(_M_X64)
    if (arch == CYL_ARCH_AVX2) {
        cyl_gemm_avx2_kernels(t->gemm);
        cyl_lu_lanes_avx2_kernels(t->lu_lanes);
        cyl_lu_getf2_avx2_kernels(t->lu_getf2, t->lu_solve_vec, t->lu_trsm);
    }
    if (arch == CYL_ARCH_AVX512) cyl_gemm_avx512_kernels(t->gemm, g_tables[CYL_ARCH_AVX2].gemm);
#endif
}

void cyl_dispatch_init(void) {
    if (g_active != NULL) return;
    cyl_cpu_init();
    for (int a = 0; a < CYL_ARCH_COUNT; a++) fill_table((cyl_arch)a, &g_tables[a]);
    cyl_arch best = cyl_cpu_best_arch();
    const char *env = getenv("CYLINALG_ARCH");
    cyl_arch use = best;
    if (env != NULL && env[0] != '\0' && strcmp(env, "auto") != 0) {
        int req = cyl_arch_from_name(env);
        if (req < 0) {
            snprintf(g_note, sizeof g_note,
                     "CYLINALG_ARCH=%.40s is not one of ref, avx2, avx512, auto; using %s", env,
                     cyl_arch_name(best));
        } else {
            g_requested = req;
            if ((cyl_arch)req > best)
                snprintf(g_note, sizeof g_note,
                         "CYLINALG_ARCH=%s is not supported by this CPU/build; using %s", env,
                         cyl_arch_name(best));
            else
                use = (cyl_arch)req;
        }
    }
    g_active = &g_tables[use];
}

const cyl_kernel_table *cyl_kernels(void) {
    if (g_active == NULL) cyl_dispatch_init();
    return g_active;
}

cyl_arch cyl_dispatch_set_arch(cyl_arch requested) {
    cyl_dispatch_init();
    cyl_arch best = cyl_cpu_best_arch();
    if (requested < 0) requested = CYL_ARCH_REF;
    if (requested > best) requested = best;
    g_active = &g_tables[requested];
    return requested;
}

int cyl_gemm_set_blocking(int dtype, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc) {
    cyl_dispatch_init();
    if (dtype < 0 || dtype >= CYL_NDTYPES || kc < 1 || mc < 1 || nc < 1 || kc > 4096 ||
        mc > 4096 || nc > 65536)
        return CYL_ERR_ARG;
    cyl_gemm_kernel *k = &g_tables[g_active->arch].gemm[dtype];
    k->mc = (mc + k->mr - 1) / k->mr * k->mr;
    k->kc = kc;
    k->nc = (nc + k->nr - 1) / k->nr * k->nr;
    return CYL_OK;
}

int cyl_dispatch_requested(void) {
    cyl_dispatch_init();
    return g_requested;
}

const char *cyl_dispatch_note(void) {
    cyl_dispatch_init();
    return g_note;
}
