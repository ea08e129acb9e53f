/* Instantiate a template once per type code s, d, c, z (see scalar.h):
 *
 *   #define CYL_TEMPLATE "area/foo.tmpl.h"   (a path under csrc/; optionally CYL_TEMPLATE_2 too)
 *   #include "cylinalg/instantiate.h"
 *
 * No include guard: a file may instantiate several templates. */
#ifndef CYL_TEMPLATE
#error "define CYL_TEMPLATE before including cylinalg/instantiate.h"
#endif

#define TC s
#include CYL_TEMPLATE
#ifdef CYL_TEMPLATE_2
#include CYL_TEMPLATE_2
#endif
#undef TC
#define TC d
#include CYL_TEMPLATE
#ifdef CYL_TEMPLATE_2
#include CYL_TEMPLATE_2
#endif
#undef TC
#define TC c
#include CYL_TEMPLATE
#ifdef CYL_TEMPLATE_2
#include CYL_TEMPLATE_2
#endif
#undef TC
#define TC z
#include CYL_TEMPLATE
#ifdef CYL_TEMPLATE_2
#include CYL_TEMPLATE_2
#endif
#undef TC

#undef CYL_TEMPLATE
#undef CYL_TEMPLATE_2
