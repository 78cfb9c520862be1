"""Broken pipes: only standard output going away is a quiet exit.

click's standalone mode ends the process with status 1 and no message on *any* EPIPE.
That is right for ``briefgen rules | head -1``, but it also hid a dead render worker's
pipe as if the terminal had closed (issue 19). Both run here for real, in a child
process: a stdout whose reader is gone, and a pipe of the command's own whose reader is
gone (a real ``os.pipe``, its read end closed, as a dead child's would be).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.processes import HANG_GUARD

# A command of briefgen's own command group that writes into a pipe nobody reads.
OWN_PIPE = textwrap.dedent(
    """
    import os
    from briefgen.cli import main

    @main.command("write-to-a-dead-pipe")
    def write_to_a_dead_pipe() -> None:
        read, write = os.pipe()
        os.close(read)  # the reader is gone, as a dead child's end would be
        os.write(write, b"a job")

    main()
    """
)


def run_with_stdout(command: list[str], stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=HANG_GUARD
    )


def test_a_closed_stdout_is_a_quiet_exit() -> None:
    read, write = os.pipe()
    os.close(read)  # `briefgen rules | head -0`: nobody reads what it prints
    try:
        done = run_with_stdout([sys.executable, "-m", "briefgen", "rules"], write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")


def test_a_broken_pipe_elsewhere_is_an_internal_error_with_its_traceback() -> None:
    read, write = os.pipe()  # stdout is fine: read below
    try:
        done = run_with_stdout([sys.executable, "-c", OWN_PIPE, "write-to-a-dead-pipe"], write)
    finally:
        os.close(write)
        with os.fdopen(read) as printed:
            assert printed.read() == ""
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "in write_to_a_dead_pipe" in done.stderr  # where it arose,
    assert "BrokenPipeError: [Errno 32] Broken pipe" in done.stderr  # and what it was
    assert done.stderr.rstrip().endswith(
        "briefgen.cli.InternalError: a pipe other than standard output broke (a bug in briefgen)"
    ), done.stderr
