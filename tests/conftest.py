"""pytest configuration for the swiftjit suite: hypothesis profile and helper import path."""
import os
import sys
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

sys.path.insert(0, os.path.dirname(__file__))

# Keep hypothesis' example database and patch files out of the repository.
set_hypothesis_home_dir(os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
                        or os.path.join(tempfile.gettempdir(), "swiftjit-hypothesis"))

settings.register_profile(
    "swiftjit",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=False,
)
settings.load_profile("swiftjit")
