"""The stream engine: Threefry-2x32, the counter layout, and the arithmetic interface samplers are written against."""
