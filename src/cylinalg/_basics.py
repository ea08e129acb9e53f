"""Vector and matrix basics: dot, vdot, inner, outer, norms, distances, angles, predicates."""
__all__: list = []
