"""Fixtures of the dataset tests: fake copies of the three databases."""

import shutil

import pytest
from fake_databases import (
    CASME2_XLSX,
    SAMM_XLSX,
    build_casme2,
    build_samm,
    build_smic,
    shared_file,
)


@pytest.fixture(scope="session")
def trees(tmp_path_factory):
    """The three databases laid out as distributed, coding files beside the clip folders."""
    base = tmp_path_factory.mktemp("databases")
    casme2 = base / "CASME2" / "CASME2_RAW_selected"
    samm = base / "SAMM_release" / "SAMM"
    smic = base / "SMIC_all_raw" / "HS"
    build_casme2(casme2)
    build_samm(samm)
    build_smic(smic)
    shutil.copy(shared_file(CASME2_XLSX), casme2.parent)
    shutil.copy(shared_file(SAMM_XLSX), samm.parent)
    return {"casme2": casme2, "samm": samm, "smic": smic}
