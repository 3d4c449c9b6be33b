"""The paper's tables as HTML, from the same table objects the Markdown and LaTeX renderers draw.

:func:`table_html` renders a :class:`eatbench.report.tables.Table` (title, grouped headers, rows of
ranked cells, footnotes) the way the terminal and Markdown show it: best value bold, second
underlined, the published rows in italics below a rule with the differences (measured − paper).
It only reads the table's public fields, so it follows whatever builds the tables.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def table_html(table: Any) -> Markup:
    """One ``<table>`` with a caption and its notes as a list below."""
    ncol = len(table.columns) + 1
    out = ['<figure class="paper-table">', f"<figcaption>{escape(table.title)}</figcaption>", "<table>", "<thead>"]
    if table.groups and any(g for g, _ in table.groups):
        out.append("<tr><th></th>")
        for g, span in table.groups:
            out.append(f'<th colspan="{span}" class="group">{escape(g)}</th>')
        out.append("</tr>")
    out.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in [table.label_title, *table.columns]) + "</tr>")
    out.append("</thead><tbody>")
    for row in table.rows:
        if row.kind == "rule":
            out.append(f'<tr class="rule"><td colspan="{ncol}"></td></tr>')
            continue
        if row.kind == "heading":
            out.append(f'<tr class="heading"><th colspan="{ncol}">{escape(row.label)}</th></tr>')
            continue
        cells = []
        for c in row.cells:
            text = escape(c.text) + (Markup(f"<sup>{escape(c.marks)}</sup>") if c.marks else "")
            cls = {1: ' class="best"', 2: ' class="second"'}.get(c.rank, "")
            cells.append(f"<td{cls}>{text}</td>")
        out.append(f'<tr class="{escape(row.kind)}"><th scope="row">{escape(row.label)}</th>{"".join(cells)}</tr>')
    out.append("</tbody></table>")
    if table.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in table.notes) + "</ul>")
    out.append("</figure>")
    return Markup("\n".join(out))
