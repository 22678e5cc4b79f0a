"""The steps and reports fixtures the main-flow runs need."""
from tests.reports.conftest import refresh_now  # noqa: F401 - fixture
from tests.steps.conftest import eager  # noqa: F401 - fixture
