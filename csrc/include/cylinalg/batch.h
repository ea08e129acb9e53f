/* Iterating over the stacked ("batch") dimensions of up to CYL_BATCH_MAXOPS operands with
 * numpy broadcasting, without copies.  Batch strides are in BYTES (numpy's), so operands of
 * any dtype can share one iterator; core (matrix) strides stay in elements in the kernels.
 *
 *   cyl_batch it;
 *   if (cyl_batch_broadcast(&it, nops, ndims, shapes, strides) != CYL_OK) -> shapes mismatch
 *   for (ptrdiff_t t = 0; t < it.count; t++, cyl_batch_next(&it))
 *       use (char *)base[op] + it.offset[op]
 */
#ifndef CYLINALG_BATCH_H
#define CYLINALG_BATCH_H

#include "cylinalg/common.h"

#define CYL_BATCH_MAXDIMS 64
#define CYL_BATCH_MAXOPS 4

typedef struct cyl_batch {
    int ndim, nops;
    ptrdiff_t count; /* number of matrices in the broadcast batch */
    ptrdiff_t shape[CYL_BATCH_MAXDIMS];
    ptrdiff_t strides[CYL_BATCH_MAXOPS][CYL_BATCH_MAXDIMS];
    ptrdiff_t index[CYL_BATCH_MAXDIMS];
    ptrdiff_t offset[CYL_BATCH_MAXOPS];
} cyl_batch;

/* Broadcast the batch shapes (ndims[op] leading dims of shapes[op], strides[op] in bytes).
 * Returns CYL_OK, CYL_ERR_ARG if they do not broadcast (or too many dims), CYL_ERR_NOMEM if
 * the element count overflows. */
int cyl_batch_broadcast(cyl_batch *it, int nops, const int *ndims,
                        const ptrdiff_t *const *shapes, const ptrdiff_t *const *strides);

/* Set operand op's strides from a C-contiguous array of shape it->shape (e.g. an output
 * allocated with the broadcast shape); matrix_bytes is the size of one core block. */
void cyl_batch_set_contiguous(cyl_batch *it, int op, ptrdiff_t matrix_bytes);

/* Odometer step: advance index and offsets to the next matrix. */
CYL_INLINE void cyl_batch_next(cyl_batch *it) {
    for (int d = it->ndim - 1; d >= 0; d--) {
        it->index[d]++;
        for (int op = 0; op < it->nops; op++) it->offset[op] += it->strides[op][d];
        if (it->index[d] < it->shape[d]) return;
        for (int op = 0; op < it->nops; op++) it->offset[op] -= it->strides[op][d] * it->shape[d];
        it->index[d] = 0;
    }
}

/* Exchange the roles of operands x and y (C^T = B^T A^T walks B's matrices as its "A"). */
CYL_INLINE void cyl_batch_swap_operands(cyl_batch *it, int x, int y) {
    ptrdiff_t t = it->offset[x];
    it->offset[x] = it->offset[y];
    it->offset[y] = t;
    for (int d = 0; d < it->ndim; d++) {
        t = it->strides[x][d];
        it->strides[x][d] = it->strides[y][d];
        it->strides[y][d] = t;
    }
}

/* Offsets of matrix number t (random access, for splitting a batch across threads). */
CYL_INLINE void cyl_batch_seek(const cyl_batch *it, ptrdiff_t t, ptrdiff_t *offsets) {
    for (int op = 0; op < it->nops; op++) offsets[op] = 0;
    for (int d = it->ndim - 1; d >= 0; d--) {
        ptrdiff_t i = t % it->shape[d];
        t /= it->shape[d];
        for (int op = 0; op < it->nops; op++) offsets[op] += i * it->strides[op][d];
    }
}

/* An iterator over matrices [t0, t1) of `it` (which must be at its start), for loops that
 * walk whole rows of the innermost batch dimension (CYL_STACK_LOOP): with one batch dimension
 * any range works; with more, t0 and t1 must be multiples of the innermost extent. */
CYL_INLINE void cyl_batch_slice(const cyl_batch *it, ptrdiff_t t0, ptrdiff_t t1, cyl_batch *out) {
    *out = *it;
    out->count = t1 - t0;
    if (it->ndim == 1) {
        out->shape[0] = t1 - t0;
        out->index[0] = 0;
        for (int op = 0; op < it->nops; op++) out->offset[op] = t0 * it->strides[op][0];
        return;
    }
    for (int op = 0; op < it->nops; op++) out->offset[op] = 0;
    for (int d = it->ndim - 1; d >= 0; d--) {
        ptrdiff_t i = t0 % it->shape[d];
        t0 /= it->shape[d];
        out->index[d] = i;
        for (int op = 0; op < it->nops; op++) out->offset[op] += i * it->strides[op][d];
    }
}

#endif
