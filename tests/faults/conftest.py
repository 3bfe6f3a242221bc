"""The integration fixtures (stub CRM and portal on real local ports) for this folder too."""

from tests.integration.conftest import *  # noqa: F401,F403  (pytest registers imported fixtures)
