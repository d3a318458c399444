"""Any other array-API library (array-api-strict, CuPy, ...): the reference engine as it is."""

from .backend import ArrayAPIBackend as ArrayAPIBackend
