import pytest

from tests.shared_data import shared_file


@pytest.fixture
def data_file():
    return shared_file


@pytest.fixture(autouse=True)
def imports_run_inline(settings):
    # Unit tests run inside one transaction a thread could not see; the browser test uses the real thread.
    settings.CATALOG_IMPORT_RUNNER = "inline"
