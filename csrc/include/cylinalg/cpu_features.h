/* CPU feature detection, done once, plus the CYLINALG_ARCH override. */
#ifndef CYLINALG_CPU_FEATURES_H
#define CYLINALG_CPU_FEATURES_H
#ifdef __cplusplus
extern "C" {
#endif

/* Feature bits. */
#define CYL_CPU_SSE2 (1u << 0)
#define CYL_CPU_AVX (1u << 1)
#define CYL_CPU_AVX2 (1u << 2)
#define CYL_CPU_FMA (1u << 3)
#define CYL_CPU_AVX512F (1u << 4)
#define CYL_CPU_AVX512DQ (1u << 5)
#define CYL_CPU_AVX512BW (1u << 6)
#define CYL_CPU_AVX512VL (1u << 7)
#define CYL_CPU_NEON (1u << 8)

/* Kernel levels, ordered: a higher level runs only where every lower one would. */
typedef enum {
    CYL_ARCH_REF = 0,    /* portable C, always built: fallback and test oracle */
    CYL_ARCH_AVX2 = 1,   /* x86-64 AVX2 + FMA */
    CYL_ARCH_AVX512 = 2, /* x86-64 AVX-512 F/DQ/BW/VL */
    CYL_ARCH_COUNT = 3
} cyl_arch;

/* Detect once (idempotent; call under the GIL at import). */
void cyl_cpu_init(void);
unsigned cyl_cpu_features(void);
/* Best level this CPU and OS support, and that this build contains. */
cyl_arch cyl_cpu_best_arch(void);
const char *cyl_arch_name(cyl_arch arch);
/* Parse a level name ("ref", "avx2", "avx512", "auto"); -1 if unknown. */
int cyl_arch_from_name(const char *name);
/* CPU brand/vendor string (may be empty). */
const char *cyl_cpu_brand(void);

#ifdef __cplusplus
}
#endif
#endif
