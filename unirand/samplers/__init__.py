"""Samplers: one module per jax.random family, each written once for every backend."""
