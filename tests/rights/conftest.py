from tests.steps.conftest import eager  # noqa: F401 - the fixture, shared
