"""Placeholder: filled in by its resource."""
ROUTES = []
