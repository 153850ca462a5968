"""Experiment configuration: a TOML file for ``saatkit run``, built in for ``saatkit demo``.

One schema is checked, in full, before any data is loaded: every key has one TOML type
(a boolean is ``true`` or ``false``, never the string ``"false"``; a list is a list),
and every error names the key and the file, in the file's own terms.
"""

import os
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ..pipelines import FLOW_NETWORKS, METHODS, PRESETS, TEACHER_CANDIDATES

# Key -> TOML type; "count" is a positive integer.
_TOP = {
    "preset": "string",
    "output": "string",
    "methods": "list",
    "teachers": "list",
    "n_jobs": "integer",
    "random_state": "integer",
    "device": "string",
    "data": "table",
    "overrides": "table",
    "backend": "string",
    "scheduler": "string",
}
_DATA = {
    "synthetic": "boolean",
    "quick": "boolean",
    "strict": "boolean",
    "casme2": "string",
    "samm": "string",
    "smic": "string",
    "casme2_annotations": "string",
    "samm_annotations": "string",
    "expressions": "string",
    "subjects_per_database": "count",
    "max_frames": "count",
    "n_expressions": "count",
}
_PATHS = ("casme2", "samm", "smic", "casme2_annotations", "samm_annotations", "expressions")
# The synthetic benchmark renders at least this many frames per clip.
_MIN_SYNTHETIC_FRAMES = 8
_ARTICLE = {
    "boolean": "a boolean (true or false, without quotes)",
    "string": "a string",
    "list": "a list",
    "integer": "an integer",
    "count": "a positive integer",
    "table": "a table",
    "number": "a number",
}


class ConfigError(ValueError):
    """A configuration that breaks the schema; the message names the file and the key."""


def _fail(source, message):
    raise ConfigError(f"{source}: {message}")


def _toml_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "list", dict: "table"}.get(type(value), type(value).__name__)


def _described(value):
    kind = _toml_type(value)
    return f"the {kind} {value!r}" if kind in ("string", "list", "table") else f"{value!r}"


def _check_type(source, where, value, kind):
    actual = _toml_type(value)
    ok = (
        actual == kind
        or (kind == "count" and actual == "integer" and value >= 1)
        or (kind == "number" and actual == "integer")
    )
    if not ok:
        _fail(source, f"{where} must be {_ARTICLE[kind]}, got {_described(value)}.")


def _check_table(source, table, schema, section):
    prefix = f"[{section}] " if section else ""
    unknown = set(table) - set(schema)
    if unknown:
        where = f"[{section}]" if section else "the top level"
        _fail(
            source, f"unknown keys in {where}: {sorted(unknown)}; known keys are {sorted(schema)}."
        )
    for key, value in table.items():
        _check_type(source, f"{prefix}{key}", value, schema[key])


def _check_names(source, key, values, known):
    for value in values:
        _check_type(source, f"each entry of {key}", value, "string")
        if value not in known:
            _fail(source, f"{key} holds unknown {value!r}; choose from {list(known)}.")
    if len(set(values)) != len(values):
        _fail(source, f"{key} names an entry twice: {values}.")


def _check_overrides(source, overrides, preset):
    defaults = PRESETS[preset]
    unknown = set(overrides) - set(defaults)
    if unknown:
        _fail(
            source,
            f"unknown keys in [overrides]: {sorted(unknown)}; the preset's keys are "
            f"{sorted(defaults)}.",
        )
    for key, value in overrides.items():
        # A setting that is None in one preset takes the type it has in the others.
        kinds = {_toml_type(p[key]) for p in PRESETS.values() if p.get(key) is not None}
        _check_type(
            source, f"[overrides] {key}", value, kinds.pop() if len(kinds) == 1 else "number"
        )


def _check_data(source, data, methods):
    synthetic = data.get("synthetic", False)
    if synthetic:
        frames = data.get("max_frames")
        if frames is not None and frames < _MIN_SYNTHETIC_FRAMES:
            _fail(
                source,
                f"[data] max_frames must be at least {_MIN_SYNTHETIC_FRAMES}, got {frames}.",
            )
        return
    if data.get("max_frames") or data.get("n_expressions"):
        _fail(
            source,
            "[data] max_frames and n_expressions apply to the synthetic benchmark "
            "only (synthetic = true).",
        )
    if not any(data.get(db) for db in ("casme2", "samm", "smic")):
        _fail(
            source,
            "[data] needs synthetic = true or at least one of casme2, samm, smic "
            "(paths to the databases as distributed).",
        )
    for key in _PATHS:
        if data.get(key) and not Path(data[key]).exists():
            _fail(source, f"[data] {key} = {data[key]!r} does not exist.")
    # The SA-AT family classifies with, or distils, a teacher trained on the auxiliary set.
    deep = [m for m in methods if m != "lbptop" and m not in FLOW_NETWORKS]
    if deep and not data.get("expressions"):
        _fail(
            source,
            f"[data] expressions is required by methods {deep}: the auxiliary "
            "facial-expression set their teacher is trained on (methods = "
            '["lbptop", "ststnet", "offapexnet"] need none).',
        )


def validate_config(config, source="config"):
    """Check a configuration dict against the schema and fill in defaults.

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

    Raises
    ------
    ConfigError
        A ValueError naming ``source`` and the key at fault.
    """
    # From Python, paths may be Path objects; TOML gives strings.
    config = {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in config.items()}
    _check_table(source, config, _TOP, None)
    data = {
        k: os.fspath(v) if isinstance(v, os.PathLike) else v
        for k, v in config.get("data", {}).items()
    }
    _check_table(source, data, _DATA, "data")
    preset = config.get("preset", "demo")
    if preset not in PRESETS:
        _fail(source, f"preset must be one of {sorted(PRESETS)}, got {preset!r}.")
    methods = list(config.get("methods", METHODS))
    _check_names(source, "methods", methods, METHODS)
    if not methods:
        _fail(source, f"methods is empty; choose from {list(METHODS)}.")
    quick = data.get("quick", False)
    # A quick run trains only the teacher that the other experiments need.
    default_teachers = (
        [PRESETS[preset]["teacher"]] if quick else PRESETS[preset]["teacher_candidates"]
    )
    teachers = list(config.get("teachers", default_teachers))
    _check_names(source, "teachers", teachers, TEACHER_CANDIDATES)
    _check_data(source, data, methods)
    overrides = dict(config.get("overrides", {}))
    _check_overrides(source, overrides, preset)
    backend = config.get("backend", "loky")
    if backend not in ("loky", "dask"):
        _fail(source, f"backend must be 'loky' or 'dask', got {backend!r}.")
    n_jobs = config.get("n_jobs", 1)
    if n_jobs == 0 or n_jobs < -1:
        _fail(source, f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs}.")
    return {
        "preset": preset,
        "output": config.get("output", "results"),
        "methods": methods,
        "teachers": teachers,
        "n_jobs": n_jobs,
        "random_state": config.get("random_state", 0),
        "device": config.get("device", "cpu"),
        "backend": backend,
        "scheduler": config.get("scheduler"),
        "data": {
            "synthetic": data.get("synthetic", False),
            "quick": quick,
            "strict": data.get("strict", True),
            "subjects_per_database": data.get("subjects_per_database", 4 if quick else None),
            "max_frames": data.get("max_frames", 40 if quick else None),
            "n_expressions": data.get("n_expressions", 600 if quick else None),
            **{key: data.get(key) for key in _PATHS},
        },
        "overrides": overrides,
    }


def load_config(path):
    """Read and validate a TOML experiment configuration file.

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    config : dict
        The validated configuration, every key present (see :func:`validate_config`).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Configuration file {path} does not exist.")
    try:
        with open(path, "rb") as f:
            config = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return validate_config(config, source=str(path))


def demo_config(quick=False, output=None, n_jobs=1):
    """The configuration ``saatkit demo`` runs: the synthetic benchmark, every method.

    Parameters
    ----------
    quick : bool, default=False
        The smaller run of ``saatkit demo --quick``.
    output : str or None, default=None
        The results folder; ``results/demo`` (``results/demo-quick``) when None.
    n_jobs : int, default=1
        Parallel jobs.

    Returns
    -------
    config : dict
        The validated configuration.
    """
    return validate_config(
        {
            "preset": "demo",
            "output": output or ("results/demo-quick" if quick else "results/demo"),
            "n_jobs": n_jobs,
            "data": {"synthetic": True, "quick": quick},
        },
        source="demo",
    )
