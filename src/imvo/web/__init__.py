"""The Django project: one app per domain area."""
