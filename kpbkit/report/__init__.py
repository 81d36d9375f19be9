"""Reports: run a notebook template (papermill), export it to HTML and an A4 PDF, read its key figures.

For code that produces reports::

    from kpbkit.report import execute_notebook, notebook_to_html, html_to_pdf

    nb = execute_notebook(template, out / "hemtjanst.ipynb", parameters={"config_path": str(cfg), "period": "2025"},
                          cwd=out, failed_dir=out / "failed")
    pdf = html_to_pdf(notebook_to_html(nb, out / "hemtjanst.html", title="Hemtjänst 2025"), out / "hemtjanst.pdf")
    figures = read_key_figures(nb)

For notebook templates (inside the kernel)::

    from kpbkit.report import show_figure, show_key_figures

    show_figure(fig, alt="Stapeldiagram: kostnad per brukare och månad, 2025")
    show_key_figures({"hemtjanst.cost_per_hour": 612.4, "hemtjanst.persons": 1320})

Importing this package is cheap: papermill, nbconvert and matplotlib load only when a function needs them.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from kpbkit.report import notebook_libraries
from kpbkit.report.export import (
    KEY_FIGURES_MIME,
    find_chromium,
    html_to_pdf,
    notebook_to_html,
    pdf_engine,
    pdf_info,
    pdf_text,
    screenshot,
)
from kpbkit.report.runner import ReportError, check_template, execute_notebook

__all__ = [
    "KEY_FIGURES_MIME",
    "ReportError",
    "check_template",
    "execute_notebook",
    "find_chromium",
    "html_to_pdf",
    "notebook_to_html",
    "pdf_engine",
    "pdf_info",
    "pdf_text",
    "read_key_figures",
    "screenshot",
    "show_figure",
    "show_key_figures",
]


def _plain(value: Any, key: str) -> Any:
    """A JSON-ready copy of ``value`` (numpy scalars become Python numbers; NaN/inf become None)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, key) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"key figure '{key}' is a {type(value).__name__}; use numbers, strings, lists or dicts")


def show_key_figures(figures: Mapping[str, Any]) -> None:
    """Display ``figures`` as one tagged output (``KEY_FIGURES_MIME``) that tests and checks read back.

    The output never appears in the HTML or PDF. Values must be JSON-like; NaN becomes ``null``.

    Examples
    --------
    >>> show_key_figures({"lss.persons": 212, "lss.cost_per_person": 1_254_300.5})  # doctest: +SKIP
    """
    from IPython.display import display

    data = _plain(dict(figures), "figures")
    summary = f"{len(data)} nyckeltal: " + ", ".join(data)
    display({KEY_FIGURES_MIME: data, "text/plain": summary}, raw=True)


def show_figure(
    fig: Any,
    *,
    alt: str,
    fmt: Literal["svg", "png"] = "svg",
    dpi: int = 200,
    close: bool = True,
) -> None:
    """Display a matplotlib figure with alt text that the HTML report (and screen readers) get.

    Parameters
    ----------
    fig
        A ``matplotlib.figure.Figure`` (seaborn's ``FacetGrid``/``JointGrid``: pass ``grid.figure``).
    alt
        What the chart shows, in Swedish, for readers who cannot see it.
    fmt
        "svg" (sharp in print; the default) or "png" (for charts with very many points).
    dpi
        Resolution of a PNG.
    close
        Close the figure afterwards so the notebook does not show it a second time.

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> show_figure(fig, alt="Linjediagram: antal brukare per månad 2025, från 410 till 436")  # doctest: +SKIP
    """
    import matplotlib
    from IPython.display import display

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("show_figure needs alt text: describe what the chart shows (alt='...')")
    if fmt not in ("svg", "png"):
        raise ValueError(f"fmt must be 'svg' or 'png', not {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "kpbkit", "svg.fonttype": "path"}):
        # a figure with a layout engine (constrained, as kpbkit.charts makes them) keeps its own size, so its text
        # prints at the size it was set in; one without is trimmed to what it draws
        tight = None if fig.get_layout_engine() is not None else "tight"
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=tight, metadata={"Date": None})
    if fmt == "svg":
        mimetype, payload = "image/svg+xml", buffer.getvalue().decode("utf-8")
    else:
        import base64

        mimetype, payload = "image/png", base64.b64encode(buffer.getvalue()).decode("ascii")
    display({mimetype: payload, "text/plain": f"<Diagram: {alt}>"}, raw=True, metadata={mimetype: {"alt": alt}})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)


def read_key_figures(executed_ipynb: Path) -> dict[str, Any]:
    """The key figures an executed notebook displayed with :func:`show_key_figures`, merged in cell order.

    Raises
    ------
    ReportError
        The notebook has no key-figures output, or two outputs give the same key.

    Examples
    --------
    >>> read_key_figures(Path("reports/exempel/2025/hemtjanst.ipynb"))["hemtjanst.persons"]  # doctest: +SKIP
    1320
    """
    notebook_libraries.load()
    import nbformat

    path = Path(executed_ipynb)
    nb = nbformat.read(path, as_version=4)
    merged: dict[str, Any] = {}
    found = False
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {}).get(KEY_FIGURES_MIME)
            if data is None:
                continue
            found = True
            if isinstance(data, str):  # stored as text by some writers
                data = json.loads(data)
            for key, value in data.items():
                if key in merged:
                    raise ReportError(f"key figure '{key}' is displayed twice", file=path, key=key)
                merged[key] = value
    if not found:
        raise ReportError(
            "the notebook has no key-figures output",
            file=path,
            fix="call kpbkit.report.show_key_figures({...}) in the template",
        )
    return merged
