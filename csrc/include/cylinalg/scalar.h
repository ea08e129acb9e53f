/* Per-dtype scalar types and operations, for writing a kernel once and instantiating it for
 * float32 (s), float64 (d), complex64 (c) and complex128 (z), BLAS style.
 *
 * A template file uses TC (the type code, one of s d c z, defined by the includer) with
 *   T        the element type           R      the matching real type
 *   FN(x)    x##_##TC (function names)  OP(x)  cyl_##TC##_x (the scalar ops below)
 *   CYL_IS_COMPLEX(TC)  0/1
 * and is included once per type code:
 *   #define TC d
 *   #include "foo.tmpl.h"
 *   #undef TC
 */
#ifndef CYLINALG_SCALAR_H
#define CYLINALG_SCALAR_H

#include <math.h>
#include "cylinalg/common.h"

#define CYL_CAT2_(a, b) a##b
#define CYL_CAT2(a, b) CYL_CAT2_(a, b)
#define CYL_CAT3_(a, b, c) a##b##c
#define CYL_CAT3(a, b, c) CYL_CAT3_(a, b, c)

typedef float cyl_s_t;
typedef double cyl_d_t;
typedef cyl_cf cyl_c_t;
typedef cyl_cd cyl_z_t;
typedef float cyl_s_r;
typedef double cyl_d_r;
typedef float cyl_c_r;
typedef double cyl_z_r;
#define cyl_s_is_complex 0
#define cyl_d_is_complex 0
#define cyl_c_is_complex 1
#define cyl_z_is_complex 1
#define cyl_s_dtype CYL_F32
#define cyl_d_dtype CYL_F64
#define cyl_c_dtype CYL_C64
#define cyl_z_dtype CYL_C128

#define T CYL_CAT3(cyl_, TC, _t)
#define R CYL_CAT3(cyl_, TC, _r)
#define FN(name) CYL_CAT3(name, _, TC)
#define OP(name) CYL_CAT3(cyl_, TC, CYL_CAT2(_, name))
#define IS_COMPLEX CYL_CAT3(cyl_, TC, _is_complex)
#define DTYPE CYL_CAT3(cyl_, TC, _dtype)

/* Real ops (s, d). */
#define CYL_REAL_OPS(tc, t, sqrtf_, fabsf_)                                               \
    CYL_INLINE t cyl_##tc##_zero(void) { return (t)0; }                                     \
    CYL_INLINE t cyl_##tc##_one(void) { return (t)1; }                                      \
    CYL_INLINE t cyl_##tc##_from_real(t r) { return r; }                                    \
    CYL_INLINE t cyl_##tc##_add(t a, t b) { return a + b; }                                 \
    CYL_INLINE t cyl_##tc##_sub(t a, t b) { return a - b; }                                 \
    CYL_INLINE t cyl_##tc##_mul(t a, t b) { return a * b; }                                 \
    CYL_INLINE t cyl_##tc##_div(t a, t b) { return a / b; }                                 \
    CYL_INLINE t cyl_##tc##_neg(t a) { return -a; }                                         \
    CYL_INLINE t cyl_##tc##_conj(t a) { return a; }                                         \
    CYL_INLINE t cyl_##tc##_scale(t a, t r) { return a * r; }                               \
    CYL_INLINE t cyl_##tc##_fma(t acc, t a, t b) { return acc + a * b; }  /* acc + a*b */   \
    CYL_INLINE t cyl_##tc##_fmac(t acc, t a, t b) { return acc + a * b; } /* acc + conj(a)*b */ \
    CYL_INLINE t cyl_##tc##_re(t a) { return a; }                                           \
    CYL_INLINE t cyl_##tc##_im(t a) { (void)a; return (t)0; }                               \
    CYL_INLINE t cyl_##tc##_abs(t a) { return fabsf_(a); }                                  \
    CYL_INLINE t cyl_##tc##_abs1(t a) { return fabsf_(a); } /* |re|+|im|, LAPACK's pivot score */ \
    CYL_INLINE t cyl_##tc##_abs2(t a) { return a * a; }                                     \
    CYL_INLINE int cyl_##tc##_is_zero(t a) { return a == (t)0; }                            \
    CYL_INLINE int cyl_##tc##_isfinite(t a) { return isfinite(a); }

CYL_REAL_OPS(s, float, sqrtf, fabsf)
CYL_REAL_OPS(d, double, sqrt, fabs)

/* Complex ops (c, z). abs uses hypot, which scales to avoid overflow. */
#define CYL_COMPLEX_OPS(tc, t, r, hypot_, fabs_)                                            \
    CYL_INLINE t cyl_##tc##_zero(void) { t z = {(r)0, (r)0}; return z; }                    \
    CYL_INLINE t cyl_##tc##_one(void) { t z = {(r)1, (r)0}; return z; }                     \
    CYL_INLINE t cyl_##tc##_from_real(r x) { t z = {x, (r)0}; return z; }                   \
    CYL_INLINE t cyl_##tc##_add(t a, t b) { t z = {a.re + b.re, a.im + b.im}; return z; }   \
    CYL_INLINE t cyl_##tc##_sub(t a, t b) { t z = {a.re - b.re, a.im - b.im}; return z; }   \
    CYL_INLINE t cyl_##tc##_mul(t a, t b) {                                                 \
        t z = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; return z; }           \
    CYL_INLINE t cyl_##tc##_div(t a, t b) { /* Smith's algorithm: no spurious overflow */   \
        t z; r rr, d;                                                                       \
        if (fabs_(b.re) >= fabs_(b.im)) {                                                   \
            if (b.re == (r)0 && b.im == (r)0) { z.re = a.re / b.re; z.im = a.im / b.re; return z; } \
            rr = b.im / b.re; d = b.re + b.im * rr;                                         \
            z.re = (a.re + a.im * rr) / d; z.im = (a.im - a.re * rr) / d;                   \
        } else {                                                                            \
            rr = b.re / b.im; d = b.re * rr + b.im;                                         \
            z.re = (a.re * rr + a.im) / d; z.im = (a.im * rr - a.re) / d;                   \
        }                                                                                   \
        return z; }                                                                         \
    CYL_INLINE t cyl_##tc##_neg(t a) { t z = {-a.re, -a.im}; return z; }                    \
    CYL_INLINE t cyl_##tc##_conj(t a) { t z = {a.re, -a.im}; return z; }                    \
    CYL_INLINE t cyl_##tc##_scale(t a, r x) { t z = {a.re * x, a.im * x}; return z; }       \
    CYL_INLINE t cyl_##tc##_fma(t acc, t a, t b) {                                          \
        acc.re += a.re * b.re - a.im * b.im; acc.im += a.re * b.im + a.im * b.re; return acc; } \
    CYL_INLINE t cyl_##tc##_fmac(t acc, t a, t b) {                                         \
        acc.re += a.re * b.re + a.im * b.im; acc.im += a.re * b.im - a.im * b.re; return acc; } \
    CYL_INLINE r cyl_##tc##_re(t a) { return a.re; }                                        \
    CYL_INLINE r cyl_##tc##_im(t a) { return a.im; }                                        \
    CYL_INLINE r cyl_##tc##_abs(t a) { return hypot_(a.re, a.im); }                         \
    CYL_INLINE r cyl_##tc##_abs1(t a) { return fabs_(a.re) + fabs_(a.im); }                 \
    CYL_INLINE r cyl_##tc##_abs2(t a) { return a.re * a.re + a.im * a.im; }                 \
    CYL_INLINE int cyl_##tc##_is_zero(t a) { return a.re == (r)0 && a.im == (r)0; }         \
    CYL_INLINE int cyl_##tc##_isfinite(t a) { return isfinite(a.re) && isfinite(a.im); }

CYL_COMPLEX_OPS(c, cyl_cf, float, hypotf, fabsf)
CYL_COMPLEX_OPS(z, cyl_cd, double, hypot, fabs)

#endif
