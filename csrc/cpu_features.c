/* CPU feature detection: CPUID for the instruction sets, XGETBV for whether the OS saves the
 * wide registers (a CPU with AVX under an OS that does not save YMM state must not use it). */
#include <string.h>
#include "cylinalg/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#define CYL_X86_64 1
#define CYL_HAVE_AVX512_KERNELS 1 /* setup.py builds the *_avx512.c files on every x86-64 target */
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

static int g_initialised = 0;
static unsigned g_features = 0;
static char g_brand[64] = "";

#ifdef CYL_X86_64
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
    int regs[4];
    __cpuidex(regs, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++) r[i] = (unsigned)regs[i];
#else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

static unsigned long long xgetbv0(void) {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
#endif
}

static unsigned detect(void) {
    unsigned r[4], f = CYL_CPU_SSE2; /* baseline on x86-64 */
    cpuid(0, 0, r);
    unsigned max_leaf = r[0];
    cpuid(1, 0, r);
    int osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1, fma = (r[2] >> 12) & 1;
    if (!osxsave) return f;
    unsigned long long xcr0 = xgetbv0();
    int ymm_ok = (xcr0 & 0x6) == 0x6;    /* XMM + YMM state */
    int zmm_ok = (xcr0 & 0xE6) == 0xE6;  /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (!ymm_ok) return f;
    if (avx) f |= CYL_CPU_AVX;
    if (fma) f |= CYL_CPU_FMA;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        if ((r[1] >> 5) & 1) f |= CYL_CPU_AVX2;
        if (zmm_ok) {
            if ((r[1] >> 16) & 1) f |= CYL_CPU_AVX512F;
            if ((r[1] >> 17) & 1) f |= CYL_CPU_AVX512DQ;
            if ((r[1] >> 30) & 1) f |= CYL_CPU_AVX512BW;
            if ((r[1] >> 31) & 1) f |= CYL_CPU_AVX512VL;
        }
    }
    /* brand string, leaves 0x80000002..4 */
    cpuid(0x80000000u, 0, r);
    if (r[0] >= 0x80000004u) {
        unsigned b[12];
        for (unsigned i = 0; i < 3; i++) cpuid(0x80000002u + i, 0, b + 4 * i);
        memcpy(g_brand, b, 48);
        g_brand[48] = '\0';
    }
    return f;
}
#else
static unsigned detect(void) {
#if defined(__aarch64__) || defined(_M_ARM64)
    return CYL_CPU_NEON; /* baseline on arm64 */
#else
    return 0;
#endif
}
#endif

void cyl_cpu_init(void) {
    if (g_initialised) return;
    g_features = detect();
    g_initialised = 1;
}

unsigned cyl_cpu_features(void) {
    cyl_cpu_init();
    return g_features;
}

cyl_arch cyl_cpu_best_arch(void) {
    unsigned f = cyl_cpu_features();
#ifdef CYL_X86_64
    const unsigned avx2 = CYL_CPU_AVX | CYL_CPU_AVX2 | CYL_CPU_FMA;
    const unsigned avx512 = avx2 | CYL_CPU_AVX512F | CYL_CPU_AVX512DQ | CYL_CPU_AVX512BW | CYL_CPU_AVX512VL;
#ifdef CYL_HAVE_AVX512_KERNELS
    if ((f & avx512) == avx512) return CYL_ARCH_AVX512;
#else
    (void)avx512;
#endif
    if ((f & avx2) == avx2) return CYL_ARCH_AVX2;
#else
    (void)f;
#endif
    return CYL_ARCH_REF;
}

static const char *const g_arch_names[CYL_ARCH_COUNT] = {"ref", "avx2", "avx512"};

const char *cyl_arch_name(cyl_arch arch) {
    return (arch >= 0 && arch < CYL_ARCH_COUNT) ? g_arch_names[arch] : "unknown";
}

int cyl_arch_from_name(const char *name) {
    if (name == NULL) return -1;
    for (int i = 0; i < CYL_ARCH_COUNT; i++)
        if (strcmp(name, g_arch_names[i]) == 0) return i;
    return -1;
}

const char *cyl_cpu_brand(void) {
    cyl_cpu_init();
    return g_brand;
}
