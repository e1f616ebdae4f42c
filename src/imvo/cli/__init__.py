"""The `imvo` command: serve the web app, load data, and answer parliament's questions.

Commands parse their input, call one selector or service, and render the result as a table,
CSV or JSON. Bad input ends with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from imvo.cli import publication, registry, suppliers, users, work  # noqa: F401  (register commands)
from imvo.cli.base import cli, fail, one_line

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: exit 2 with one line for bad input, never a traceback."""
    from imvo.core.errors import ImvoError

    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="imvo", standalone_mode=False
        )
    except click.UsageError as error:
        fail(error.format_message())
    except click.ClickException as error:
        fail(error.format_message(), code=error.exit_code if error.exit_code != 1 else 1)
    except click.Abort:
        fail("aborted", code=130)
    except ImvoError as error:
        fail(one_line(error))
    except Exception as error:  # the database settings themselves may be broken
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(error, ImproperlyConfigured):
            fail(f"configuration: {one_line(error)}", code=1)
        raise
    sys.exit(code if isinstance(code, int) else 0)
