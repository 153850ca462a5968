import os

# Tests share two cores; one BLAS/torch thread per process keeps them predictable.
os.environ.setdefault("OMP_NUM_THREADS", "1")
