"""The data-quality report: phases, summary, verdict, guidance per check, the tie-out, and a smoke run on the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from kpbkit import labels
from kpbkit.analyses import kvalitet as analysis
from kpbkit.analyses.load import load_results
from kpbkit.errors import KpbkitError
from kpbkit.labels import kvalitet as text
from kpbkit.pipeline import run_client
from kpbkit.report import pdf_text
from kpbkit.report.templates_catalog import REPORTS, reports_for
from kpbkit.views import kvalitet as views
from tests.conftest import write_case_files
from tests.privacy import visible_text

try:
    from bs4 import BeautifulSoup
except ImportError:  # pragma: no cover - bs4 comes with the test extras
    BeautifulSoup = None

ROOT = Path(__file__).resolve().parents[1]
PNR_SHAPE = re.compile(r"\d{6,8}[-+]?\d{4}")

LEDGER = (
    "date,account,responsibility,activity,amount\n"
    "2025-03-31,5010,100,510,1000.00\n"     # hemtjänst egen: allocated to p1
    "2025-03-31,5010,100,999,250.50\n"      # no rule: unmapped
    "2025-03-31,4010,100,510,-40.00\n"      # excluded by rule
    "2025-03-31,5010,200,520,300.00\n"      # korttid egen: no stays, so a pool without volume
)
RULES = (
    "activity,account_prefix,responsibility,target,kind\n"
    "510,4,,exclude,cost\n"
    "510,,,service:hemtjanst:egen,cost\n"
    "520,,,service:korttid_aldre:egen,cost\n"
)

def _values(**values: object) -> str:
    return json.dumps(values)


#: a hand-made data_quality.csv: every phase, every severity, a check id nobody has named yet
FINDINGS = pd.DataFrame([
    {"check": "ledger_unmapped", "severity": "warning", "table": "ledger", "count": 1,
     "detail": "ledger rows no rule maps, 250.50 kr in all", "example": "ledger.csv row 3: activity 999",
     "values": _values(amount=250.5, example={"file": "ledger.csv", "row": 3, "fields": {"activity": "999"}})},
    {"check": "provider_unknown", "severity": "warning", "table": "visits", "count": 3, "detail": "",
     "example": "visits.csv row 17: hemtjanst 2025-03-04, provider LOV9",
     "values": _values(example={"file": "visits.csv", "row": 17, "fields": {
         "service_code": "hemtjanst", "date": "2025-03-04", "provider_id": "LOV9"}})},
    {"check": "control_total_mismatch", "severity": "error", "table": "ledger", "count": 1,
     "detail": "RS 2025: ledger 1210.50 kr, stated 2000.00 kr", "example": ""},
    {"check": "brand_new_check", "severity": "error", "table": "stays", "count": 2, "detail": "something new",
     "example": "stays.csv row 4", "values": _values(example={"file": "stays.csv", "row": 4})},
    {"check": "overlapping_stays", "severity": "info", "table": "stays", "count": 6, "detail": "", "example": ""},
    {"check": "pool_without_volume", "severity": "warning", "table": "ledger", "count": 1, "detail": "", "example": ""},
    {"check": "sex_unknown", "severity": "warning", "table": "persons", "count": 1, "detail": "", "example": ""},
])


def _run(tmp_path: Path, write_case, config: dict | None = None, findings: pd.DataFrame | None = None):
    path = write_case(tmp_path, config=config, ledger=LEDGER, ledger_rules=RULES)
    result = run_client(path, progress=lambda *a: None)
    if findings is not None:
        findings.to_csv(result.results_dir / "data_quality.csv", index=False)
    return load_results(result.output_dir)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One run with the planted findings, read by the tests that only look (none writes into its folder)."""
    return _run(tmp_path_factory.mktemp("kvalitet"), write_case_files, findings=FINDINGS)


def test_findings_are_grouped_in_phases_and_numbered_errors_first(results) -> None:
    f = analysis.findings(results)
    assert f.groupby("phase")["check_id"].apply(list).to_dict() == {
        "records": ["brand_new_check", "sex_unknown", "provider_unknown", "overlapping_stays"],  # persons first
        "ledger": ["ledger_unmapped", "pool_without_volume"],
        "reconciliation": ["control_total_mismatch"],
    }
    assert list(f["number"]) == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1"]
    assert list(f["phase"]) == ["records"] * 4 + ["ledger"] * 2 + ["reconciliation"]
    row = f.set_index("check_id").loc["provider_unknown"]
    assert (row["severity_id"], row["table_id"]) == ("warning", "visits")
    assert row["example"] == "visits.csv row 17: hemtjanst 2025-03-04, provider LOV9"
    shown = views.findings(results).set_index("check_id").loc["provider_unknown"]
    assert (shown["check"], shown["severity"], shown["table"]) == (labels.CHECKS["provider_unknown"], "Varning",
                                                                   "Besök")
    assert shown["guidance"] == text.GUIDANCE["provider_unknown"]
    assert analysis.phase_of("control_total_match", "ledger") == "reconciliation"
    assert analysis.phase_of("unknown_columns", "ledger") == "ledger"
    assert analysis.phase_of("table_missing", "population") == "records"
    with pytest.raises(ValueError, match="records, ledger, reconciliation"):
        analysis.phase_findings(results, "fas 4")


def test_summary_counts_findings_per_severity_and_phase(results) -> None:
    s = analysis.severity_summary(results).set_index("severity_id")
    assert list(s.index) == ["error", "warning", "info", "total"]
    assert s["findings"].to_dict() == {"error": 2, "warning": 4, "info": 1, "total": 7}
    assert s.loc["error", ["records", "ledger", "reconciliation"]].tolist() == [1, 0, 1]
    assert s.loc["warning", ["records", "ledger", "reconciliation"]].tolist() == [2, 2, 0]
    assert s.loc["total", ["records", "ledger", "reconciliation"]].tolist() == [4, 2, 1]
    summary = views.summary(results).data
    assert all(f">{label}</td>" in summary for label in ("Fel", "Varning", "Information", "Totalt"))
    per_table = analysis.findings_per_table(results)
    assert per_table.groupby("table_id")["findings"].sum().to_dict() == {"ledger": 3, "stays": 2, "visits": 1,
                                                                             "persons": 1}
    shown = views.findings_per_table(results)
    assert shown.groupby("table")["findings"].sum().to_dict() == {"Huvudbok": 3, "Vistelser": 2, "Besök": 1,
                                                                      "Personer": 1}
    assert shown["table"].iloc[0] == "Huvudbok"


def test_the_verdict_says_whether_the_run_can_be_trusted(tmp_path, write_case, results) -> None:
    v = analysis.verdict(results)
    assert (v["status"], v["errors"], v["warnings"], v["info"]) == ("errors", 2, 4, 1)
    # ledger_unmapped and pool_without_volume move kronor; provider_unknown leaves rows out; sex_unknown does not
    assert (v["money_warnings"], v["other_warnings"]) == (3, 1)
    assert v["unallocated"] == pytest.approx(250.50 + 300.00)  # from the reconciliation, not from the findings
    said = views.verdict_text(results)
    assert said.startswith("Resultaten kan inte användas ännu: körningen har 2 fel")
    assert "1 varning gäller uppgifter som inte påverkar kostnaderna; 3 påverkar fördelningen" in said
    assert "551\u00a0kr i huvudboken är inte fördelat" in said and "kan användas:" not in said

    warnings_only = FINDINGS[FINDINGS["severity"] != "error"]
    no_totals = _run(tmp_path / "a", write_case, findings=warnings_only)
    assert analysis.verdict(no_totals)["status"] == "no_control_totals"
    said = views.verdict_text(no_totals)
    assert said.startswith("Resultaten kan användas med ett förbehåll") and "kontrollsumma" in said
    assert "control_totals" not in said and "quality." not in said

    stated = {"quality": {"control_totals": [{"label": "RS 2025", "amount": 1210.50, "activities": ["510", "999"]}]}}
    unchecked = _run(tmp_path / "b", write_case, config=stated, findings=warnings_only)
    assert analysis.verdict(unchecked)["status"] == "control_not_checked"
    assert views.verdict_text(unchecked).startswith("Resultaten kan användas med ett förbehåll")

    matched = pd.concat([warnings_only.iloc[:1], pd.DataFrame([{
        "check": "control_total_match", "severity": "info", "table": "ledger", "count": 1, "detail": "", "example": "",
    }])])
    ok = _run(tmp_path / "c", write_case, config=stated, findings=matched)
    assert analysis.verdict(ok)["status"] == "ok"
    said = views.verdict_text(ok)
    assert said.startswith("Resultaten kan användas: inga fel")
    assert "1 varning påverkar fördelningen av kostnaderna" in said and "(se avsnitt 2)" in said
    totals = analysis.control_totals(ok)
    assert totals.to_dict("records") == [{"label": "RS 2025", "amount": 1210.50, "activities": ("510", "999"),
                                          "account_prefixes": ()}]
    assert views.covers_text(("510", "999"), ()) == "verksamhet 510, 999"
    assert "verksamhet 510, 999" in views.control_totals(ok).data
    shown = views.control_totals(ok).data.replace("\u00a0", " ")  # a short label keeps its words on one line
    assert "RS 2025" in shown and "1 210,50 kr" in shown
    assert text.SENTENCES["no_control_totals"][:40] in views.control_totals(no_totals).data


def test_an_unknown_check_id_renders_with_the_generic_guidance(results) -> None:
    blocks = views.phase_blocks(results, "records")
    assert len(blocks) == 4
    new = blocks[0]
    assert f"1.1 {text.UNNAMED_CHECK}" in new and "brand_new_check" not in new and "something new" not in new
    assert "2\u00a0fall i tabellen vistelser" in new  # the generic Swedish sentence, never the English detail
    assert text.GENERIC_GUIDANCE in new and "stays.csv rad 4" in new and "Fel" in new
    assert text.FINDING_PARTS["no_example"] in blocks[3]       # overlapping_stays has no example
    assert text.GUIDANCE["provider_unknown"] in blocks[2]
    assert "visits.csv rad 17: Hemtjänst 2025-03-04, utförare LOV9" in blocks[2]
    assert views.phase_blocks(results, "reconciliation")[0].count("<h3>") == 1


def test_the_figures_a_finding_states_are_in_a_table_under_it() -> None:
    row = {"check_id": "placement_without_decision", "count": 2.0, "table_id": "stays",
           "values": {"placed": 66, "per_service": {"familjehem": 1, "stodboende": 1}}}
    said = views.detail_text(row)
    table = views.detail_figures(row)
    assert "2 av 66\u00a0placeringar" in said
    assert ">2<" in table and ">66\u00a0placeringar<" in table   # the count and the total, formatted as said
    assert views.detail_figures({"check_id": "overlapping_stays", "count": 3.0, "values": {}}) == ""  # count only


def test_every_named_check_has_guidance_and_every_guidance_a_name() -> None:
    assert set(labels.CHECKS) - set(text.GUIDANCE) == set()
    assert set(text.GUIDANCE) - set(labels.CHECKS) == set()
    assert set(text.DETAILS) == set(labels.CHECKS)  # every named check is worded in Swedish, never in English
    assert all(len(g) > 40 and g.endswith((".", "?")) for g in text.GUIDANCE.values())
    assert text.guidance("no_such_check") == text.GENERIC_GUIDANCE
    for check in ("duplicate_visits", "duplicate_decision_id", "duplicate_stay_id", "visit_without_decision",
                  "decision_without_delivery", "minutes_implausible", "stay_outside_period",
                  "decision_outside_period", "control_total_mismatch", "control_total_match", "personnummer_missing"):
        assert check in labels.CHECKS, check


def test_every_check_id_the_code_reports_has_a_swedish_name() -> None:
    """Check ids written literally in findings.add(...) / _left_out(...), plus the expanded f-string ones."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "kpbkit").rglob("*.py"))
    literal = set(re.findall(r'findings\.add\(\s*"(\w+)"', source))
    literal |= set(re.findall(r'_left_out\(.*?,\s*"(\w+)",\s*"\w+",\s*findings', source))
    expanded = {"duplicate_person_id", "duplicate_provider_id", "overlapping_stays", "overlapping_decisions",
                "personnummer_invalid_format", "personnummer_invalid_date", "personnummer_invalid_check_digit",
                "personnummer_invalid_missing", "placement_without_decision", "duplicate_decision_id",
                "duplicate_stay_id", "stay_outside_period", "decision_outside_period"}
    assert {"provider_unknown", "service_unknown", "end_before_start", "ledger_unmapped"} <= literal
    assert (literal | expanded) - set(labels.CHECKS) == set()


def test_the_tie_out_lists_every_amount_not_allocated(results) -> None:
    o = analysis.ledger_overview(results)
    assert o["ledger"] == pytest.approx(1510.50)
    assert o["unmapped"] == pytest.approx(250.50)
    assert o["excluded"] == pytest.approx(-40.00)
    assert o["pools_without_volume"] == pytest.approx(300.00)
    rest = analysis.residuals(results)
    assert list(rest["target"])[-1] == "total" and list(rest["form"][:3]) == ["service", "unmapped", "exclude"]
    rest = views.residuals(results)
    assert list(rest["target_label"]) == ["Korttidsboende, egen regi", "Ej kopplad till någon regel", "Utanför KPB",
                                          "Totalt"]
    assert list(rest["reason"][:3]) == [text.RESIDUAL_REASONS[k] for k in ("service", "unmapped", "exclude")]
    assert rest["residual"].iloc[-1] == pytest.approx(510.50)
    html = views.reconciliation(results).data
    assert "Korttidsboende, egen regi" in html and "Typ" in html and "kind_label" not in html
    assert views.target_label("myndighet:barn_unga") == "Myndighetsutövning, Barn och unga"


def test_a_run_without_findings_renders_every_view(tmp_path, write_case) -> None:
    empty = FINDINGS.iloc[:0]
    res = _run(tmp_path, write_case, findings=empty)
    assert analysis.findings(res).empty
    assert analysis.severity_summary(res)["findings"].tolist() == [0, 0, 0, 0]
    assert views.overview(res).data == f'<p class="kpb-text">{labels.SENTENCES["no_findings"]}</p>'
    assert views.per_table_chart(res).data == ""
    for phase in analysis.PHASES:
        assert views.phase_blocks(res, phase) == [f'<p class="kpb-text">{text.SENTENCES["no_findings_phase"]}</p>']
    assert "Fel" in views.summary(res).data and "Personer" in views.inputs(res).data


@pytest.mark.render
def test_the_report_is_registered_and_only_kvalitet_renders_just_it(tmp_path, write_case) -> None:
    assert ("kvalitet", "kvalitet", text.TITLE) in [(r.name, r.area, r.title) for r in REPORTS]
    assert [r.name for r in reports_for("kvalitet")] == ["kvalitet"]
    assert "kvalitet" in [r.name for r in reports_for()]
    with pytest.raises(KpbkitError, match="kvalitet"):
        reports_for("nope")
    path = write_case(tmp_path, ledger=LEDGER, ledger_rules=RULES)
    result = run_client(path, render=True, only="kvalitet", pdf=False, progress=lambda *a: None)
    assert sorted(p.name for p in result.output_dir.glob("*.html")) == ["kvalitet.html"]
    html = (result.output_dir / "kvalitet.html").read_text(encoding="utf-8")
    assert text.TITLE in html and labels.CHECKS["ledger_unmapped"] in html and "<script" not in html


# --- the template on the demo ---------------------------------------------------------------------------------


def test_demo_run_writes_the_kvalitet_report(demo_run) -> None:
    result, _ = demo_run
    out = result.output_dir
    for name in ("kvalitet.html", "kvalitet.pdf", "notebooks/kvalitet.ipynb"):
        assert (out / name).is_file(), name
    dq = pd.read_csv(out / "results" / "data_quality.csv", keep_default_na=False)
    assert len(dq)
    for path in (out / "kvalitet.html", out / "kvalitet.pdf"):
        shown = visible_text(path)
        assert text.TITLE in shown, path.name
        assert "Sammanfattning" in shown and "Avstämning" in shown
        assert not PNR_SHAPE.findall(shown), f"{path.name} holds a personnummer-shaped string"
        assert "Traceback" not in shown and "nan" not in shown.split()
        for check in dq["check"]:
            assert " ".join(labels.check(check).split()) in shown, (path.name, check)
            assert "_" not in check or check not in shown, (path.name, check)
        assert "data_quality" not in shown and "Teknisk detalj" not in shown
        assert text.GENERIC_DETAIL.split("{")[0] not in shown  # every check the demo finds has its own sentence
    assert "Sida 1 av" in pdf_text(out / "kvalitet.pdf")
    html = (out / "kvalitet.html").read_text(encoding="utf-8")
    assert "<script" not in html and "https://" not in html


def test_the_demo_report_lists_the_planted_defects_with_their_counts(demo_run) -> None:
    from kpbkit.demo.extracts import PLANTED

    result, _ = demo_run
    planted = {**{check: count for (check, _table), count in PLANTED.items()},
               "minutes_not_positive": 5, "placement_without_decision": 2}
    for path in (result.output_dir / "kvalitet.html", result.output_dir / "kvalitet.pdf"):
        shown = " ".join(visible_text(path).split())
        for check, count in planted.items():
            name = re.escape(" ".join(labels.check(check).split()))
            assert re.search(rf"{name} (Fel|Varning|Information) · Tabell: [^·]+ · Antal: {count} ", shown), (
                path.name, check, count)


# --- what a reader sees: Swedish throughout, one verdict ---------------------------------------------------------

#: visits and a ledger with defects the model reports: unknown service, no time, unknown and empty provider, a
#: visit outside the period and one far too long, an unmapped ledger row with öre, a pool without volume
DEFECT_VISITS = (
    "person_id,service_code,date,minutes,provider_id\n"
    "p1,hemtjanst,2025-03-01,60,P1\np1,nope,2025-03-02,30,P1\np1,hemtjanst,2025-03-03,0,P1\n"
    "p1,hemtjanst,2025-03-04,30,LOV9\np1,hemtjanst,2024-12-31,30,P1\np2,hemtjanst,2025-03-05,3000,\n"
)
DEFECT_LEDGER = (
    "date,account,responsibility,activity,amount\n2025-03-31,5010,100,510,1000.00\n"
    "2025-03-31,5010,100,999,72255.75\n2025-03-31,5010,200,520,300.00\n"
)
DEFECT_RULES = (
    "activity,account_prefix,responsibility,target,kind\n510,,,service:hemtjanst:egen,cost\n"
    "520,,,service:korttid_aldre:egen,cost\n"
)
#: words of the code and its config that a client must never read in the quality report
CODE_WORDS = ("quality.", "control_totals", "max_visit_minutes", "data_quality", "Kontroll-id", "Teknisk detalj",
              "kpbkit")


def _defect_run(tmp_path: Path, write_case, stated: float):
    config = {"quality": {"control_totals": [{"label": "RS 2025", "amount": stated, "activities": ["510"]}]}}
    path = write_case(tmp_path, config=config, visits=DEFECT_VISITS, ledger=DEFECT_LEDGER, ledger_rules=DEFECT_RULES)
    return load_results(run_client(path, progress=lambda *a: None).output_dir)


def _visible(res) -> str:
    """The report's views rendered in-process, tags stripped, whitespace collapsed."""
    parts = [views.title(res).data, views.summary(res).data, views.overview(res).data, views.inputs(res).data,
             views.ledger(res).data, views.reconciliation(res).data, views.control_totals(res).data]
    for phase in analysis.PHASES:
        parts += views.phase_blocks(res, phase)
    return " ".join(BeautifulSoup("".join(parts), "html.parser").get_text(" ").split())


def _leaves(value: object) -> str:
    """The text of a finding's values (not their keys): strings and numbers, nested ones included."""
    if isinstance(value, dict):
        return " ".join(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_leaves(v) for v in value)
    return str(value)


def _english_words(dq: pd.DataFrame) -> set[str]:
    """Words of the model's English details that are neither Swedish display text nor the client's own names."""
    words = {w.lower() for d in dq["detail"] for w in re.findall(r"[A-Za-z]{4,}", str(d))}
    swedish = " ".join([*text.DETAILS.values(), *text.GUIDANCE.values(), *text.SENTENCES.values(),
                        *labels.CHECKS.values(), *labels.TABLES.values()])
    swedish = re.sub(r"\{[^}]*\}", " ", swedish).lower()  # not the placeholders' names
    own = " ".join(_leaves(json.loads(v)) for v in dq["values"] if v).lower()  # file names, codes, labels
    return {w for w in words if not re.search(rf"\b{w}\b", swedish) and not re.search(rf"\b{w}\b", own)}


@pytest.mark.skipif(BeautifulSoup is None, reason="needs bs4")
def test_the_report_a_reader_sees_is_swedish_without_code_names(tmp_path, write_case) -> None:
    res = _defect_run(tmp_path, write_case, stated=1000.00)
    dq = pd.read_csv(res.folder / "data_quality.csv", keep_default_na=False)
    assert {"service_unknown", "provider_unknown", "ledger_unmapped", "minutes_implausible"} <= set(dq["check"])
    assert list(dq.columns)[:6] == ["check", "severity", "table", "count", "detail", "example"]
    shown = _visible(res)
    english = _english_words(dq)
    assert {"catalogue", "ignored", "counted", "rows"} <= english  # the list is not empty by accident
    assert [w for w in english if re.search(rf"\b{w}\b", shown, re.IGNORECASE)] == []
    assert [c for c in dq["check"] if c in shown] == []
    assert [w for w in CODE_WORDS if w in shown] == []
    numbers = set(analysis.findings(res)["number"])
    assert [n for n in re.findall(r"\d+\.\d+", shown) if n not in numbers] == []  # 1.1, 2.1: the findings' numbers
    assert "72 256 kr" in shown and "72255" not in shown and "72 255.75" not in shown
    assert "visits.csv rad 3: nope 2025-03-02" in shown  # the client's own file, row and code
    assert text.GENERIC_DETAIL.split("{")[0] not in shown  # every finding here has its own sentence and values
    assert "Resultaten går att lita på" not in shown and "påverkar resultaten" not in shown


def test_the_examples_and_values_never_carry_a_personnummer(tmp_path, write_case) -> None:
    visits = DEFECT_VISITS + "19121212-1212,nope,2025-03-06,30,P1\n,hemtjanst,2025-03-07,30,P1\n"
    path = write_case(tmp_path, visits=visits, ledger=DEFECT_LEDGER, ledger_rules=DEFECT_RULES)
    res = load_results(run_client(path, progress=lambda *a: None).output_dir)
    dq = pd.read_csv(res.folder / "data_quality.csv", keep_default_na=False)
    assert "personnummer_missing" in set(dq["check"]) and "person_id_personnummer" in set(dq["check"])
    assert not PNR_SHAPE.findall(" ".join([*dq["example"], *dq["values"]]))
    shown = " ".join(views.phase_blocks(res, "records"))
    assert "personnummer saknas" in shown and not PNR_SHAPE.findall(shown)


@pytest.mark.skipif(BeautifulSoup is None, reason="needs bs4")
def test_the_verdict_agrees_with_the_counts(tmp_path, write_case) -> None:
    # a clean run: nothing but the control total's match
    clean = _run(tmp_path / "clean", write_case, findings=pd.DataFrame([{
        "check": "control_total_match", "severity": "info", "table": "ledger", "count": 1, "detail": "",
        "example": ""}]), config={"quality": {"control_totals": [{"label": "RS", "amount": 1510.50}]}})
    said = views.verdict_text(clean)
    assert said == f"{text.SENTENCES['verdict_ok']} {text.SENTENCES['warnings_none']}"

    # warnings only: the verdict's two numbers add up to the summary's warnings, the kronor to the tie-out's
    warned = _defect_run(tmp_path / "warned", write_case, stated=1000.00)
    counts = analysis.severity_summary(warned).set_index("severity_id")["findings"]
    said = views.verdict_text(warned)
    assert counts["error"] == 0 and said.startswith("Resultaten kan användas:")
    other = int(re.search(r"(\d+) varningar? gäller uppgifter som inte påverkar", said).group(1))
    money = int(re.search(r"; (\d+) påverkar fördelningen", said).group(1))
    assert other + money == counts["warning"]
    dq = warned.data_quality
    assert money == int((dq["check"].isin(analysis.MONEY_CHECKS) & (dq["severity"] == "warning")).sum())
    rec = pd.read_csv(warned.folder / "reconciliation.csv")
    kinds = rec["target"].str.split(":").str[0]
    unallocated = float(rec.loc[kinds != "exclude", "residual"].sum())
    assert unallocated == pytest.approx(72255.75 + 300.00)
    assert f"{views.formats.kr(unallocated)} i huvudboken är inte fördelat" in said
    assert re.search(rf"Varning {counts['warning']} ", _visible(warned))  # the summary table says the same

    # an error: the control total is off, and the verdict says the results cannot be used
    failed = _defect_run(tmp_path / "failed", write_case, stated=900.00)
    said = views.verdict_text(failed)
    assert analysis.verdict(failed)["errors"] == 1
    assert said.startswith("Resultaten kan inte användas ännu: körningen har 1 fel")
    assert "kan användas:" not in said and "förbehåll" not in said
