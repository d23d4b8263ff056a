"""Audit: search, history and replay, verification, exports and reports."""
