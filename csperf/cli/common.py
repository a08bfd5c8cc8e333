"""Helpers shared by the sub-commands."""

from __future__ import annotations

import sys
from pathlib import Path


class CliError(Exception):
    """An error the user can act on; printed as one line, exit code 2 by default."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file (BOM tolerated) or fail with the file's name."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{p}: is a directory, not a file") from None
    except OSError as exc:
        raise CliError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{p}: not UTF-8 text (byte {exc.start})") from None


def write_output(data: bytes | str, output: str | None) -> None:
    """Write to a file, or to standard output when no file is named."""
    if output is None or output == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    try:
        Path(output).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"{output}: cannot write: {exc.strerror}") from None
