"""Ground-level parsing tools: YAML with source positions, shape checks, what a file may hold."""
