"""Exact and teaching functions: minors, cofactors, adjugate, Laplace and Bareiss determinants."""
__all__: list = []
