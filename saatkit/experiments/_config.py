"""Experiment configuration: a TOML file for ``saatkit run``, built in for ``saatkit demo``."""

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ..pipelines import METHODS, PRESETS, TEACHER_CANDIDATES

_TOP = {"preset", "output", "methods", "teachers", "n_jobs", "random_state", "device",
        "data", "overrides", "backend", "scheduler"}
_DATA = {"synthetic", "quick", "casme2", "samm", "smic", "casme2_annotations",
         "samm_annotations", "expressions", "strict", "subjects_per_database", "max_frames",
         "n_expressions"}


def _fail(source, message):
    raise ValueError(f"{source}: {message}")


def validate_config(config, source="config"):
    """Check a configuration dict and fill in defaults.

    Parameters
    ----------
    config : dict
        As read from TOML (``docs/data.rst`` describes every key).
    source : str, default="config"
        Where the configuration came from, for error messages.

    Returns
    -------
    config : dict
        A new dict with every key present.
    """
    unknown = set(config) - _TOP
    if unknown:
        _fail(source, f"unknown keys {sorted(unknown)}; known keys are {sorted(_TOP)}.")
    data = dict(config.get("data", {}))
    unknown = set(data) - _DATA
    if unknown:
        _fail(source, f"unknown keys in [data]: {sorted(unknown)}; known: {sorted(_DATA)}.")
    preset = config.get("preset", "demo")
    if preset not in PRESETS:
        _fail(source, f"preset must be one of {sorted(PRESETS)}, got {preset!r}.")
    synthetic = bool(data.get("synthetic", False))
    quick = bool(data.get("quick", False))
    for key in ("subjects_per_database", "max_frames", "n_expressions"):
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 1):
            _fail(source, f"[data] {key} must be a positive integer, got {value!r}.")
    if not synthetic and (data.get("max_frames") or data.get("n_expressions")):
        _fail(source, "[data] max_frames and n_expressions apply to the synthetic benchmark only.")
    if not synthetic:
        roots = [data.get(db) for db in ("casme2", "samm", "smic")]
        if not any(roots):
            _fail(source, "[data] needs synthetic = true or at least one of casme2, samm, "
                          "smic (paths to the databases as distributed).")
        for key in ("casme2", "samm", "smic", "casme2_annotations", "samm_annotations",
                    "expressions"):
            if data.get(key) and not Path(data[key]).exists():
                _fail(source, f"[data] {key} = {data[key]!r} does not exist.")
        if not data.get("expressions"):
            _fail(source, "[data] expressions is required with real databases: the "
                          "auxiliary facial-expression set the teacher is trained on.")
    methods = list(config.get("methods", METHODS))
    for method in methods:
        if method not in METHODS:
            _fail(source, f"unknown method {method!r}; choose from {list(METHODS)}.")
    # A quick run trains only the teacher that the other experiments need.
    default_teachers = ([PRESETS[preset]["teacher"]] if quick
                        else PRESETS[preset]["teacher_candidates"])
    teachers = list(config.get("teachers", default_teachers))
    for teacher in teachers:
        if teacher not in TEACHER_CANDIDATES:
            _fail(source, f"unknown teacher {teacher!r}; choose from {list(TEACHER_CANDIDATES)}.")
    overrides = dict(config.get("overrides", {}))
    unknown = set(overrides) - set(PRESETS[preset])
    if unknown:
        _fail(source, f"unknown keys in [overrides]: {sorted(unknown)}; the preset's keys are "
                      f"{sorted(PRESETS[preset])}.")
    backend = config.get("backend", "loky")
    if backend not in ("loky", "dask"):
        _fail(source, f"backend must be 'loky' or 'dask', got {backend!r}.")
    return {
        "preset": preset,
        "output": str(config.get("output", "results")),
        "methods": methods,
        "teachers": teachers,
        "n_jobs": config.get("n_jobs", 1),
        "random_state": int(config.get("random_state", 0)),
        "device": config.get("device", "cpu"),
        "backend": backend,
        "scheduler": config.get("scheduler"),
        "data": {"synthetic": synthetic, "quick": quick, "strict": bool(data.get("strict", True)),
                 "subjects_per_database": data.get("subjects_per_database", 4 if quick else None),
                 "max_frames": data.get("max_frames", 40 if quick else None),
                 "n_expressions": data.get("n_expressions", 600 if quick else None),
                 **{k: data.get(k) for k in _DATA - {"synthetic", "quick", "strict",
                                                       "subjects_per_database", "max_frames",
                                                       "n_expressions"}}},
        "overrides": overrides,
    }


def load_config(path):
    """Read and validate a TOML experiment configuration file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Configuration file {path} does not exist.")
    try:
        with open(path, "rb") as f:
            config = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    return validate_config(config, source=str(path))


def demo_config(quick=False, output=None, n_jobs=1):
    """The configuration ``saatkit demo`` runs: the synthetic benchmark, every method."""
    return validate_config({
        "preset": "demo",
        "output": output or ("results/demo-quick" if quick else "results/demo"),
        "n_jobs": n_jobs,
        "data": {"synthetic": True, "quick": quick},
    }, source="demo")
