import pytest


@pytest.fixture(autouse=True)
def english_messages():
    # Service messages are translated; these tests read the English wording.
    from django.utils import translation

    with translation.override("en"):
        yield
