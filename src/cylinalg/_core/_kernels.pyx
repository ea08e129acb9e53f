# cython: language_level=3
"""cylinalg's compiled core: thin typed wrappers over the C kernels in csrc/.

Each wrapper receives arrays already validated by the Python layer (dtype one of the four
kernel dtypes, aligned, whole-element strides), releases the GIL, calls one C kernel and turns
its status code into an exception.  The module is split into one include file per area.
"""
include "_common.pxi"
include "_runtime.pxi"
include "_gemm.pxi"
include "_blas1.pxi"
include "_lu.pxi"
include "_testing.pxi"
