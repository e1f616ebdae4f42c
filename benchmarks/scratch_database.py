"""A throwaway database for the benchmarks that need Django: a new SQLite file and var/ folder
in a temporary directory, migrated and loaded with the shipped reference data."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_database() -> Iterator[Path]:
    """Set up Django on a fresh SQLite database with the reference data; yields its folder.
    Call before anything imports Django's settings."""
    with tempfile.TemporaryDirectory(prefix="imvo-bench-") as folder:
        os.environ["IMVO_VAR_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imvo.web.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from imvo.web.registry.services import reference_load

        call_command("migrate", verbosity=0)
        reference_load()
        yield Path(folder)
