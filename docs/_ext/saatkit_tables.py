"""Tables built from saatkit's own data at documentation build time, so they cannot drift.

``.. saatkit-presets::`` renders :data:`saatkit.pipelines.PRESETS` as a table, one row per
setting and one column per preset.
"""

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _cell(value):
    if isinstance(value, dict):
        # An empty dict (no parameters) must not leave an empty literal, a transition.
        return ", ".join(f"{k}={v!r}" for k, v in value.items()) or "{}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class PresetsTable(SphinxDirective):
    """The settings of every preset of :data:`saatkit.pipelines.PRESETS`."""

    has_content = False

    def run(self):
        from saatkit.pipelines import PRESETS

        names = list(PRESETS)
        keys = list(dict.fromkeys(k for preset in PRESETS.values() for k in preset))
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: auto", ""]
        lines.append("   * - setting")
        lines += [f"     - ``{name}``" for name in names]
        for key in keys:
            lines.append(f"   * - ``{key}``")
            lines += [f"     - ``{_cell(PRESETS[name].get(key, '-'))}``" for name in names]
        container = nodes.container()
        self.state.nested_parse(
            StringList(lines, source="saatkit-presets"), self.content_offset, container
        )
        return container.children


def setup(app):
    app.add_directive("saatkit-presets", PresetsTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
