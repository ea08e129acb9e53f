"""Compiled kernels (one extension module, ``_kernels``, so the dispatch table and the thread
budget exist once per process)."""
