import pytest

from recommendations.catalogue_source import caches_clear


@pytest.fixture(autouse=True)
def fresh_engine_caches():
    """Each test starts with empty per-process caches: ids repeat across rolled-back tests."""
    caches_clear()
    yield
    caches_clear()
