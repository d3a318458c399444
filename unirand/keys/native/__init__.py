"""Native key kinds: NumPy SeedSequences, torch Generators and JAX keys of other impls behind the Key protocol."""
