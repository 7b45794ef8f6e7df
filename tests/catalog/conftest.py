from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data_file():
    def path(name: str) -> Path:
        return DATA / name

    return path


@pytest.fixture(autouse=True)
def imports_run_inline(settings):
    # Unit tests run inside one transaction a thread could not see; the browser test uses the real thread.
    settings.CATALOG_IMPORT_RUNNER = "inline"
