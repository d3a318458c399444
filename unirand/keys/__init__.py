"""Keys: the Key protocol, the portable key's data, native key kinds, as_key, serialization, reuse checking and argument validation."""
