"""Paged outputs (screen and print PDF): vendor facts, page geometry, and post-processing."""
