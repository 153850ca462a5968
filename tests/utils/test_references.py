"""The bibliography of the docstrings and the References sections it writes."""

import re

import pytest

from saatkit.utils import cite
from saatkit.utils._references import REFERENCES


def test_cite_numbers_the_works_in_the_order_given():
    section = cite("zhou2019", "he2016")
    lines = section.split("\n    ")
    assert lines[:2] == ["References", "----------"]
    assert lines[2].startswith(".. [1] L. Zhou")
    assert any(line.startswith(".. [2] K. He") for line in lines)


def test_cite_names_an_unknown_work():
    with pytest.raises(KeyError, match="zhou2020"):
        cite("zhou2019", "zhou2020")


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_each_work_has_authors_a_quoted_title_and_a_year(key):
    # Every continuation line sits under the entry's text, so that Sphinx reads one
    # citation per entry.
    entry = REFERENCES[key]
    assert re.search(r'"[^"]+"', entry), key
    assert re.search(r"(19|20)\d\d", entry), key
    assert all(line.startswith("       ") for line in entry.split("\n")[1:]), key
