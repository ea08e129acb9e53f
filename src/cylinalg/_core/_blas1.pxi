# Vector kernels (dot, norms, ...): filled by the Foundation work.
