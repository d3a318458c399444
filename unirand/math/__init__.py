"""Exactly reproduced elementary functions: one specification per function, shared by all backends."""
