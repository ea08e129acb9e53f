"""LU family: lu, lu_factor, lu_solve, det, slogdet, inv, solve."""
__all__: list = []
