# LU family kernels: filled by the LU work.
