"""NumPy: the default backend (its binding, its chunked hash, its fast ``erf_inv``)."""

from .backend import BACKEND as BACKEND, NumpyBackend as NumpyBackend
