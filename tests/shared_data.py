"""Real records from other projects' test sets live beside the clone in ../shared/data (CI has it there);
the project ships none of them. Tests that read them skip with a clear reason when the folder is absent."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real sample files live in ../shared/data beside the clone")
    return path
