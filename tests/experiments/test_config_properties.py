"""Property-based tests of the configuration schema: a wrong TOML type never passes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from saatkit.experiments import validate_config
from saatkit.experiments._config import _DATA, ConfigError

SCALARS = {
    "boolean": st.booleans(),
    "string": st.text(max_size=5),
    "integer": st.integers(-5, 50),
    "number": st.floats(allow_nan=False, width=32),
    "list": st.lists(st.integers(0, 3), max_size=3),
    "table": st.dictionaries(st.sampled_from("xy"), st.integers(), max_size=2),
}


def _fits(kind, value):
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    return type(value) is int and value >= 1  # "count"


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(sorted(_DATA)), kind=st.sampled_from(sorted(SCALARS)), data=st.data())
def test_a_data_value_of_the_wrong_type_is_an_error_naming_it(key, kind, data):
    value = data.draw(SCALARS[kind])
    config = {"data": {"synthetic": True, key: value}}
    if key == "synthetic" and value is True:
        return
    if _fits(_DATA[key], value):
        return  # right type; other rules may still refuse it
    try:
        validate_config(config, source="fuzz.toml")
    except ConfigError as error:
        assert str(error).startswith("fuzz.toml: ") and f"[data] {key}" in str(error)
    else:
        raise AssertionError(f"[data] {key} = {value!r} was accepted")
