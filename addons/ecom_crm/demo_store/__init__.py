"""Demo store generator: a realistic Russian online store at any scale, in bulk SQL."""
from .generator import SCALES, DemoStoreGenerator
