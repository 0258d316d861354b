"""Checks of finished outputs, reported as the same Diagnostic type as everything else."""
