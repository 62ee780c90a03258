"""Tables that read in the book column: rounded numbers, horizontal scroll, no raw pipes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hepml_course.glue import plain

__all__ = ["format_number", "table"]


def format_number(value: object, digits: int = 3) -> str:
    """A number rounded to ``digits`` significant digits, for a table cell.

    Integers stay integers (with narrow no-break spaces as thousands
    separators from 10 000 on, so a number never wraps); ``None``/NaN become
    "–"; anything else is ``str(value)``.

    Parameters
    ----------
    value
        The cell value.
    digits
        Significant digits for floats.
    """
    value = plain(value)  # NumPy scalars -> Python numbers
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) >= 1000
    ):
        number = int(value)
        return f"{number:,}".replace(",", "\u202f") if abs(number) >= 10_000 else str(number)
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if value == 0 or math.isinf(value):
            return str(value)
        magnitude = math.floor(math.log10(abs(value)))
        if -3 <= magnitude < 5:
            decimals = max(digits - 1 - magnitude, 0)
            return f"{value:.{decimals}f}"
        return f"{value:.{digits - 1}e}"
    return str(value)


def table(
    rows: Any,
    *,
    digits: int = 3,
    caption: str | None = None,
    index: bool = False,
) -> Any:
    """Show a table as scrollable HTML with rounded numbers.

    Parameters
    ----------
    rows
        A :class:`pandas.DataFrame`, a mapping ``{column: values}`` or a list
        of row mappings.
    digits
        Significant digits of floating-point cells.
    caption
        Optional caption above the table.
    index
        Show the DataFrame index as the first column.

    Returns
    -------
    IPython.display.HTML
        Displays as a table that scrolls horizontally when wider than the page.
    """
    import pandas as pd
    from IPython.display import HTML

    if isinstance(rows, pd.DataFrame):
        frame = rows
    elif isinstance(rows, Mapping):  # dtype=object: integers next to a None stay integers
        frame = pd.DataFrame(dict(rows), dtype=object)
    elif isinstance(rows, Sequence):
        frame = pd.DataFrame(list(rows), dtype=object)
    else:
        raise TypeError(
            f"table() takes a DataFrame, a mapping of columns or a list of rows, "
            f"got {type(rows).__name__}"
        )
    styler = frame.style.format(lambda v: format_number(v, digits))
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    styler = styler.set_table_attributes('class="hepml-table"').set_table_styles(
        [
            {"selector": "th, td", "props": "padding: 0.2em 0.8em; text-align: right;"},
            {"selector": "td", "props": "white-space: nowrap;"},
            {"selector": "th", "props": "white-space: nowrap;"},
            {"selector": "caption", "props": "caption-side: top; text-align: left;"},
        ]
    )
    return HTML(f'<div style="overflow-x: auto; max-width: 100%;">{styler.to_html()}</div>')
