import pytest

from tests.shared_data import shared_file


@pytest.fixture
def data_file():
    return shared_file
