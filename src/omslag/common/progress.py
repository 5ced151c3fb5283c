"""Progress bars for long commands, on stderr so that stdout stays clean for data."""

import sys

from tqdm import tqdm


def progress_bar(description: str, total: int | None = None):
    return tqdm(
        total=total,
        desc=description,
        unit=" rows",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )
