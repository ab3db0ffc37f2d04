"""Helpers shared by the tests: people with roles, the access matrix."""
