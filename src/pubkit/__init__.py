"""pubkit: Markdown texts and YAML manifests to valid, reproducible books."""

__version__ = "0.1.0"
