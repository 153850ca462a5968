"""Sphinx configuration of the saatkit documentation.

Build with ``make docs`` or ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
The API reference is generated from the numpydoc docstrings; autosummary writes its stub
pages to ``docs/api/generated/`` (not under version control).
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# Build from the working tree, whether or not saatkit is installed.
sys.path.insert(0, str(DOCS.parent))
sys.path.insert(0, str(DOCS / "_ext"))
# Importing the package for autodoc must not start BLAS or torch thread pools.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import saatkit  # noqa: E402

project = "saatkit"
author = "the saatkit developers"
copyright = "saatkit developers; BSD-3-Clause"
version = release = saatkit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "saatkit_tables",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext"}
default_role = "literal"
nitpicky = False

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc validates every docstring it renders against all its checks but these:
# - SA01, ES01: a See Also section and an extended summary are optional; short helpers
#   need neither.
# - EX01: Examples are required of public estimators and functions (house style, run as
#   doctests), not of each of their methods.
# - RT02: a returned value is named (``self : object``, ``score : float``), as in
#   scikit-learn, so the first line holds a name, not only a type.
# - RT03, PR07: ``self`` returned by ``fit`` and ``y`` that a step ignores say what
#   they are in their type line (``y : None``, ``self : object``).
# - PR08, RT04, RT05, SS05: capitals, full stops and verb forms are left to review.
numpydoc_validation_checks = {
    "all",
    "SA01",
    "ES01",
    "EX01",
    "RT02",
    "RT03",
    "PR07",
    "PR08",
    "RT04",
    "RT05",
    "SS05",
}
numpydoc_validation_exclude = {
    # Module constants: numpydoc sees their type's docstring (tuple, dict), not the
    # one that follows the assignment and that autodoc renders.
    r"\.[A-Z][A-Z0-9_]*$",
    # skorch's NeuralNet hooks, overridden by the networks: skorch documents them.
    r"^saatkit\.nn\.\w+\.(get_dataset|get_loss|infer|initialize_\w+|load_params"
    r"|on_train_begin|on_train_end|partial_fit)$",
    # The fields and tuple methods of a NamedTuple: its class docstring describes them.
    r"^saatkit\.preprocessing\.FaceBoxes\.(boxes|scores|fallbacks|untracked|count|index)$",
    # torch's Module.forward of the CycleGAN networks: their class docstrings say what
    # they map.
    r"^saatkit\.nn\.(ResnetGenerator|PatchDiscriminator)\.forward$",
}
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"saatkit {release}"
html_theme_options = {
    "description": "Cross-database micro-expression recognition: SA-AT and the MEGC 2019 protocol",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_static_path = []
