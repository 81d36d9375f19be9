"""Publication mode (kpbkit.privacy): small counts suppressed in the rendered tables and charts; internal unchanged.

The rule the report scan uses: a *count* is any cell of a ``<table>`` whose column header names persons or cases
(it starts with one of :data:`COUNT_HEADER`, case-insensitive: Brukare, Antal, Barn, Personer, Ärenden, ...). In
publication mode no such cell may show a number from 1 to 4; it shows ``<5`` (or 0, or a number ≥ 5).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

from kpbkit import charts, privacy, tables
from kpbkit.config import ReportSection
from kpbkit.privacy import Policy
from kpbkit.report.templates_catalog import REPORTS

COUNT_HEADER = ("brukare", "antal", "barn", "placerade", "personer", "ärenden", "placeringar", "vistelser",
                "avslutade", "pågående", "totalt", "insatser")

F = {"group": "text", "brukare": "int", "gross_cost": "kr", "cost_per_brukare": "kr", "share": "percent"}

INTERNAL = Policy()
PUBLISHED = Policy(publication=True)


def _cells(table_html: str) -> list[list[str]]:
    soup = BeautifulSoup(table_html, "html.parser")
    return [[td.get_text() for td in tr.find_all("td")] for tr in soup.find("tbody").find_all("tr")]


def _frame(brukare: list[int]) -> pd.DataFrame:
    cost = [b * 1000.0 for b in brukare]
    return pd.DataFrame({"group": [f"g{i}" for i in range(len(brukare))], "brukare": brukare, "gross_cost": cost,
                         "cost_per_brukare": [c / b if b else float("nan") for c, b in zip(cost, brukare, strict=True)],
                         "share": [b / sum(brukare) for b in brukare]})


# ------------------------------------------------------------------------------------------------ the policy


def test_the_policy_comes_from_the_run_record_with_the_schema_default():
    assert Policy.from_report_mode({"publication": True, "threshold": 10}) == Policy(True, 10)
    assert Policy.from_report_mode(None) == Policy() == Policy.from_report_mode("not a mapping")
    assert Policy().threshold == privacy.DEFAULT_THRESHOLD == ReportSection().threshold
    assert not Policy().publication and Policy(threshold=7).marker == "<7"


def test_the_mode_belongs_to_each_policy_not_to_the_process():
    """Two reports in one process (two notebooks' kernels, the tests) render each with its own policy."""
    frame = _frame([3, 8, 20, 40])
    published = tables.render_html(frame, F, {}, policy=PUBLISHED)
    internal = tables.render_html(frame, F, {}, policy=INTERNAL)
    assert "&lt;5" in published and "&lt;5" not in internal
    assert tables.render_html(frame, F, {}, policy=PUBLISHED) == published
    assert not hasattr(privacy, "configure") and not hasattr(privacy, "_policy")


# ------------------------------------------------------------------------------------------------ the rules


def test_internal_mode_hides_nothing():
    frame = _frame([3, 8, 20, 40])
    assert INTERNAL.hidden_cells(frame, F) is None
    assert Policy(threshold=10).hidden_cells(frame, F) is None
    assert "<5" not in tables.render_html(frame, F, {}, policy=INTERNAL)


def test_primary_suppression_and_derived_values():
    frame = _frame([3, 0, 20, 40, 7, 2])
    rows = _cells(tables.render_html(frame, F, {}, policy=PUBLISHED))
    assert rows[0] == ["g0", "<5", "<5", "<5", "<5"]  # the count and every figure of its row
    assert rows[5] == ["g5", "<5", "<5", "<5", "<5"]
    assert rows[1][1] == "0"  # zero is not a small group
    assert rows[2][1] == "20" and "<5" not in rows[2]
    assert rows[4][1] == "7"  # two cells already hidden in the column: no secondary needed


def test_secondary_suppression_in_a_column():
    frame = _frame([3, 9, 20, 40, 6])
    rows = _cells(tables.render_html(frame, F, {}, policy=PUBLISHED))
    hidden = [r[0] for r in rows if r[1] == "<5"]
    assert hidden == ["g0", "g4"]  # the small one and the next-smallest (6), so the total reveals neither
    assert rows[4] == ["g4", "<5", "<5", "<5", "<5"]


def test_secondary_suppression_with_a_total_row():
    frame = pd.concat([_frame([2, 12, 30]), _frame([44]).assign(group="Totalt")], ignore_index=True)
    rows = _cells(tables.render_html(frame, F, {}, policy=PUBLISHED, total_row=True))
    assert [r[1] for r in rows] == ["<5", "<5", "30", "44"]  # the total row is not a part


def test_secondary_suppression_across_a_row():
    frame = pd.DataFrame({"band": ["<1 år", "1–2 år", "2+ år"], "ended": [3, 10, 12], "ongoing": [30, 20, 40],
                          "total": [33, 30, 52]})
    fmt = {"band": "text", "ended": "int", "ongoing": "int", "total": "int"}
    mask = INTERNAL.suppression_mask(frame, ["ended", "ongoing", "total"])  # the mask is the same in both modes
    # ended 3 (primary), ended 10 (column), ongoing 30 of row 1 (row: ended + ongoing = total), and so on
    assert mask.loc[0, "ended"] and mask.loc[1, "ended"]
    assert mask.loc[0, "ongoing"]
    assert not mask.loc[0, "total"]
    rows = _cells(tables.render_html(frame, fmt, {}, policy=PUBLISHED))
    for row in rows:
        shown = [int(v) for v in row[1:] if v != "<5"]
        assert not any(1 <= v < 5 for v in shown)
    # in each column no single hidden cell, in each row not exactly one hidden part beside a shown total
    hidden = pd.DataFrame([[v == "<5" for v in r[1:]] for r in rows], columns=["ended", "ongoing", "total"])
    assert all(hidden[c].sum() != 1 for c in hidden)
    assert all(row.total or int(row.ended) + int(row.ongoing) != 1 for row in hidden.itertuples())


def test_a_threshold_of_10_hides_5_to_9_in_tables_text_and_charts():
    """``report.threshold: 10`` as run.json records it: counts of 5–9 are "<10" in a table, "färre än 10" in a
    sentence and left out of a chart; counts of 10 and more stay."""
    policy = Policy.from_report_mode({"publication": True, "threshold": 10})
    frame = _frame([7, 12, 5, 40, 9, 10])
    rows = _cells(tables.render_html(frame, F, {}, policy=policy))
    assert [r[1] for r in rows] == ["<10", "12", "<10", "40", "<10", "10"]
    assert rows[0] == ["g0", "<10", "<10", "<10", "<10"]  # and every figure of the group
    assert "<5" not in str(rows)
    sentence = "Av {n} brukare hade {share} insatsen.".format(n=policy.count_text(7),
                                                             share=policy.guard(7, "12 %"))
    assert sentence == "Av färre än 10 brukare hade (redovisas inte) insatsen."
    assert policy.count_text(9, words=False) == "<10" and policy.count_text(10) == "10"
    assert policy.guard(10, "12 %") == "12 %" and Policy(True, 5).count_text(7) == "7"
    assert policy.chart_frame(frame, "gross_cost")["group"].tolist() == ["g1", "g3", "g5"]
    fig = charts.barh(frame, label="group", value="gross_cost", title="t", policy=policy)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["g5", "g1", "g3"]
    charts.svg(fig)
    kept, _ = policy.histogram_values(pd.Series([1.0] * 12 + [50.0] * 7), 5)
    assert kept.tolist() == [1.0] * 12  # a bin of 7 persons is dropped


def test_tables_without_person_counts_are_untouched():
    frame = pd.DataFrame({"form": ["a"], "ledger_amount": [3.0], "residual": [0.0]})
    fmt = {"form": "text", "ledger_amount": "kr", "residual": "kr"}
    assert tables.render_html(frame, fmt, {}, policy=PUBLISHED) == tables.render_html(frame, fmt, {}, policy=INTERNAL)


def test_charts_leave_out_small_groups():
    frame = _frame([3, 9, 20, 40, 6])
    assert len(INTERNAL.chart_frame(frame, "gross_cost")) == 5
    shown = PUBLISHED.chart_frame(frame, "gross_cost")
    assert shown["group"].tolist() == ["g1", "g2", "g3"]
    blanked = PUBLISHED.chart_frame(frame, "brukare", drop=False)
    assert blanked["brukare"].isna().tolist() == [True, False, False, False, True]
    fig = charts.grouped_bars(frame.assign(sex="K"), x="group", hue="sex", value="cost_per_brukare", title="t",
                              policy=PUBLISHED)
    charts.svg(fig)
    fig = charts.barh(frame, label="group", value="gross_cost", title="t", policy=PUBLISHED)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["g1", "g2", "g3"]
    charts.svg(fig)


def test_histograms_drop_sparse_bins():
    values = pd.Series([1.0] * 20 + [2.0] * 10 + [100.0] * 2)
    assert INTERNAL.histogram_values(values, 10)[0] is values
    kept, edges = PUBLISHED.histogram_values(values, 10)
    assert len(kept) == 30 and 100.0 not in kept.tolist()
    assert edges[-1] == 100.0  # edges fixed on all values, so the axis does not betray the dropped bin by moving


def test_case_lists_are_left_out():
    text = PUBLISHED.omitted()
    assert "redovisas inte" in text and "5" in text
    assert "10" in Policy(True, 10).omitted()


# ------------------------------------------------------------------------------------------------ the demo


def _report_tables(folder: Path) -> dict[str, list]:
    out = {}
    for report in REPORTS:
        path = folder / f"{report.name}.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        out[report.name] = soup.find_all("table")
    return out


def _small_counts(table) -> list[tuple[str, str]]:
    headers = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")] if table.find("thead") \
        else []
    found = []
    for tr in table.find_all("tr"):
        for header, td in zip(headers, tr.find_all("td"), strict=False):
            if not header.lower().startswith(COUNT_HEADER):
                continue
            text = td.get_text(strip=True).replace("\xa0", "").replace(" ", "")
            if re.fullmatch(r"[1-4]", text):
                found.append((header, text))
    return found


def test_publication_demo_shows_no_small_counts(demo_publication_run):
    found = {name: small for name, tabs in _report_tables(demo_publication_run.output_dir).items()
             if (small := [c for t in tabs for c in _small_counts(t)])}
    assert found == {}
    record = json.loads((demo_publication_run.results_dir / "run.json").read_text(encoding="utf-8"))
    assert record["report_mode"] == {"publication": True, "threshold": 5}


#: a person count written in running text: "3 brukare", "(1 personer)", "2 ärenden" (not "1–4 brukare", "1,5 barn")
TEXT_COUNT = re.compile(r"(?<![\d,.–-])([1-4])\s+(brukare|personer|person|barn|ärenden|ärende|fall)\b", re.I)


def _visible_text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "svg"]):
        tag.decompose()
    return soup.get_text(" ").replace("\xa0", " ")


def _key_figure_counts(path: Path) -> list[tuple[str, str]]:
    """Person counts 1–4 in the key-figure tables (rows labelled Brukare/Placerade/Personer/Barn ...)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = []
    for table in soup.find_all("table"):
        for tr in table.find_all("tr"):
            cells = [td.get_text(strip=True).replace("\xa0", "").replace(" ", "") for td in tr.find_all("td")]
            label = tr.find("td").get_text(" ", strip=True).lower() if tr.find("td") else ""
            if len(cells) == 2 and label.startswith(COUNT_HEADER) and re.fullmatch(r"[1-4]", cells[1]):
                found.append((label, cells[1]))
    return found


def test_publication_demo_text_shows_no_small_counts(demo_publication_run):
    """Counts in running text and key figures are suppressed too: "färre än 5 personer", "<5"."""
    found = {}
    for report in REPORTS:
        path = demo_publication_run.output_dir / f"{report.name}.html"
        text = _visible_text(path)
        hits = [text[max(0, m.start() - 60):m.end()] for m in TEXT_COUNT.finditer(text)]
        if hits or (figures := _key_figure_counts(path)):
            found[report.name] = hits or figures
    assert found == {}


def test_counts_in_text_internal_and_publication():
    from kpbkit.views.common import key_figures_table

    assert INTERNAL.count_text(3) == "3" and INTERNAL.guard(3, "12 %") == "12 %"
    assert INTERNAL.guard(3, "a", "b") == ("a", "b")
    assert PUBLISHED.count_text(3) == "färre än 5"
    assert PUBLISHED.count_text(3, words=False) == "<5"
    assert PUBLISHED.count_text(0) == "0" and PUBLISHED.count_text(12) == "12"
    assert PUBLISHED.guard(3, "12 %", "4 kr") == ("(redovisas inte)", "(redovisas inte)")
    assert PUBLISHED.guard(12, "12 %") == "12 %"
    figures = pd.DataFrame({"kpi": ["brukare", "cost_per_brukare", "brukare", "cost_per_hour"],
                            "group": ["extern", "extern", "total", "total"],
                            "label": ["Brukare, extern", "Kostnad per brukare, extern", "Brukare", "Kostnad"],
                            "value": [3.0, 1000.0, 40.0, 500.0], "format": ["int", "kr", "int", "kr"]})
    rows = _cells(key_figures_table(figures, PUBLISHED))
    assert [r[1] for r in rows][:2] == ["<5", "<5"] and "<5" not in rows[2] + rows[3]
    assert "<5" not in str(_cells(key_figures_table(figures, INTERNAL)))


def test_publication_demo_leaves_out_case_lists(demo_publication_run, demo_run):
    internal = demo_run[0].output_dir
    for name in ("hemtjanst", "lss", "barn_unga"):
        published = (demo_publication_run.output_dir / f"{name}.html").read_text(encoding="utf-8")
        assert "redovisas inte i den här versionen" in published
        assert "(pseudonym)</th>" not in published
        assert "(pseudonym)</th>" in (internal / f"{name}.html").read_text(encoding="utf-8")


def test_internal_demo_has_small_counts_and_top_cases(demo_run):
    """Internal mode shows everything: the same scan finds small counts, and no report leaves anything out."""
    internal = demo_run[0].output_dir
    assert any(_small_counts(t) for tabs in _report_tables(internal).values() for t in tabs)
    for report in REPORTS:
        assert "redovisas inte i den här versionen" not in (internal / f"{report.name}.html").read_text(
            encoding="utf-8")
    record = json.loads((demo_run[0].results_dir / "run.json").read_text(encoding="utf-8"))
    assert record["report_mode"]["publication"] is False


#: The privacy hooks of the renderer, the charts and the text helpers (methods of the report's Policy), each with
#: what it must hand back in internal mode: exactly what the hook taken out would (its own argument, nothing
#: hidden, nothing small)
HOOKS_TAKEN_OUT = {
    "hidden_cells": lambda *a, **k: None,
    "chart_frame": lambda frame, value, drop=True: frame,
    "histogram_values": lambda values, bins: (values, bins),
    "small": lambda n: False,
    "guard": lambda n, *derived, marker=None: derived[0] if len(derived) == 1 else derived,
}


def _same(got, want) -> bool:
    """``got`` is ``want``: the very objects (element by element for a tuple), so nothing downstream can differ."""
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(g is w for g, w in zip(got, want, strict=True))
    return got is want


def test_internal_mode_is_unchanged_by_the_privacy_hooks(demo_run, monkeypatch):
    """Every table and chart the report templates show, computed on the demo in internal mode, is byte for byte
    what it is with the privacy hooks taken out of the renderer and the charts.

    One execution of every template cell proves it: each hook call hands back the very objects the hook taken out
    would return for the same arguments, and leaves its arguments as they were, so the cells compute the same."""
    import nbformat

    from kpbkit.report.templates_catalog import templates_dir

    result = demo_run[0]
    calls = dict.fromkeys(HOOKS_TAKEN_OUT, 0)
    policies = set()

    def spy(name: str):
        real, taken_out = getattr(Policy, name), HOOKS_TAKEN_OUT[name]

        def hook(policy, *args, **kwargs):
            policies.add(policy)
            before = [a.copy(deep=True) if isinstance(a, pd.DataFrame | pd.Series) else None for a in args]
            got = real(policy, *args, **kwargs)
            assert _same(got, taken_out(*args, **kwargs)), (name, args, kwargs, got)
            for arg, copy in zip(args, before, strict=True):
                assert copy is None or arg.equals(copy), (name, "changed its argument")
            calls[name] += 1
            return got

        return hook

    for name in HOOKS_TAKEN_OUT:
        monkeypatch.setattr(Policy, name, spy(name))
    for report in REPORTS:
        nb = nbformat.read(templates_dir() / f"{report.name}.ipynb", as_version=4)
        ns = {"period_folder": str(result.output_dir), "config_path": str(result.config.path),  # either parameters
              "period": result.config.period.label, "results_dir": str(result.results_dir), "publication": False}
        for cell in nb.cells[1:]:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, report.name, "exec"), ns)  # noqa: S102
            if last is not None:  # what the cell shows, as the original comparison read it
                value = eval(compile(ast.Expression(last.value), report.name, "eval"), ns)  # noqa: S307
                getattr(value, "data", None)
    assert calls["hidden_cells"] and calls["chart_frame"] and calls["guard"], calls  # the hooks are passed through
    assert policies == {Policy()}  # the one policy the run recorded: internal, the default threshold


# --- safe by default (issue 14) ----------------------------------------------------------------------------

BANNER = "Arbetsmaterial – innehåller uppgifter på individnivå"


def _workbook_text(path: Path) -> tuple[list[str], list[str]]:
    """Every sheet's first-column text and every sheet's print header, read from the file."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    summary = [str(r[0]) for ws in book.worksheets for r in ws.iter_rows(max_col=1, values_only=True)
               if r and r[0] is not None]
    headers = [ws.oddHeader.center.text or "" for ws in book.worksheets]
    return summary, headers


def test_a_config_without_report_settings_is_published_and_internal_must_be_asked_for(tmp_path, write_case):
    from click.testing import CliRunner

    from kpbkit.cli import main

    assert ReportSection().publication is True
    config = write_case(tmp_path, config={"report": None})
    for flags, published in (((), True), (("--internal",), False)):
        result = CliRunner().invoke(main, ["run", str(config), "--results-only", *flags])
        assert result.exit_code == 0, result.output
        out = tmp_path / "reports" / "testkommun" / "2025"
        record = json.loads((out / "results" / "run.json").read_text(encoding="utf-8"))
        assert record["report_mode"]["publication"] is published, flags
        for book in (out / "kpb_testkommun_2025.xlsx", out / "results" / "pa_six_month.xlsx"):
            summary, headers = _workbook_text(book)
            marked = any(BANNER in line for line in summary) and all(BANNER in h for h in headers)
            assert marked is not published, (book.name, flags)
    both = CliRunner().invoke(main, ["run", str(config), "--results-only", "--internal", "--publish"])
    assert both.exit_code == 2 and "not both" in both.output


def test_internal_reports_say_so_on_every_page_and_published_ones_do_not(demo_run, demo_publication_run):
    from tests.privacy import pdf_text, visible_text

    internal = demo_run[0].output_dir
    for report in REPORTS:
        assert BANNER in visible_text(internal / f"{report.name}.html"), report.name
        pdf = internal / f"{report.name}.pdf"
        if pdf.is_file():
            pages = pdf_text(pdf).split("\f")
            assert all(BANNER in page for page in pages if page.strip()), report.name
        assert BANNER not in visible_text(demo_publication_run.output_dir / f"{report.name}.html"), report.name


def test_every_chart_carries_its_source_and_period(demo_run):
    output = demo_run[0].output_dir
    for report in REPORTS:
        soup = BeautifulSoup((output / f"{report.name}.html").read_text(encoding="utf-8"), "html.parser")
        figures = soup.find_all("figure", class_="kpb-figure")
        sources = [f.find("p", class_="kpb-source") for f in figures]
        assert all(s is not None and "Exempelkommuns" in s.get_text() and "2025" in s.get_text()
                   for s in sources), report.name
