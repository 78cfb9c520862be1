"""The files of the PDF cache folder, written and pruned the project writer's way
(``render/cache.py`` decides what they hold and names them by key)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from briefgen.write.confined import create_file
from briefgen.write.fonts import FONTS_DIR, TEMPORARY


def put_files(directory: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write each (name, bytes) into ``directory`` (made if missing, never a link): made
    beside its name with ``O_EXCL | O_NOFOLLOW``, then renamed in."""
    if directory.is_symlink():
        raise OSError(f"refusing to write through symlink {directory}")
    directory.mkdir(exist_ok=True)
    folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for target, payload in files:
            temporary = f"{TEMPORARY}{secrets.token_hex(8)}"
            try:  # the project writer's way: O_EXCL | O_NOFOLLOW, then a rename
                create_file(folder, temporary, payload, 0o644)
                os.replace(temporary, target, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as exc:  # a full disk: no half-written temporary is left
                with suppress(FileNotFoundError):
                    os.unlink(temporary, dir_fd=folder)
                raise OSError(exc.errno, exc.strerror, str(directory / target)) from exc
    finally:
        os.close(folder)


def keep_only(directory: Path, stems: set[str]) -> None:
    """Remove every entry of ``directory`` whose name without suffix is not in ``stems``,
    except the private font configuration (write/fonts.py)."""
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if path.name == FONTS_DIR and not path.is_symlink():
            continue  # the private font configuration (write/fonts.py)
        if path.stem not in stems:
            path.unlink() if path.is_file() or path.is_symlink() else shutil.rmtree(path)
