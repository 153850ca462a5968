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
numpydoc_validation_checks = set()
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
