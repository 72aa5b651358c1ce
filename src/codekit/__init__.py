"""codekit: service-code taxonomy and intake-simplification toolkit for a city's 311."""

__version__ = "0.1.0"
