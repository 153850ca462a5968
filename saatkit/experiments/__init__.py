"""The paper's experiments end to end: configuration, resumable runs and the results folder."""

from ._config import demo_config, load_config, validate_config
from ._runner import run_experiments

__all__ = ["demo_config", "load_config", "run_experiments", "validate_config"]
