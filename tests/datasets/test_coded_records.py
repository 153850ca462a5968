"""The CASME II and SAMM records, read from the package's coded_databases.toml."""

import pytest

from saatkit.datasets._coded import CASME2, SAMM, _read_databases


def test_records_keep_their_types():
    assert (CASME2.key, CASME2.sheet, SAMM.sheet) == ("casme2", 0, "MICRO_ONLY")
    assert isinstance(CASME2.columns, tuple) and isinstance(SAMM.unclassed, tuple)
    assert SAMM.megc_map["contempt"] == 0 and CASME2.megc_map["surprise"] == 2


def test_a_table_with_a_missing_or_unknown_field_is_named(tmp_path):
    path = tmp_path / "coded.toml"
    text = 'title = "X"\nkind = "k"\nfps = 200\nframe_rate = 1\n'
    path.write_text(f"[mydb]\n{text}")
    with pytest.raises(ValueError, match=r"coded\.toml: table \[mydb\].*'layout'.*frame_rate"):
        _read_databases(path)
