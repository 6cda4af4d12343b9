"""Make nbval's kernel start survive a kernel that dies while it starts.

nbval starts one Jupyter kernel per notebook and sends the kernel's error output to /dev/null. When
two pytest-xdist workers start kernels at the same moment, one of them can die before it answers
(for example when both are handed the same free port); nbval then reports every cell of that
notebook as "Kernel died before replying to kernel_info", and the reason is lost.

Here a kernel start is tried up to three times. Each try keeps the kernel's own error output, and
if the last try fails too, the error says what the kernel printed.
"""

from __future__ import annotations

import tempfile

START_TRIES = 3
_TAIL_CHARS = 2000


def retrying_start(start, tries=START_TRIES):
    """Wrap nbval's ``start_new_kernel`` so that a kernel dying at start is tried again."""

    def start_new_kernel(*args, **kwargs):
        kwargs.pop("stderr", None)
        failures = []
        for attempt in range(1, tries + 1):
            with tempfile.TemporaryFile(mode="w+") as log:
                try:
                    return start(*args, stderr=log, **kwargs)
                except RuntimeError as error:
                    log.flush()
                    log.seek(0)
                    printed = log.read()[-_TAIL_CHARS:].strip()
                    failures.append(f"try {attempt}: {error}" + (f"\n{printed}" if printed else ""))
        raise RuntimeError(
            f"The notebook's kernel did not start in {tries} tries.\n" + "\n\n".join(failures)
        )

    return start_new_kernel


def pytest_configure(config):
    try:
        import nbval.kernel
    except ImportError:
        return
    if not getattr(nbval.kernel.start_new_kernel, "_retries", False):
        wrapped = retrying_start(nbval.kernel.start_new_kernel)
        wrapped._retries = True
        nbval.kernel.start_new_kernel = wrapped
