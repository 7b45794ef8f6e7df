from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data_file():
    def path(name: str) -> Path:
        return DATA / name

    return path
