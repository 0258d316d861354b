"""Printing facts: the vendors' numbers, page geometry, the output profiles. Data and arithmetic
only, read by the manifest, the theme, the preflight and the paged editions alike."""
