"""The KPB network report (issue 15, item 2) rendered for the demo network at a small scale: its medians, quartiles
and ranks read out of the rendered HTML tables equal a pandas computation over the municipalities' own kpis.csv
and person_costs.csv (not through kpbkit.analyses.network), no figure resting on fewer persons than the threshold
appears, page 1's figures are its table's, and each municipality has one profile page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kpbkit.analyses.compare import COMPARE_KPIS
from kpbkit.labels import network as text
from kpbkit.views.compare import kpi_text

pytestmark = pytest.mark.render

THRESHOLD = 5
SCALE = 0.1  # the smallest municipalities have a few hundred inhabitants: small groups to leave out

#: the KPIs resting on one service's persons in the KPI's regi (DATA-CONTRACT: home-care KPIs count hemtjänst)
SERVICE = {"cost_per_hour": "hemtjanst", "delivery_ratio": "hemtjanst", "hours_per_inhabitant_80": "hemtjanst",
           "coverage_80": "hemtjanst", "share_under_65": "hemtjanst", "pa_gross_cost_per_hour": "pa_sfb",
           "pa_net_cost_per_hour": "pa_sfb", "gruppbostad_cost_per_day": "gruppbostad"}


@pytest.fixture(scope="module")
def network_out(tmp_path_factory) -> tuple[Path, list[Path], bool]:
    from kpbkit.batch import Options, run_batch
    from kpbkit.demo.network import generate_network
    from kpbkit.report.export import pdf_engine
    from kpbkit.report.network import write_network

    folder = tmp_path_factory.mktemp("demo-network")
    configs = generate_network(folder, scale=SCALE)
    outcomes = run_batch(configs, Options(render=False), workers=1)
    assert [o.outcome for o in outcomes] == ["ok"] * len(configs), [o.error for o in outcomes]
    periods = [Path(o.output) for o in outcomes]
    pdf = pdf_engine() is not None
    out = folder / "natverk"
    write_network(periods, out, threshold=THRESHOLD, pdf=pdf)
    return out, periods, pdf


def _by_hand(periods: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every compared KPI in kpis.csv per municipality with the persons it rests on (from person_costs.csv):
    all of them, and those on at least THRESHOLD persons (or none)."""
    wanted = {(a, k, g) for a, pairs in COMPARE_KPIS.items() for k, g in pairs}
    frames = []
    for period in periods:
        results = period / "results"
        name = json.loads((results / "run.json").read_text(encoding="utf-8"))["client_name"]
        kpis = pd.read_csv(results / "kpis.csv", dtype={"group": str})
        pc = pd.read_csv(results / "person_costs.csv", dtype={"person_id": str, "regi": str})
        pc = pc[pc["volume"] > 0]
        brukare = {(a, g): v for a, k, g, v in zip(kpis["area"], kpis["kpi"], kpis["group"], kpis["value"],
                                                   strict=True) if k == "brukare"}
        placed = kpis[(kpis["kpi"] == "placed_children") & (kpis["group"] == "total")]["value"]
        counts = (brukare, float(placed.iloc[0]) if len(placed) else 0.0, pc)
        keep = [(a, k, g) in wanted for a, k, g in zip(kpis["area"], kpis["kpi"], kpis["group"], strict=True)]
        mine = kpis[keep].dropna(subset=["value"]).assign(municipality=name)
        mine["persons"] = [_persons(counts, a, k, g)
                           for a, k, g in zip(mine["area"], mine["kpi"], mine["group"], strict=True)]
        frames.append(mine)
    every = pd.concat(frames, ignore_index=True)
    small = (every["persons"] >= 1) & (every["persons"] < THRESHOLD)
    return every, every[~small].reset_index(drop=True)


def _persons(counts: tuple[dict, float, pd.DataFrame], area: str, kpi: str, group: str) -> float:
    """The persons a KPI rests on: its service's in its regi, the placed children (a form's own), else the
    area's brukare in the group."""
    brukare, placed, pc = counts
    if area == "barn_unga" and kpi != "cost_per_brukare":
        return brukare.get((area, group), 0) if group != "total" else placed
    if kpi in SERVICE:
        sel = pc[pc["service_code"] == SERVICE[kpi]]
        sel = sel if group == "total" else sel[sel["regi"] == group]
        return sel["person_id"].nunique()
    return brukare.get((area, group), 0)


def _number(cell: str) -> tuple[float, float]:
    """A Swedish figure as shown (``5 543 kr``, ``84,6 %``, ``−17,3``) and half its last shown digit."""
    raw = cell.replace("\u00a0", " ").replace(" ", "").replace("kr", "").replace("\u2212", "-")
    percent = raw.endswith("%")
    raw = raw.rstrip("%").replace(",", ".")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scale = 0.01 if percent else 1.0
    return float(raw) * scale, 0.5 * 10 ** -decimals * scale + 1e-9


def _tables(html: str) -> list[tuple[str, pd.DataFrame]]:
    """Every table of the report as text cells, with the h2 it stands under."""
    soup = BeautifulSoup(html, "html.parser")
    out, heading = [], ""
    for tag in soup.find_all(["h2", "table"]):
        if tag.name == "h2":
            heading = tag.get_text(" ", strip=True)
            continue
        header = [th.get_text(" ", strip=True) for th in tag.find("thead").find_all("th")]
        rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in tag.find("tbody").find_all("tr")]
        out.append((heading, pd.DataFrame(rows, columns=header)))
    return out


def _codes() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(area heading, KPI label) → (area, kpi, group)."""
    return {(text.AREA_HEADINGS[area], kpi_text(k, g)): (area, k, g) for area, pairs in COMPARE_KPIS.items()
            for k, g in pairs}


def test_medians_quartiles_and_ranks_in_the_html_equal_pandas_over_the_results(network_out) -> None:
    out, periods, _ = network_out
    _, kept = _by_hand(periods)
    html = (out / "natverk.html").read_text(encoding="utf-8")
    codes = _codes()
    C = text.COLUMNS
    checked = {"distribution": 0, "positions": 0}
    shown_pairs = set()
    for heading, table in _tables(html):
        if heading not in {text.AREA_HEADINGS[a] for a in COMPARE_KPIS}:
            continue
        if C["median"] in table.columns and C["q1"] in table.columns:  # the distribution over the municipalities
            for row in table.to_dict("records"):
                area, kpi, group = codes[(heading, row[C["kpi"]])]
                part = kept[(kept["area"] == area) & (kept["kpi"] == kpi) & (kept["group"] == group)]["value"]
                if not len(part):  # a KPI derived from person_costs, not in kpis.csv
                    continue
                assert int(row[C["municipalities"]]) == len(part), (kpi, group)
                for column, expected in (("min", part.min()), ("q1", part.quantile(0.25)),
                                         ("median", part.median()), ("q3", part.quantile(0.75)),
                                         ("max", part.max())):
                    shown, tolerance = _number(row[C[column]])
                    assert abs(shown - expected) <= tolerance, (kpi, group, column, row[C[column]], expected)
                checked["distribution"] += 1
        elif C["place"] in table.columns and C["municipality"] in table.columns:  # each municipality's position
            for row in table.to_dict("records"):
                area, kpi, group = codes[(heading, row[C["kpi"]])]
                shown_pairs.add((area, kpi, group, row[C["municipality"]]))
                part = kept[(kept["area"] == area) & (kept["kpi"] == kpi) & (kept["group"] == group)]
                if not len(part):
                    continue
                ranks = part.set_index("municipality")["value"].rank(method="min").astype(int)
                assert row[C["place"]] == f"{ranks[row[C['municipality']]]} av {len(part)}", (kpi, group, row)
                value, tolerance = _number(row[C["value"]])
                assert abs(value - part.set_index("municipality").loc[row[C["municipality"]], "value"]) <= tolerance
                checked["positions"] += 1
    assert checked["distribution"] >= 15 and checked["positions"] >= 100, checked
    # every figure kpis.csv has and rests on enough persons is shown, and no other
    in_csv = {(a, k, g) for a, k, g in zip(kept["area"], kept["kpi"], kept["group"], strict=True)}
    assert {p for p in shown_pairs if p[:3] in in_csv} == set(zip(kept["area"], kept["kpi"], kept["group"],
                                                                  kept["municipality"], strict=True))


def test_no_figure_on_fewer_persons_than_the_threshold(network_out) -> None:
    out, periods, _ = network_out
    every, kept = _by_hand(periods)
    small = every[(every["persons"] >= 1) & (every["persons"] < THRESHOLD)]
    assert len(small), "the small demo network has small groups to leave out"
    small_pairs = set(zip(small["area"], small["kpi"], small["group"], small["municipality"], strict=True))
    html = (out / "natverk.html").read_text(encoding="utf-8")
    codes = _codes()
    shown = set()
    for heading, table in _tables(html):
        if heading.startswith(text.PROFILE_HEADING.format(name="")):  # a profile: its own area tables
            name = heading.removeprefix(text.PROFILE_HEADING.format(name=""))
            for row in table.to_dict("records"):
                for area in COMPARE_KPIS:
                    key = (text.AREA_HEADINGS[area], row.get(text.COLUMNS["kpi"], ""))
                    if key in codes:
                        shown.add((*codes[key], name))
        elif text.COLUMNS["municipality"] in table.columns and text.COLUMNS["kpi"] in table.columns:
            for row in table.to_dict("records"):
                key = (heading, row[text.COLUMNS["kpi"]])
                if key in codes:
                    shown.add((*codes[key], row[text.COLUMNS["municipality"]]))
    assert shown and not shown & small_pairs, sorted(shown & small_pairs)[:5]


def test_page_one_figures_are_its_tables(network_out) -> None:
    out, _, _ = network_out
    soup = BeautifulSoup((out / "natverk.html").read_text(encoding="utf-8"), "html.parser")
    heading = soup.find("h2", string=re.compile(text.CONCLUSIONS))
    table = heading.find_next("table")
    cells = {td.get_text(" ", strip=True).replace("\u00a0", " ") for td in table.find_all("td")}
    sentences = [p.get_text(" ", strip=True).replace("\u00a0", " ") for p in heading.find_all_next("p")
                 if p.find_next("table") is table and "Högst ligger" in p.get_text()]
    assert len(sentences) >= 2
    for sentence in sentences:
        figures = re.findall(r"\d[\d ]*(?:,\d+)? (?:kr|%)", sentence)
        assert figures
        assert set(figures) <= cells, (sentence, set(figures) - cells)


def test_a_profile_page_per_municipality(network_out) -> None:
    out, periods, pdf = network_out
    names = [json.loads((p / "results" / "run.json").read_text(encoding="utf-8"))["client_name"] for p in periods]
    soup = BeautifulSoup((out / "natverk.html").read_text(encoding="utf-8"), "html.parser")
    sections = soup.select("section.kpb-profile")
    assert [s.find("h2").get_text(strip=True) for s in sections] == [text.PROFILE_HEADING.format(name=n)
                                                                     for n in names]
    for section in sections:  # the indexes its sentence names are its table's
        said = section.find("p", string=re.compile(text.SENTENCES["profile_high"].split("{")[0]))
        indexes = re.findall(r"\((\d+)\)", said.get_text())
        column = [td.get_text(strip=True) for table in section.find_all("table")
                  for td in table.select("tbody td:nth-of-type(5)")]
        assert len(indexes) == 6 and set(indexes) <= set(column), (indexes, column)
    if not pdf:
        pytest.skip("no PDF engine")
    from kpbkit.report import pdf_text

    pages = [page.strip() for page in pdf_text(out / "natverk.pdf").split("\f") if page.strip()]
    starts = [i for i, page in enumerate(pages) if page.startswith(text.PROFILE_HEADING.format(name=""))]
    # one page each, the report's last pages, in the network's order
    assert starts == list(range(len(pages) - len(names), len(pages)))
    assert [pages[i].splitlines()[0] for i in starts] == [text.PROFILE_HEADING.format(name=n) for n in names]
