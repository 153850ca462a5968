"""Package data: ``combined_3class_gt.csv``, the official MEGC 2019 list of the 442
composite clips; ``coded_databases.toml``, the records of CASME II and SAMM (how each is
laid out on disk and coded); and, for the synthetic benchmark, ``synthetic_action_units.csv``
(action units as landmark displacements) and ``synthetic_identity.csv`` (the ranges an
identity's shape and hair parameters are drawn from)."""

import csv
import io
from importlib import resources


def data_file(name):
    """The package data file ``name``, as an :mod:`importlib.resources` traversable."""
    return resources.files(__name__) / name


def data_rows(name):
    """The rows of the package CSV file ``name``, as dicts keyed by its header."""
    return list(csv.DictReader(io.StringIO(data_file(name).read_text("utf-8"))))
