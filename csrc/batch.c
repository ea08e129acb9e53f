#include <string.h>
#include "cylinalg/batch.h"

int cyl_batch_broadcast(cyl_batch *it, int nops, const int *ndims,
                        const ptrdiff_t *const *shapes, const ptrdiff_t *const *strides) {
    int nd = 0;
    if (nops < 1 || nops > CYL_BATCH_MAXOPS) return CYL_ERR_ARG;
    for (int op = 0; op < nops; op++) nd = ndims[op] > nd ? ndims[op] : nd;
    if (nd > CYL_BATCH_MAXDIMS) return CYL_ERR_ARG;
    memset(it, 0, sizeof(*it));
    it->ndim = nd;
    it->nops = nops;
    it->count = 1;
    for (int d = 0; d < nd; d++) {
        ptrdiff_t size = 1;
        for (int op = 0; op < nops; op++) {
            int od = d - (nd - ndims[op]); /* right-aligned, as numpy broadcasts */
            if (od < 0) continue;
            ptrdiff_t s = shapes[op][od];
            if (s == 1) continue;
            if (size != 1 && s != size) return CYL_ERR_ARG;
            size = s;
        }
        it->shape[d] = size;
        for (int op = 0; op < nops; op++) {
            int od = d - (nd - ndims[op]);
            it->strides[op][d] = (od < 0 || shapes[op][od] == 1) ? 0 : strides[op][od];
        }
        if (size != 0 && it->count > PTRDIFF_MAX / size) return CYL_ERR_NOMEM;
        it->count *= size;
    }
    return CYL_OK;
}

void cyl_batch_set_contiguous(cyl_batch *it, int op, ptrdiff_t matrix_bytes) {
    ptrdiff_t s = matrix_bytes;
    for (int d = it->ndim - 1; d >= 0; d--) {
        it->strides[op][d] = it->shape[d] == 1 ? 0 : s;
        s *= it->shape[d];
    }
}
