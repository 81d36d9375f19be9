"""The explorer (kpbkit.explorer, utforska.ipynb, `kpbkit lab`): selections change the tables as worked by hand."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kpbkit.analyses.load import load_results
from kpbkit.cli import main
from kpbkit.explorer import ALL, NO_PROVIDER, TABLE_NAMES, Explorer, Selection, explore, selected_rows
from kpbkit.pipeline import run_client
from tests.conftest import write_case_files
from tests.privacy import personnummer_forms

PNR = re.compile(r"\d{6,8}[-+]?\d{4}")

# a tiny run: three persons, hemtjänst from an own (P1) and an external (P2) provider, one safety alarm
TINY = {
    "persons": "person_id,birth_date,sex\np1,1941-01-01,M\np2,1950-06-01,K\np3,1990-01-01,K\n",
    "providers": "provider_id,name,regi\nP1,Hemtjansten Norr,egen\nP2,Omsorg AB,extern\n",
    "visits": (
        "person_id,service_code,date,minutes,provider_id\n"
        "p1,hemtjanst,2025-03-01,60,P1\np1,hemtjanst,2025-03-02,60,P2\n"
        "p2,hemtjanst,2025-03-01,120,P2\np3,hemtjanst,2025-03-01,30,P1\n"
    ),
    "ledger": (
        "date,account,responsibility,activity,amount\n"
        "2025-03-31,5010,100,510,900.00\n2025-03-31,5010,100,511,1800.00\n"
    ),
    "ledger_rules": (
        "activity,account_prefix,responsibility,target,kind\n"
        "510,,,service:hemtjanst:egen,cost\n511,,,service:hemtjanst:extern,cost\n"
    ),
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """The tiny case run once for the module (its config; the output under its folder's reports/)."""
    config = write_case_files(tmp_path_factory.mktemp("tiny"), **TINY)
    run_client(config, render=False, progress=lambda *a: None)
    return config


@pytest.fixture
def tiny(tiny_run: Path, tmp_path: Path) -> Path:
    """A copy of the tiny run's folder of this test's own (the config's paths are relative to it)."""
    shutil.copytree(tiny_run.parent, tmp_path / "tiny")
    return tmp_path / "tiny" / tiny_run.name


def _period_folder(config: Path) -> Path:
    return config.parent / "reports" / "testkommun" / "2025"


def _by_hand(pc: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    rows = pc[mask]
    return rows.groupby(["service_code", "regi"]).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), gross_cost=("gross_cost", "sum"))


def _assert_per_service(table: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = table.set_index(["service_code", "regi"]).sort_index()
    expected = expected.sort_index()
    assert list(got.index) == list(expected.index)
    assert got["brukare"].tolist() == expected["brukare"].tolist()
    assert got["volume"].tolist() == pytest.approx(expected["volume"].tolist(), rel=1e-12)
    assert got["gross_cost"].tolist() == pytest.approx(expected["gross_cost"].tolist(), rel=1e-12)


# --- the tiny run: numbers worked by hand -------------------------------------------------------------------

def test_tiny_run_tables_by_hand(tiny) -> None:
    res = load_results(_period_folder(tiny))
    t = explore(res, Selection("aldreomsorg"))
    ps = t["per_service"].set_index("regi")
    # egen: p1 60 min + p3 30 min = 1.5 h for 900 kr; extern: p1 60 + p2 120 min = 3 h for 1 800 kr
    assert ps.loc["egen", "brukare"] == 2 and ps.loc["extern", "brukare"] == 2
    assert ps.loc["egen", "volume"] == pytest.approx(1.5)
    assert ps.loc["extern", "volume"] == pytest.approx(3.0)
    assert ps.loc["egen", "kpb_cost_per_unit"] == pytest.approx(600.0)
    assert ps.loc["extern", "kpb_cost_per_unit"] == pytest.approx(600.0)
    summary = t["summary"].set_index("kpi")["value"]
    assert summary["brukare"] == 3 and summary["gross_cost"] == pytest.approx(2700.0)
    # p1: 600 + 600, p2: 1 200, p3: 300
    assert summary["median_cost_per_brukare"] == pytest.approx(1200.0)
    top = t["top_cases"]
    assert top["gross_cost"].tolist() == pytest.approx([1200.0, 1200.0, 300.0])
    assert t["distribution"]["brukare"].sum() == 3
    prov = t["per_provider"].set_index("provider_id")
    assert prov.loc["P1", "provider_name"] == "Hemtjansten Norr"
    assert prov.loc["P2", "volume"] == pytest.approx(3.0) and prov.loc["P2", "gross_cost"] == pytest.approx(1800.0)


def test_tiny_run_provider_and_sex_selection(tiny) -> None:
    res = load_results(_period_folder(tiny))
    only_p2 = explore(res, Selection("aldreomsorg", providers=("P2",)))
    assert only_p2["per_service"]["regi"].tolist() == ["extern"]
    assert only_p2["summary"].set_index("kpi").loc["brukare", "value"] == 2
    women = explore(res, Selection("aldreomsorg", sex=("K",)))
    assert women["summary"].set_index("kpi").loc["gross_cost", "value"] == pytest.approx(1500.0)


def test_lab_dry_run_writes_the_notebook_with_parameters(tiny) -> None:
    import nbformat

    out = CliRunner().invoke(main, ["lab", str(tiny), "--dry-run", "--no-browser", "--", "--port", "8899"])
    assert out.exit_code == 0, out.output
    assert "--no-browser --port 8899" in out.output  # passed through to jupyter lab
    notebook = tiny.parent / "reports" / "testkommun" / "2025" / "utforska.ipynb"
    assert notebook.is_file() and f"Notebook: {notebook}" in out.output
    assert "jupyter-lab" in out.output and "--no-browser" in out.output
    nb = nbformat.read(notebook, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert f'period_folder = "{notebook.parent.resolve()}"' in source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "written, not executed"


def test_lab_keeps_an_existing_notebook_unless_fresh(tiny) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["lab", str(tiny), "--dry-run"]).exit_code == 0
    notebook = tiny.parent / "reports" / "testkommun" / "2025" / "utforska.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Utforska", "Mitt eget"), encoding="utf-8")
    assert runner.invoke(main, ["lab", str(tiny), "--dry-run"]).exit_code == 0
    assert "Mitt eget" in notebook.read_text(encoding="utf-8")
    assert runner.invoke(main, ["lab", str(tiny), "--dry-run", "--fresh"]).exit_code == 0
    assert "Mitt eget" not in notebook.read_text(encoding="utf-8")


def test_lab_without_results_is_a_clear_error(tmp_path, write_case, cli_isolation) -> None:
    config = write_case(tmp_path)
    out = CliRunner().invoke(main, ["lab", str(config), "--dry-run"])
    assert out.exit_code == 2
    assert "no results for testkommun 2025" in out.output and "kpbkit run" in out.output
    assert "Traceback" not in out.output


def test_lab_help() -> None:
    out = CliRunner().invoke(main, ["lab", "--help"])
    assert out.exit_code == 0 and "--dry-run" in out.output and "--no-browser" in out.output
    assert "kpbkit lab client_configs/exempelkommun.yaml" in out.output


@pytest.mark.render
def test_written_notebook_runs_with_papermill(tiny, tmp_path) -> None:
    import nbformat
    import papermill

    CliRunner().invoke(main, ["lab", str(tiny), "--dry-run"])
    notebook = tiny.parent / "reports" / "testkommun" / "2025" / "utforska.ipynb"
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), cwd=str(tmp_path), progress_bar=False)
    nb = nbformat.read(executed, as_version=4)
    data = [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in d for d in data), "the explorer widget is shown"
    # the last cell shows an output widget (it follows the selection) holding the table per service
    last = [c for c in nb.cells if c.cell_type == "code"][-1].outputs[0]["data"]
    model = last["application/vnd.jupyter.widget-view+json"]["model_id"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"][model]["state"]
    assert any("Hemtjänst" in o.get("data", {}).get("text/html", "") for o in state["outputs"])


# --- the demo run: selections against person_costs filtered by hand ------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_run):
    result, _ = demo_run
    res = load_results(result.output_dir)
    explorer = Explorer(res, area="aldreomsorg", charts=False)
    rows = selected_rows(res, Selection("aldreomsorg"))
    return res, explorer, rows


def _area_costs(res):
    from kpbkit.analyses.common import area_costs

    return area_costs(res, "aldreomsorg")


def test_default_selection_is_the_whole_area(demo) -> None:
    res, ex, _ = demo
    pc = _area_costs(res)
    _assert_per_service(ex.tables["per_service"], _by_hand(pc, pc["area"] == "aldreomsorg"))
    summary = ex.tables["summary"].set_index("kpi")["value"]
    assert summary["brukare"] == pc["person_id"].nunique()
    assert summary["gross_cost"] == pytest.approx(pc["gross_cost"].sum(), rel=1e-12)


def test_changing_services_age_sex_and_regi_changes_the_tables(demo) -> None:
    res, ex, _ = demo
    pc = _area_costs(res)
    try:
        ex.controls["services"].value = ("hemtjanst",)
        _assert_per_service(ex.tables["per_service"], _by_hand(pc, pc["service_code"] == "hemtjanst"))
        ex.controls["age_bands"].value = ("80+",)
        mask = (pc["service_code"] == "hemtjanst") & (pc["age_band"] == "80+")
        _assert_per_service(ex.tables["per_service"], _by_hand(pc, mask))
        ex.controls["sex"].value = "K"
        mask &= pc["sex"] == "K"
        _assert_per_service(ex.tables["per_service"], _by_hand(pc, mask))
        ex.controls["regi"].value = "extern"
        mask &= pc["regi"] == "extern"
        _assert_per_service(ex.tables["per_service"], _by_hand(pc, mask))
        expected_top = pc[mask].groupby("person_id")["gross_cost"].sum().sort_values(ascending=False).head(10)
        assert ex.tables["top_cases"]["gross_cost"].tolist() == pytest.approx(expected_top.tolist(), rel=1e-12)
        assert ex.tables["distribution"]["brukare"].sum() == pc[mask]["person_id"].nunique()
        html = ex.outputs["per_service"].outputs[0]["data"]["text/html"]
        assert "Hemtjänst" in html and "Extern regi" in html
    finally:
        ex.controls["area"].value = "lss"
        ex.controls["area"].value = "aldreomsorg"
        ex.controls["sex"].value = "*"
        ex.controls["regi"].value = "*"


def test_provider_selection_uses_the_deliveries(demo) -> None:
    res, ex, rows = demo
    provider = ex.tables["per_provider"].query("service_code == 'hemtjanst'")["provider_id"].iloc[0]
    d = res.deliveries
    d = d[(d["provider_id"] == provider) & (d["service_code"] == "hemtjanst")]
    try:
        ex.controls["providers"].value = (provider,)
        table = ex.tables["per_provider"]
        assert table["provider_id"].unique().tolist() == [provider]
        hem = table[table["service_code"] == "hemtjanst"]
        assert int(hem["brukare"].sum()) == d["person_id"].nunique()
        assert float(hem["volume"].sum()) == pytest.approx(float(d["volume"].sum()), rel=1e-12)
    finally:
        ex.controls["providers"].value = tuple(v for _, v in ex.controls["providers"].options)
    # split by provider, the area's money still adds up to person_costs
    assert rows["gross_cost"].sum() == pytest.approx(_area_costs(res)["gross_cost"].sum(), rel=1e-12)
    assert NO_PROVIDER in set(rows["provider_id"])  # safety alarms have no provider


def test_empty_selections_give_empty_tables(demo) -> None:
    res, ex, _ = demo
    for name in ("services", "age_bands", "providers"):
        before = ex.controls[name].value
        try:
            ex.controls[name].value = ()
            for table in ("per_service", "per_provider", "by_age_sex", "distribution", "top_cases"):
                assert ex.tables[table].empty, (name, table)
            assert ex.tables["summary"].set_index("kpi").loc["brukare", "value"] == 0
            assert "Inga brukare i urvalet" in ex.outputs["per_service"].outputs[0]["data"]["text/html"]
        finally:
            ex.controls[name].value = before
    assert not ex.tables["per_service"].empty


def test_area_change_refills_the_controls(demo) -> None:
    res, ex, _ = demo
    try:
        ex.controls["area"].value = "lss"
        services = set(ex.controls["services"].value)
        assert services == set(res.person_costs.query("area == 'lss'")["service_code"])
        assert set(ex.tables["per_service"]["service_code"]) == services
        assert set(ex.controls["age_bands"].value) <= {b.label for b in res.config.age_bands["lss"]} | {"Okänd"}
    finally:
        ex.controls["area"].value = "aldreomsorg"


def test_no_personnummer_in_any_table_or_pane(demo, demo_run) -> None:
    res, _, _ = demo
    forms = personnummer_forms(demo_run[1])
    assert len(forms) > 1000

    def leaks(text: str) -> set[str]:
        return {m for m in PNR.findall(text) if m in forms}

    ex = Explorer(res, charts=True)
    for area in [o[1] for o in ex.controls["area"].options]:
        ex.controls["area"].value = area
        for name, table in ex.tables.items():
            assert not leaks(table.to_csv(index=False)), (area, name)
        for name, out in ex.outputs.items():
            assert not leaks(out.outputs[0]["data"]["text/html"]), (area, name)
        assert ex.tables["top_cases"]["person_id"].str.fullmatch(r"p[0-9a-f]{16}").all(), area


def test_widget_box_builds_without_a_browser(demo) -> None:
    import ipywidgets

    _, ex, _ = demo
    box = ex.show()
    assert isinstance(box, ipywidgets.VBox)
    assert ex.controls["services"].description == "Insatser"
    assert {"Alla", "Kvinnor", "Män"} <= {label for label, _ in ex.controls["sex"].options}


def test_the_lists_follow_each_other_and_can_be_chosen_whole_reset_and_exported(tiny) -> None:
    """Issue 16's explorer polish, on the widget state: providers narrow to the chosen services, each list has
    "select all", one button resets everything, the key figures show once (above the tabs) and the selection's
    tables export to a workbook."""
    import openpyxl

    from kpbkit.labels import explorer as xl

    ex = Explorer(load_results(_period_folder(tiny)), charts=False)
    rows = ex.rows("aldreomsorg")
    alarm = rows.assign(service_code="trygghetslarm", provider_id="P9", provider_name="Larmbolaget")
    ex._rows["aldreomsorg"] = pd.concat([rows, alarm], ignore_index=True)  # a second service, its own provider
    ex.reset()
    providers = ex.controls["providers"]
    assert set(providers.value) == {"P1", "P2", "P9"}

    ex.controls["services"].value = ("trygghetslarm",)
    assert [v for _, v in providers.options] == ["P9"] and providers.value == ("P9",)
    assert set(ex.tables["per_provider"]["provider_id"]) == {"P9"}  # the panes follow the selection
    ex.controls["services"].value = ("hemtjanst", "trygghetslarm")
    assert set(providers.value) == {"P1", "P2", "P9"}  # every provider chosen again, as before narrowing

    ex.controls["providers"].value = ("P1",)
    ex.controls["sex"].value = "K"
    ex.select_all("providers")
    assert set(providers.value) == {"P1", "P2", "P9"} and ex.controls["sex"].value == "K"
    ex.reset()
    assert ex.controls["sex"].value == ALL and set(ex.controls["services"].value) == {"hemtjanst", "trygghetslarm"}

    box = ex.widget()
    tabs = [child for child in box.children if child.__class__.__name__ == "Tab"][0]
    titles = [tabs.get_title(i) for i in range(len(tabs.children))]
    assert xl.SECTIONS["summary"] not in titles and titles == [xl.SECTIONS[n] for n in TABLE_NAMES[1:]]

    path = ex.export()
    assert path.name == "utforska_aldreomsorg.xlsx" and path.parent == _period_folder(tiny)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [xl.SECTIONS[n][:31] for n in TABLE_NAMES]
    sheet = book[xl.SECTIONS["per_provider"][:31]]
    assert len(list(sheet.iter_rows())) == 1 + len(ex.tables["per_provider"])


def test_lab_turns_jupyterlab_s_news_off(tiny) -> None:
    from kpbkit.lab import lab_command

    assert "--LabApp.news_url=None" in lab_command(Path("utforska.ipynb"))


def test_lab_starts_jupyterlab_with_its_own_settings(tiny, monkeypatch) -> None:
    """Widget state saved with the notebook and a short autosave (the widgets survive a browser reload), no news
    pop-up; the installation's own overrides kept beneath them."""
    import json
    import shlex

    from kpbkit.lab import LAB_SETTINGS_DIR

    app_dir = tiny.parent / "jupyterlab-app"
    (app_dir / "settings").mkdir(parents=True)
    (app_dir / "settings" / "overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False}}), encoding="utf-8")
    monkeypatch.setenv("JUPYTERLAB_DIR", str(app_dir))
    out = CliRunner().invoke(main, ["lab", str(tiny), "--dry-run"])
    assert out.exit_code == 0, out.output
    folder = _period_folder(tiny) / LAB_SETTINGS_DIR
    command = shlex.split(out.output.split("Command:", 1)[1].strip())
    assert f"--LabApp.app_settings_dir={folder.resolve()}" in command
    overrides = json.loads((folder / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["autosaveInterval"] <= 10
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert overrides["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_the_last_cell_s_table_follows_the_selection(tiny) -> None:
    """explorer.table(name) (utforska.ipynb's last cell) is a pane that every change of the controls redraws."""
    ex = Explorer(load_results(_period_folder(tiny)), charts=False)
    pane = ex.table("per_service")
    assert ex.table("per_service") is pane  # the cell run again shows the same pane

    def shown() -> str:
        return pane.outputs[0]["data"]["text/html"]

    assert "Egen regi" in shown() and "Extern regi" in shown()
    ex.controls["providers"].value = ("P2",)  # Omsorg AB: external only
    assert "Extern regi" in shown() and "Egen regi" not in shown()
    ex.controls["providers"].value = ()
    assert "Inga brukare i urvalet" in shown()
    ex.reset()
    assert "Egen regi" in shown()
    with pytest.raises(Exception, match="no explorer table 'per_area'"):
        ex.table("per_area")
