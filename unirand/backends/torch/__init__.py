"""PyTorch: the reference engine with words in int64, and a fast in-place hash in int32."""

from .backend import BACKEND as BACKEND, TorchBackend as TorchBackend
