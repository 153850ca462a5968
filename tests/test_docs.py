"""The documentation builds without a warning, and documents what the code defines."""

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _docs_text():
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.rst")))


def test_docs_build_without_warnings(tmp_path, run_python):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    # A fresh copy (with the examples it includes), so that no stub page left by an
    # earlier build hides a problem and the build writes nothing into the checkout.
    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    completed = run_python(
        ["-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", source, tmp_path / "html"]
    )
    assert completed.returncode == 0, (
        f"sphinx-build failed\n--- stderr ---\n{completed.stderr}\n"
        f"--- stdout ---\n{completed.stdout[-4000:]}"
    )
    assert (tmp_path / "html" / "index.html").is_file()


def test_api_reference_lists_every_public_name():
    import saatkit.clips
    import saatkit.datasets
    import saatkit.experiments
    import saatkit.features
    import saatkit.metrics
    import saatkit.nn
    import saatkit.pipelines
    import saatkit.preprocessing
    import saatkit.protocol
    import saatkit.utils

    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    missing = []
    for module in (
        saatkit.clips,
        saatkit.datasets,
        saatkit.experiments,
        saatkit.features,
        saatkit.metrics,
        saatkit.nn,
        saatkit.pipelines,
        saatkit.preprocessing,
        saatkit.protocol,
        saatkit.utils,
    ):
        section = api.split(f"``{module.__name__}``", 1)[-1].split("\n``saatkit.", 1)[0]
        missing += [
            f"{module.__name__}.{name}"
            for name in module.__all__
            if not re.search(rf"^\s+{re.escape(name)}\s*$", section, re.MULTILINE)
        ]
    assert not missing, f"docs/api.rst lacks {missing}"


def test_every_configuration_key_is_documented():
    from saatkit.experiments import _config
    from saatkit.pipelines import PRESETS

    text = _docs_text()
    keys = set(_config._TOP) | set(_config._DATA) | {k for p in PRESETS.values() for k in p}
    missing = sorted(key for key in keys if f"``{key}``" not in text)
    assert not missing, f"configuration keys not documented in docs/*.rst: {missing}"


@pytest.mark.parametrize("name", ["megc2019.toml", "synthetic-quick.toml"])
def test_example_configurations_are_valid(name):
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        tomllib = pytest.importorskip("tomli")
    from saatkit.experiments import validate_config

    with open(DOCS / "config" / name, "rb") as f:
        config = tomllib.load(f)
    data = config.setdefault("data", {})
    if not data.get("synthetic"):
        # The database paths are examples; check every other key against the schema.
        from saatkit.experiments import _config

        assert set(data) <= set(_config._DATA), f"unknown [data] keys in {name}"
        config["data"] = {"synthetic": True}
    validate_config(config, source=name)


def test_every_example_is_in_the_documentation():
    text = (DOCS / "examples.rst").read_text(encoding="utf-8")
    missing = [
        p.name
        for p in sorted((ROOT / "examples").glob("*.py"))
        if f"../examples/{p.name}" not in text
    ]
    assert not missing, f"docs/examples.rst does not include {missing}"
