"""Shared test setup: the suite never reads or writes the user's own caches."""

import os

import pytest

from experiments.warm import ENV_DIR


@pytest.fixture(autouse=True, scope="session")
def _private_settled_store(tmp_path_factory):
    """Keep settled models in a folder of this test session (CLI subprocesses inherit it)."""
    before = os.environ.get(ENV_DIR)
    os.environ[ENV_DIR] = str(tmp_path_factory.mktemp("settled"))
    yield
    if before is None:
        os.environ.pop(ENV_DIR, None)
    else:
        os.environ[ENV_DIR] = before
