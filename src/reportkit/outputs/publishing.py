"""Publishing a build: it is written to a staging folder beside the output, which replaces the
output only once complete, so a failed or killed build never damages the last good site."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportkit.errors import OutputError


@contextmanager
def staging_dir(output: Path) -> Iterator[Path]:
    """A fresh folder beside `output` to build into; removed unless published. A file that
    cannot be written there (full disk, read-only folder) stops the build as an OutputError.
    What a killed build left behind is tidied first (see :func:`recover`)."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        recover(output)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.build-{os.getpid()}-", dir=output.parent))
    except OSError as err:
        raise OutputError(f"cannot create a staging folder here: {err.strerror or err}", output.parent) from None
    try:
        yield staging
    except OSError as err:
        raise OutputError(f"cannot write the site: {_reason(err)}; the previous site is unchanged", output) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _reason(err: OSError) -> str:
    """What went wrong, without paths (the staging folder's name means nothing to users)."""
    if err.strerror:
        return err.strerror
    found = re.search(r"\[Errno \d+\] ([^:'\]]+)", str(err))  # shutil.Error lists each file's error
    return found.group(1) if found else type(err).__name__


def recover(output: Path) -> None:
    """Undo what a build killed mid-way (SIGKILL, power loss) left: staging folders of processes
    that no longer run, and a site moved aside by a publish that did not finish."""
    for folder in output.parent.glob(f".{output.name}.build-*"):
        pid = folder.name.removeprefix(f".{output.name}.build-").partition("-")[0]
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)
    previous = output.with_name(f".{output.name}.previous")
    if previous.is_dir() and not output.exists():
        os.replace(previous, output)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def publish(staging: Path, output: Path) -> None:
    """Replace `output` by `staging`; the old site is only removed once the new one is in place
    (and put back if the new one cannot be)."""
    previous = output.with_name(f".{output.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    had_output = output.exists()
    if had_output:
        os.replace(output, previous)
    try:
        os.replace(staging, output)
    except OSError:
        if had_output:
            os.replace(previous, output)
        raise
    shutil.rmtree(previous, ignore_errors=True)
