"""Configuration: YAML with source positions, and the manifest schema."""
