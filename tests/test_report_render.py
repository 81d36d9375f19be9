"""Reports: papermill run, self-contained HTML, A4 PDF with page numbers, failed runs, template contracts.

Fixtures: ``tests/fixtures/notebooks/mini.ipynb`` (parameters cell ``title = "x"``, Swedish markdown, a table,
a chart with alt text, key figures) and ``failing.ipynb`` (raises in cell 3). PDF tests skip only where
Chromium is missing and CI is not set; in CI (``CI=true``) scripts/setup-system.sh has installed it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from kpbkit.report import (
    KEY_FIGURES_MIME,
    ReportError,
    check_template,
    execute_notebook,
    find_chromium,
    html_to_pdf,
    notebook_to_html,
    pdf_info,
    pdf_text,
    read_key_figures,
)
from kpbkit.report import export as export_module

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
MINI = NOTEBOOKS / "mini.ipynb"
FAILING = NOTEBOOKS / "failing.ipynb"
SWEDISH_HEADING = "Årsrapport för äldreomsorg – ö"

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HAVE_PDF_TOOLS = find_chromium() is not None and shutil.which("pdftotext") is not None
needs_chromium = pytest.mark.skipif(
    not HAVE_PDF_TOOLS and not IN_CI,
    reason="Chromium or pdftotext is not installed: run `bash scripts/setup-system.sh` (CI runs these tests)",
)

REMOTE_REFERENCE = re.compile(r"""(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run mini.ipynb once with a non-ASCII parameter and export it to HTML (shared by the tests below)."""
    out = tmp_path_factory.mktemp("report")
    started = time.perf_counter()
    executed = execute_notebook(
        MINI, out / "mini.ipynb", parameters={"title": "Provkommun å"}, cwd=out, failed_dir=out / "failed"
    )
    html = notebook_to_html(executed, out / "mini.html", title="Årsrapport Provkommun")
    assert time.perf_counter() - started < 60
    return {"out": out, "executed": executed, "html": html}


@pytest.mark.render
def test_papermill_run_injects_the_parameter(rendered: dict[str, Path]) -> None:
    import nbformat

    executed = rendered["executed"]
    assert executed.is_file()
    nb = nbformat.read(executed, as_version=4)
    assert any("injected-parameters" in cell.metadata.get("tags", []) for cell in nb.cells)
    assert read_key_figures(executed) == {"brukare": 695, "title": "Provkommun å"}
    assert not (rendered["out"] / "failed").exists()
    assert [p.name for p in rendered["out"].iterdir() if p.name.startswith(".")] == []


@pytest.mark.render
def test_html_is_self_contained_and_swedish(rendered: dict[str, Path]) -> None:
    text = rendered["html"].read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not REMOTE_REFERENCE.search(text)
    assert "http://" not in text and "https://" not in text
    assert '<html lang="sv">' in text
    assert SWEDISH_HEADING in text
    assert "<title>Årsrapport Provkommun</title>" in text
    assert "Provkommun å" in text  # the injected parameter, rendered by the notebook
    assert "Särskilt boende" in text and "1 254 300" in text  # the table
    assert 'alt="Stapeldiagram: antal brukare per område' in text
    assert "No description has been provided" not in text
    assert "show_figure(" not in text  # no code in a report
    assert KEY_FIGURES_MIME not in text and "nyckeltal" not in text


@pytest.mark.render
@needs_chromium
def test_pdf_is_a4_with_page_numbers(rendered: dict[str, Path]) -> None:
    pdf = html_to_pdf(rendered["html"], rendered["out"] / "mini.pdf", engine="chromium")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    width, height = (float(v) for v in re.findall(r"[\d.]+", pdf_info(pdf)["Page size"])[:2])
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)
    text = pdf_text(pdf)
    assert "Sida 1 av" in text
    assert "Årsrapport för äldreomsorg" in text
    assert "Särskilt boende" in text
    assert [p.name for p in rendered["out"].iterdir() if p.name.startswith(".")] == []


@pytest.mark.render
@pytest.mark.skipif(
    export_module._weasyprint_module() is None and not IN_CI,
    reason="WeasyPrint cannot load pango: run `bash scripts/setup-system.sh` (CI runs this test)",
)
@pytest.mark.skipif(shutil.which("pdftotext") is None and not IN_CI, reason="pdftotext is not installed")
def test_weasyprint_fallback_gives_the_same_page(rendered: dict[str, Path]) -> None:
    pdf = html_to_pdf(rendered["html"], rendered["out"] / "mini-weasyprint.pdf", engine="weasyprint")
    assert "A4" in pdf_info(pdf)["Page size"]
    text = pdf_text(pdf)
    assert "Sida 1 av 1" in text
    assert SWEDISH_HEADING in text


@pytest.mark.render
def test_no_pdf_engine_is_a_clear_error(rendered: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "find_chromium", lambda: None)
    monkeypatch.setattr(export_module, "_weasyprint_module", lambda: None)
    target = rendered["out"] / "none.pdf"
    with pytest.raises(ReportError, match="setup-system.sh"):
        html_to_pdf(rendered["html"], target)
    assert not target.exists()


@pytest.mark.render
def test_failing_notebook_keeps_partial_copy_in_failed_dir(tmp_path: Path) -> None:
    import nbformat

    output = tmp_path / "report" / "failing.ipynb"
    failed_dir = tmp_path / "failed"
    with pytest.raises(ReportError) as caught:
        execute_notebook(FAILING, output, parameters={"title": "y"}, cwd=tmp_path, failed_dir=failed_dir)
    message = str(caught.value)
    assert "failing.ipynb" in message
    assert "cell 3" in message
    assert "ValueError: rad 7 saknar beslut" in message
    assert "andra raden" not in message  # only the exception's first line ...
    first_line = message.splitlines()[0]
    assert len(first_line.split("ValueError: ", 1)[1]) <= 200  # ... cut short
    assert not output.exists()
    assert not output.parent.exists() or list(output.parent.iterdir()) == []
    kept = list(failed_dir.glob("*.ipynb"))
    assert len(kept) == 1 and str(kept[0]) in message
    partial = nbformat.read(kept[0], as_version=4)
    errors = [out for cell in partial.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"


def test_check_template_rejects_a_missing_parameter() -> None:
    assert set(check_template(MINI, ["title"])) == {"title"}
    with pytest.raises(ReportError) as caught:
        check_template(MINI, ["title", "config_path"])
    message = str(caught.value)
    assert "mini.ipynb" in message and "'config_path'" in message and "'title'" in message


def test_unknown_parameter_fails_before_any_kernel_starts(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(ReportError, match="'period'"):
        execute_notebook(
            MINI, tmp_path / "x.ipynb", parameters={"period": "2025"}, cwd=tmp_path, failed_dir=tmp_path / "f"
        )
    assert time.perf_counter() - started < 2
    assert list(tmp_path.iterdir()) == []


def test_check_template_needs_a_parameters_cell(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.read(MINI, as_version=4)
    nb.cells[0].metadata["tags"] = []
    template = tmp_path / "untagged.ipynb"
    nbformat.write(nb, template)
    with pytest.raises(ReportError, match="no cell tagged 'parameters'"):
        check_template(template, ["title"])
    with pytest.raises(ReportError, match="not found"):
        check_template(tmp_path / "missing.ipynb", [])


def test_html_refuses_outputs_that_need_scripts(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": '<div id="c"></div><script src="https://cdn.example/x.js"></script>'}
        )
    ]
    nb.cells = [cell]
    executed = tmp_path / "scripted.ipynb"
    nbformat.write(nb, executed)
    with pytest.raises(ReportError, match="self-contained"):
        notebook_to_html(executed, tmp_path / "scripted.html", title="x")
    assert not (tmp_path / "scripted.html").exists()


def test_read_key_figures_needs_the_output(tmp_path: Path) -> None:
    import nbformat

    executed = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), executed)
    with pytest.raises(ReportError, match="no key-figures output"):
        read_key_figures(executed)


def _wide_table_notebook(path: Path, columns: int) -> Path:
    import nbformat

    header = "".join(f"<th>Kolumn med långt namn {i}</th>" for i in range(columns))
    row = "".join(f"<td>{9_000_000 + i}</td>" for i in range(columns))
    table = f'<table class="dataframe"><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr></tbody></table>'
    narrow = "<table><tr><td>Hemtjänst</td><td>412</td></tr></table>"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tabell")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": table + narrow})]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_wide_tables_are_split_not_shrunk(tmp_path: Path) -> None:
    html = notebook_to_html(_wide_table_notebook(tmp_path / "wide.ipynb", 16), tmp_path / "wide.html", title="x")
    text = html.read_text(encoding="utf-8")
    tables = re.findall(r"<table[^>]*>", text)
    assert len(tables) >= 3 and tables[-1] == "<table>"  # the parts, then the narrow table untouched
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)pt", " ".join(tables))]
    assert all(size >= 8.0 for size in sizes)
    assert text.count("Tabellen fortsätter") == len(tables) - 2


@pytest.mark.render
@needs_chromium
def test_wide_table_is_not_cut_in_the_pdf(tmp_path: Path) -> None:
    from tests.test_print_quality import printed_sizes

    html = notebook_to_html(_wide_table_notebook(tmp_path / "wide.ipynb", 16), tmp_path / "wide.html", title="x")
    pdf = html_to_pdf(html, tmp_path / "wide.pdf", engine="chromium")
    text = pdf_text(pdf).replace("\n", " ")
    assert all(str(9_000_000 + i) in text for i in range(16))  # every column, first to last
    assert min(size for size, _, _ in printed_sizes(pdf)) >= 7.95


def test_show_figure_needs_alt_text() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kpbkit.report import show_figure

    fig, _ = plt.subplots()
    try:
        with pytest.raises(ValueError, match="alt"):
            show_figure(fig, alt=" ")
    finally:
        plt.close(fig)


@pytest.mark.render
def test_a_warning_names_its_cell_not_the_kernels_file_which_can_look_like_a_personnummer(tmp_path: Path) -> None:
    import nbformat
    from ipykernel.compiler import get_tmp_hash_seed, murmur2_x86

    from kpbkit.io.identity_guard import text_holds_personnummer

    code = "import warnings\nwarnings.warn('kolumnen saknas', UserWarning)"
    # ipykernel runs this cell as /tmp/ipykernel_<pid>/<hash>.py: a hash the identity guard reads as a personnummer
    assert text_holds_personnummer(f"/tmp/ipykernel_77/{murmur2_x86(code, get_tmp_hash_seed())}.py:2: UserWarning")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("period_folder = ''"),
                                         nbformat.v4.new_code_cell(code)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "warns.ipynb")
    executed = execute_notebook(tmp_path / "warns.ipynb", tmp_path / "out.ipynb", parameters={"period_folder": "x"},
                                cwd=tmp_path, failed_dir=tmp_path)
    stderr = nbformat.read(executed, as_version=4).cells[-1].outputs[0]
    assert stderr.name == "stderr" and stderr.text.startswith("<cell>:2: UserWarning: kolumnen saknas")
