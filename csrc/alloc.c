#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include "cylinalg/common.h"

#if defined(_MSC_VER)
#include <malloc.h>
#endif

void *cyl_aligned_alloc(size_t count, size_t size) {
    size_t bytes;
    if (cyl_mul_overflows(count, size, &bytes)) return NULL;
    if (bytes == 0) bytes = 64;
    bytes = (bytes + 63) & ~(size_t)63;
    if (bytes == 0) return NULL; /* rounding overflowed */
#if defined(_MSC_VER)
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return p;
#endif
}

void cyl_aligned_free(void *p) {
#if defined(_MSC_VER)
    _aligned_free(p);
#else
    free(p);
#endif
}
