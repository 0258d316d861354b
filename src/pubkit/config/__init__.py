"""The manifest: its schema, and its paths resolved inside the manifest's folder."""
