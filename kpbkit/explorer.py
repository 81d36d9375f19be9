"""The interactive explorer behind ``templates/notebooks/utforska.ipynb`` (``kpbkit lab``).

The logic is pure and testable without a browser: a :class:`Selection` (area, services, age bands, sex,
regi, providers) and functions from ``(Results, Selection)`` to the key tables. :class:`Explorer` adds the
ipywidgets controls and output panes; its :meth:`Explorer.refresh` recomputes everything from the current
widget values, so a test can set ``explorer.controls["services"].value = ("hemtjanst",)`` and read
``explorer.tables["per_service"]``.

Internal mode only: brukare are shown by pseudonym and small groups are not suppressed, so the explorer is
the consultant's working view, not a deliverable.

Providers come from the run's ``deliveries`` interim table (the visits and stays per person, service, regi
and provider). A person_costs row (person × service × regi) delivered by several providers is split
between them in proportion to the volume each delivered; rows with no provider (e.g. trygghetslarm) keep
the provider :data:`NO_PROVIDER`.

>>> ex = Explorer.for_run("reports/exempelkommun/2025")   # doctest: +SKIP
>>> ex.controls["age_bands"].value = ("80+",)                            # doctest: +SKIP
>>> ex.tables["per_provider"]                                            # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpbkit import charts, formats, labels, tables
from kpbkit.analyses import common
from kpbkit.analyses.load import Results, load_results
from kpbkit.labels import explorer as xl
from kpbkit.model.kpis import top_share
from kpbkit.privacy import Policy

#: the provider key of rows no provider delivered (and the sex key of persons of unknown sex)
NO_PROVIDER = "-"
UNKNOWN_SEX = "-"
#: the toggle value meaning "no filter"
ALL = "*"
#: internal mode: the explorer is the consultant's working view, never shown to readers
POLICY = Policy()

MONEY = ("direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "net_cost")
_EMPTY_ROWS = pd.DataFrame(columns=["person_id", "service_code", "age_band", "sex", "regi", "provider_id",
                                    "provider_name", "unit", "volume", *MONEY])
TABLE_NAMES = ("summary", "per_service", "per_provider", "by_age_sex", "distribution", "top_cases")
#: the lists with a "select all" button
LISTS = ("services", "age_bands", "providers")
#: the explorer's own CSS (in its header): ipywidgets cuts each tab title at 144 px ("Fördelning av kostn…"), so
#: the tabs are as wide as their titles and wrap onto a second row where the notebook is narrow
STYLE = """<style>
.kpb-explorer .jupyter-widget-tab > .lm-TabBar > .lm-TabBar-content { flex-wrap: wrap; }
.kpb-explorer .jupyter-widget-tab > .lm-TabBar { overflow: visible; min-height: fit-content; }
.kpb-explorer .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; max-width: none; }
.kpb-explorer .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tabLabel { overflow: visible; }
</style>"""


@dataclass(frozen=True)
class Selection:
    """What the explorer shows: one area and, per dimension, the chosen keys (``None`` = all, ``()`` = none).

    Keys are codes: service codes, age band labels, sex ``"K"``/``"M"``/:data:`UNKNOWN_SEX`, regi
    ``"egen"``/``"extern"``, provider ids (or :data:`NO_PROVIDER`).

    >>> Selection("aldreomsorg", age_bands=("80+",), regi=("extern",))
    Selection(area='aldreomsorg', services=None, age_bands=('80+',), sex=None, regi=('extern',), providers=None)
    """

    area: str
    services: tuple[str, ...] | None = None
    age_bands: tuple[str, ...] | None = None
    sex: tuple[str, ...] | None = None
    regi: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None


def areas(results: Results) -> list[str]:
    """The areas with any person_costs rows, in the catalogue's order."""
    present = set(results.person_costs["area"].dropna())
    return [a for a in labels.AREAS if a in present] + sorted(present - set(labels.AREAS))


def area_rows(results: Results, area: str) -> pd.DataFrame:
    """The area's person_costs rows split by provider, with age band, sex and provider name.

    One row per person, service, regi and provider; the money and volume columns of a person_costs row
    delivered by several providers are split in proportion to each provider's volume, so every total
    equals person_costs'.
    """
    rows = common.area_costs(results, area)
    rows["sex"] = rows["sex"].astype("string").fillna(UNKNOWN_SEX)
    rows["age_band"] = rows["age_band"].astype("string").replace(common.UNKNOWN_AGE, labels.UNKNOWN)
    keys = ["person_id", "service_code", "regi"]
    deliveries = results.tables.get("deliveries")
    if deliveries is None or not len(rows):
        rows["provider_id"] = NO_PROVIDER
    else:
        d = deliveries[keys + ["provider_id", "volume"]].astype({k: "string" for k in keys + ["provider_id"]})
        d = d.assign(provider_id=d["provider_id"].fillna(NO_PROVIDER))
        d = d.groupby(keys + ["provider_id"], as_index=False)["volume"].sum()
        d = d.rename(columns={"volume": "provider_volume"})
        rows = rows.merge(d, on=keys, how="left")
        rows["provider_id"] = rows["provider_id"].fillna(NO_PROVIDER)
        total = rows.groupby(keys)["provider_volume"].transform("sum")
        parts = rows.groupby(keys)["provider_id"].transform("size")
        share = np.where(parts == 1, 1.0, np.where(total > 0, rows["provider_volume"] / total, 1.0 / parts))
        rows[list(MONEY) + ["volume"]] = rows[list(MONEY) + ["volume"]].mul(share, axis=0)
        rows = rows.drop(columns="provider_volume")
    names = {NO_PROVIDER: xl.NO_PROVIDER}
    providers = results.tables.get("providers")
    if providers is not None:
        names.update(zip(providers["provider_id"].astype(str), providers["name"].astype(str), strict=True))
    rows["provider_name"] = rows["provider_id"].map(lambda p: names.get(p, p)).astype("string")
    return rows.reset_index(drop=True)


def select(rows: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The rows of :func:`area_rows` that the selection keeps (each dimension ``None`` keeps all)."""
    mask = pd.Series(True, index=rows.index)
    for column, chosen in (("service_code", selection.services), ("age_band", selection.age_bands),
                           ("sex", selection.sex), ("regi", selection.regi), ("provider_id", selection.providers)):
        if chosen is not None:
            mask &= rows[column].isin(list(chosen)).fillna(False).astype(bool)
    return rows[mask].reset_index(drop=True)


def selected_rows(results: Results, selection: Selection) -> pd.DataFrame:
    """:func:`area_rows` of the selection's area, filtered by the selection."""
    return select(area_rows(results, selection.area), selection)


# --- tables: each takes the selected rows (``rows``) so the explorer computes the split once -------------

def per_service(rows: pd.DataFrame) -> pd.DataFrame:
    """Per service and regi: brukare, volume, unit, gross cost, KPB cost per unit and cost per brukare.

    The cost per unit is (direct + overhead) / volume as in the area reports' unit-cost table.
    """
    cols = ["service_code", "regi", "brukare", "volume", "unit", "gross_cost", "kpb_cost_per_unit",
            "cost_per_brukare"]
    if not len(rows):
        return pd.DataFrame(columns=cols)
    out = rows.groupby(["service_code", "regi"], observed=True).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        gross_cost=("gross_cost", "sum"), direct=("direct_cost", "sum"), overhead=("overhead_cost", "sum"),
    ).reset_index()
    out["kpb_cost_per_unit"] = (out["direct"] + out["overhead"]) / out["volume"].where(out["volume"] > 0)
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"]
    return out[cols].sort_values("gross_cost", ascending=False).reset_index(drop=True)


def per_provider(rows: pd.DataFrame) -> pd.DataFrame:
    """Per provider and service: regi, brukare, volume, unit, gross cost and cost per brukare."""
    cols = ["provider_id", "provider_name", "regi", "service_code", "brukare", "volume", "unit", "gross_cost",
            "cost_per_brukare"]
    if not len(rows):
        return pd.DataFrame(columns=cols)
    out = rows.groupby(["provider_id", "provider_name", "regi", "service_code"], observed=True).agg(
        brukare=("person_id", "nunique"), volume=("volume", "sum"), unit=("unit", "first"),
        gross_cost=("gross_cost", "sum"),
    ).reset_index()
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"]
    return out[cols].sort_values("gross_cost", ascending=False).reset_index(drop=True)


def by_age_sex(rows: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Per age band and sex (Swedish labels): brukare, gross cost and cost per brukare."""
    cols = ["age_band", "sex", "brukare", "gross_cost", "cost_per_brukare"]
    if not len(rows):
        return pd.DataFrame(columns=cols)
    data = rows.assign(sex=rows["sex"].map(labels.SEX).fillna(labels.UNKNOWN))
    out = data.groupby(["age_band", "sex"], observed=True).agg(
        brukare=("person_id", "nunique"), gross_cost=("gross_cost", "sum"),
    ).reset_index()
    out["cost_per_brukare"] = out["gross_cost"] / out["brukare"]
    if order:
        rank = {band: i for i, band in enumerate(order)}
        out = out.assign(_o=out["age_band"].map(rank).fillna(len(rank))).sort_values(["_o", "sex"])
        out = out.drop(columns="_o")
    return out[cols].reset_index(drop=True)


def cost_per_brukare(rows: pd.DataFrame) -> pd.Series:
    """Each selected brukare's gross cost, largest first."""
    if not len(rows):
        return pd.Series(dtype=float, name="gross_cost")
    return rows.groupby("person_id")["gross_cost"].sum().sort_values(ascending=False)


def distribution(rows: pd.DataFrame) -> pd.DataFrame:
    """Brukare and cost per bracket of cost per brukare (brackets of ``labels.explorer.BRACKETS``)."""
    costs = cost_per_brukare(rows)
    bounds = list(xl.BRACKETS)
    edges = [-math.inf, *bounds[1:], math.inf]
    bracket = pd.cut(costs, edges, right=False, labels=list(xl.BRACKETS.values()))
    out = pd.DataFrame({"bracket": list(xl.BRACKETS.values())})
    grouped = costs.groupby(bracket, observed=False).agg(["size", "sum"])
    out["brukare"] = grouped["size"].reindex(out["bracket"]).fillna(0).astype(int).to_numpy()
    out["gross_cost"] = grouped["sum"].reindex(out["bracket"]).fillna(0.0).to_numpy()
    n, total = len(costs), float(costs.sum())
    out["brukare_share"] = out["brukare"] / n if n else math.nan
    out["cost_share"] = out["gross_cost"] / total if total else math.nan
    return out if n else out.iloc[0:0]


def top_cases(rows: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most expensive selected brukare by pseudonym: age band, sex, services, gross and net cost."""
    cols = ["rank", "person_id", "age_band", "sex", "services", "gross_cost", "net_cost"]
    if not len(rows):
        return pd.DataFrame(columns=cols)
    persons = rows.groupby("person_id").agg(
        age_band=("age_band", "first"), sex=("sex", "first"), gross_cost=("gross_cost", "sum"),
        net_cost=("net_cost", "sum"),
        services=("service_code", lambda s: ", ".join(labels.service(c) for c in sorted(set(s)))),
    )
    top = persons.sort_values(["gross_cost", "person_id"], ascending=[False, True]).head(n).reset_index()
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    top["sex"] = top["sex"].map(labels.SEX).fillna(labels.UNKNOWN)
    return top[cols]


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Key figures of the selection (``kpi``, ``label``, ``value``, ``format``)."""
    costs = cost_per_brukare(rows)
    n = len(costs)
    values = {
        "brukare": (float(n), "int"),
        "gross_cost": (float(rows["gross_cost"].sum()) if n else 0.0, "kr"),
        "net_cost": (float(rows["net_cost"].sum()) if n else 0.0, "kr"),
        "cost_per_brukare": (float(costs.sum()) / n if n else math.nan, "kr"),
        "median_cost_per_brukare": (float(costs.median()) if n else math.nan, "kr"),
        "top10_cost_share": (top_share(costs, 0.10) if n else math.nan, "percent"),
    }
    return pd.DataFrame([{"kpi": k, "label": xl.SUMMARY[k], "value": v, "format": f}
                         for k, (v, f) in values.items()])


def explore(results: Results, selection: Selection, *, top_n: int = 10) -> dict[str, pd.DataFrame]:
    """Every table of the explorer for one selection, by name (see :data:`TABLE_NAMES`)."""
    rows = selected_rows(results, selection)
    return _tables(rows, [b.label for b in results.config.age_bands.get(selection.area, ())], top_n)


def _tables(rows: pd.DataFrame, order: list[str], top_n: int) -> dict[str, pd.DataFrame]:
    return {"summary": summary(rows), "per_service": per_service(rows), "per_provider": per_provider(rows),
            "by_age_sex": by_age_sex(rows, order + [labels.UNKNOWN]), "distribution": distribution(rows),
            "top_cases": top_cases(rows, top_n)}


# --- presentation: Swedish headers and formats, charts from kpbkit.charts ---------------------------------

H = {**labels.COLUMNS, **xl.COLUMNS}


def table_html(name: str, frame: pd.DataFrame) -> str:
    """One explorer table as a house-style HTML table (Swedish headers and number formats)."""
    if name == "summary":
        from kpbkit.views.common import key_figures_table

        return key_figures_table(frame, POLICY)
    view = frame.copy()
    if "service_code" in view:
        view["service"] = view["service_code"].map(labels.service)
    if "regi" in view:
        view["regi_label"] = view["regi"].map(labels.REGI).fillna(view["regi"])
    if "unit" in view:
        view["unit"] = view["unit"].map(labels.UNITS).fillna(view["unit"])
    column_formats = {
        "per_service": {"service": "text", "regi_label": "text", "brukare": "int", "volume": "int", "unit": "text",
                        "gross_cost": "kr", "kpb_cost_per_unit": "kr", "cost_per_brukare": "kr"},
        "per_provider": {"provider_name": "text", "regi_label": "text", "service": "text", "brukare": "int",
                         "volume": "int", "unit": "text", "gross_cost": "kr", "cost_per_brukare": "kr"},
        "by_age_sex": {"age_band": "text", "sex": "text", "brukare": "int", "gross_cost": "kr",
                       "cost_per_brukare": "kr"},
        "distribution": {"bracket": "text", "brukare": "int", "brukare_share": "percent", "gross_cost": "kr",
                         "cost_share": "percent"},
        "top_cases": {"rank": "int", "person_id": "text", "age_band": "text", "sex": "text", "services": "text",
                      "gross_cost": "kr", "net_cost": "kr"},
    }[name]
    return tables.render_html(view, column_formats, H, policy=POLICY)


def charts_html(found: dict[str, pd.DataFrame], costs: pd.Series) -> dict[str, str]:
    """The explorer's charts as accessible inline SVG figures, by the table they belong to."""
    out: dict[str, str] = {}
    ps = found["per_service"]
    if len(ps):
        bars = ps.assign(label=ps["service_code"].map(labels.service) + " – " + ps["regi"].map(labels.REGI)
                         .fillna(ps["regi"]), regi_label=ps["regi"].map(labels.REGI).fillna(ps["regi"]))
        fmt = "mkr" if bars["gross_cost"].abs().max() >= 2e6 else "kr"
        out["per_service"] = charts.figure_html(
            charts.barh(bars, label="label", value="gross_cost", title=xl.CHARTS["service_cost"],
                        policy=POLICY, value_format=fmt, color_by="regi_label"), xl.CHARTS["service_cost_alt"])
    if len(costs):
        median = float(costs.median())
        out["distribution"] = charts.figure_html(
            charts.histogram(costs, title=xl.CHARTS["hist"], xlabel="Kronor per brukare", policy=POLICY, marker=median,
                             marker_label=f"median {formats.kr(median)}"),
            xl.CHARTS["hist_alt"].format(median=formats.kr(median)))
    age = found["by_age_sex"]
    if len(age):
        out["by_age_sex"] = charts.figure_html(
            charts.grouped_bars(age.assign(age_band=age["age_band"].astype(str)), x="age_band", hue="sex",
                                value="brukare", title=xl.CHARTS["age_sex"], policy=POLICY, colors=charts.SEX_COLORS),
            xl.CHARTS["age_sex_alt"])
    return out


# --- the widgets ------------------------------------------------------------------------------------------

class Explorer:
    """ipywidgets controls and output panes over one run's results; :meth:`refresh` recomputes them.

    Parameters
    ----------
    results
        The run's results (:func:`kpbkit.analyses.load.load_results`).
    area
        The area shown first (default: the first area with costs).
    top_n
        How many brukare the top-case table lists.
    charts
        Draw the charts on each refresh (tests may switch them off for speed).

    Examples
    --------
    >>> ex = Explorer(load_results("client_configs/exempelkommun.yaml"))    # doctest: +SKIP
    >>> ex.controls["regi"].value = "extern"                                # doctest: +SKIP
    >>> ex.tables["per_service"]                                            # doctest: +SKIP
    """

    def __init__(self, results: Results, *, area: str | None = None, top_n: int = 10, charts: bool = True) -> None:
        import ipywidgets as w

        self.results = results
        self.top_n = top_n
        self.draw_charts = charts
        self.tables: dict[str, pd.DataFrame] = {}
        self.charts: dict[str, str] = {}
        self._rows: dict[str, pd.DataFrame] = {}
        self._views: dict[str, object] = {}
        self._empty = True
        self._busy = False
        choices = areas(results)
        if area is not None and area not in choices:
            from kpbkit.errors import KpbkitError

            raise KpbkitError(f"area '{area}' has no costs in this run",
                              fix=f"use one of: {', '.join(choices) or 'none (the run has no person costs)'}")
        c = xl.CONTROLS
        self.controls = {
            "area": w.Dropdown(options=[(labels.AREAS.get(a, a), a) for a in choices],
                               value=area or (choices[0] if choices else None), description=c["area"]),
            "services": w.SelectMultiple(description=c["services"], rows=8),
            "age_bands": w.SelectMultiple(description=c["age_bands"], rows=5),
            "sex": w.ToggleButtons(options=[(xl.ALL, ALL), (labels.SEX["K"], "K"), (labels.SEX["M"], "M"),
                                            (labels.UNKNOWN, UNKNOWN_SEX)], value=ALL, description=c["sex"]),
            "regi": w.ToggleButtons(options=[(xl.ALL, ALL), (labels.REGI["egen"], "egen"),
                                             (labels.REGI["extern"], "extern")], value=ALL, description=c["regi"]),
            "providers": w.SelectMultiple(description=c["providers"], rows=8),
        }
        style = {"description_width": "110px"}
        for control in self.controls.values():
            control.style = style
        self.outputs = {name: w.Output() for name in TABLE_NAMES}
        fit = {"width": "auto"}  # as wide as its text, never cut ("Spara urvalet i …")
        self.buttons = {name: w.Button(description=xl.SELECT_ALL, layout=fit) for name in LISTS}
        for name, button in self.buttons.items():
            button.on_click(lambda _b, name=name: self.select_all(name))
        self.buttons["reset"] = w.Button(description=xl.RESET, layout=fit)
        self.buttons["reset"].on_click(lambda _b: self.reset())
        self.buttons["export"] = w.Button(description=xl.EXPORT, icon="file-excel-o", layout=fit)
        self.buttons["export"].on_click(lambda _b: self._export_clicked())
        self.message = w.HTML("")
        self._fill_options()
        self.controls["area"].observe(self._on_area, names="value")
        self.controls["services"].observe(self._on_services, names="value")
        for name in ("services", "age_bands", "sex", "regi", "providers"):
            self.controls[name].observe(self.refresh, names="value")
        self.refresh()

    @classmethod
    def for_run(cls, period_folder: str | Path, **options) -> Explorer:
        """The explorer over a run's period folder ``<output>/<client>/<period>``."""
        return cls(load_results(period_folder), **options)

    # options of the per-area controls
    def rows(self, area: str) -> pd.DataFrame:
        """:func:`area_rows` of ``area``, computed once per explorer."""
        if area not in self._rows:
            self._rows[area] = area_rows(self.results, area)
        return self._rows[area]

    def _fill_options(self) -> None:
        area = self.controls["area"].value
        rows = self.rows(area) if area else _EMPTY_ROWS
        present = set(rows["service_code"])
        services = [s for s in self.results.config.catalog.codes if s in present]
        services += sorted(present - set(services))
        bands = [b.label for b in self.results.config.age_bands.get(area, ())]
        present = set(rows["age_band"])
        bands = [b for b in bands if b in present] + sorted(present - set(bands))
        providers = rows[["provider_id", "provider_name"]].drop_duplicates().sort_values("provider_name")
        self._busy = True
        try:
            for name, options in (
                ("services", [(labels.service(s), s) for s in services]),
                ("age_bands", [(b, b) for b in bands]),
                ("providers", list(zip(providers["provider_name"], providers["provider_id"], strict=True))),
            ):
                self.controls[name].options = options
                self.controls[name].value = tuple(v for _, v in options)
        finally:
            self._busy = False

    def _on_area(self, _change=None) -> None:
        self._fill_options()
        self.refresh()

    def _providers_of(self, services: tuple[str, ...]) -> list[tuple[str, str]]:
        """(name, id) of the providers with rows in ``services`` of the chosen area, by name."""
        area = self.controls["area"].value
        rows = self.rows(area) if area else _EMPTY_ROWS
        rows = rows[rows["service_code"].isin(services)]
        found = rows[["provider_id", "provider_name"]].drop_duplicates().sort_values("provider_name")
        return list(zip(found["provider_name"], found["provider_id"], strict=True))

    def _on_services(self, _change=None) -> None:
        """The provider list follows the chosen services: only those delivering them, all still chosen that were
        (every one where every one was)."""
        if self._busy:
            return
        control = self.controls["providers"]
        before, was_all = set(control.value), set(control.value) == {v for _, v in control.options}
        options = self._providers_of(tuple(self.controls["services"].value))
        self._busy = True
        try:
            control.options = options
            control.value = tuple(v for _, v in options if was_all or v in before)
        finally:
            self._busy = False

    def select_all(self, name: str) -> None:
        """Choose every option of one list (services, age bands or providers)."""
        control = self.controls[name]
        control.value = tuple(v for _, v in control.options)

    def reset(self) -> None:
        """Everything chosen again: every service, age band and provider, both sexes and regi."""
        self._busy = True
        try:
            self.controls["sex"].value = ALL
            self.controls["regi"].value = ALL
            self._fill_options()
        finally:
            self._busy = False
        self.refresh()

    def export(self, path: str | Path | None = None) -> Path:
        """The current selection's tables as a workbook (one sheet per table, Swedish headers), by default
        ``utforska_<area>.xlsx`` in the run's period folder; refused if a cell is shaped like a personnummer."""
        from kpbkit.io.identity_guard import save_workbook
        from kpbkit.report.sheets import new_workbook, write_table_sheet

        area = self.controls["area"].value or "urval"
        target = Path(path) if path is not None else Path(self.results.folder).parent / f"utforska_{area}.xlsx"
        book = new_workbook(banner=labels.INTERNAL_BANNER, rows=sum(len(t) for t in self.tables.values()))
        for name in TABLE_NAMES:
            frame = self.tables[name].reset_index(drop=True)
            columns = list(frame.columns)
            write_table_sheet(book, xl.SECTIONS[name][:31], columns=columns,
                              headers=[H.get(c, xl.SUMMARY.get(c, c)) for c in columns],
                              values={c: [None if pd.isna(v) else v for v in frame[c].tolist()] for c in columns},
                              formats={})
        target.parent.mkdir(parents=True, exist_ok=True)
        return save_workbook(book, target)

    def _export_clicked(self) -> None:
        self.message.value = f"<p>{xl.EXPORTED.format(path=self.export())}</p>"

    @property
    def selection(self) -> Selection:
        """The selection the widgets currently hold."""
        v = {name: control.value for name, control in self.controls.items()}
        return Selection(
            area=v["area"], services=tuple(v["services"]), age_bands=tuple(v["age_bands"]),
            sex=None if v["sex"] == ALL else (v["sex"],), regi=None if v["regi"] == ALL else (v["regi"],),
            providers=tuple(v["providers"]),
        )

    def refresh(self, _change=None) -> None:
        """Recompute every table (and chart) from the current widget values and redraw the panes."""
        if self._busy:
            return
        selection = self.selection
        rows = select(self.rows(selection.area) if selection.area else _EMPTY_ROWS, selection)
        order = [b.label for b in self.results.config.age_bands.get(selection.area or "", ())]
        self.tables = _tables(rows, order, self.top_n)
        self._empty = not len(rows)
        self.charts = charts_html(self.tables, cost_per_brukare(rows)) if self.draw_charts else {}
        for name, out in self.outputs.items():
            self._draw(out, name, chart=True)
        for name, out in self._views.items():
            self._draw(out, name, chart=False)

    def _draw(self, out, name: str, *, chart: bool) -> None:
        """Show table ``name`` of the current selection in the output widget ``out`` (with its chart if ``chart``)."""
        from IPython.display import HTML

        frame = self.tables[name]
        body = table_html(name, frame) if len(frame) and not self._empty else f'<p class="kpb-text">{xl.EMPTY}</p>'
        out.outputs = ()
        out.append_display_data(HTML(f"<h3>{xl.SECTIONS[name]}</h3>" + body +
                                     (self.charts.get(name, "") if chart else "")))

    def table(self, name: str):
        """One table of the current selection in house style (Swedish headers and number formats), as an output
        widget that follows the selection: every change of the controls redraws it (one widget per table, so a
        cell run again shows the same one)."""
        import ipywidgets as w

        if name not in self.tables:
            from kpbkit.errors import KpbkitError

            raise KpbkitError(f"no explorer table '{name}'", fix=f"use one of: {', '.join(TABLE_NAMES)}")
        if name not in self._views:
            self._views[name] = w.Output()
            self._draw(self._views[name], name, chart=False)
        return self._views[name]

    def widget(self):
        """The whole explorer as one ipywidgets box: controls on top, the panes in tabs below."""
        import ipywidgets as w

        c = self.controls
        panes = [n for n in TABLE_NAMES if n != "summary"]  # the key figures once, above the tabs
        tabs = w.Tab(children=[self.outputs[n] for n in panes], layout=w.Layout(width="100%"))
        for i, name in enumerate(panes):
            tabs.set_title(i, xl.SECTIONS[name])
        b = self.buttons
        header = w.HTML(f"{STYLE}<p>{xl.HINT}</p><p><em>{xl.INTERNAL}</em></p>")
        left = w.VBox([c["area"], c["services"], b["services"], c["age_bands"], b["age_bands"]])
        right = w.VBox([c["sex"], c["regi"], c["providers"], b["providers"]])
        actions = w.HBox([b["reset"], b["export"], self.message])
        controls = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))  # one column on a narrow page
        box = w.VBox([header, controls, actions, self.outputs["summary"], tabs])
        box.add_class("kpb-explorer")
        return box

    def show(self):
        """The explorer's widget box; the last line of a notebook cell displays it."""
        return self.widget()
