"""What each column of the workbooks' tables is (kronor, hours, a count, a date ...) and its Excel number format.

Excel stores number formats in its invariant syntax (``#,##0`` = thousands separator, ``.`` = decimal sign) and shows
them with the reader's separators: ``#,##0 "kr"`` reads ``1 234 567 kr`` in a Swedish Excel.
"""

from __future__ import annotations

#: Excel number formats by column kind
FORMATS = {
    "kr": '#,##0 "kr"',
    "kr_ore": '#,##0.00 "kr"',  # exact money (the reconciliation), and rates such as FK's timbelopp
    "rate": '#,##0.00 "kr"',  # kept for the six-month workbook's FK rate
    "hours": "#,##0.0",
    "days": "0",
    "dec1": "#,##0.0",
    "count": "#,##0",
    "per_inhabitant": "0.0000",
    "percent": "0.0%",
    "int": "0",
    "date": "yyyy-mm-dd",
}

#: the results files that become sheets, in workbook order (the optional ones only when the run wrote them)
TABLES = ("person_costs", "unit_costs", "reconciliation", "kpis", "data_quality", "pa_six_month",
          "prognos_rates", "prognos", "prognos_budget")

#: the six-month report's column kinds (also its own workbook's)
PA_KINDS = {
    "period_start": "date", "period_end": "date", "days": "days", "granted_hours": "hours",
    "delivered_hours": "hours", "delivery_ratio": "percent", "municipal_share_hours": "hours",
    "reimbursed_hours": "hours", "fk_rate": "rate", "reimbursement": "kr", "municipal_share": "kr", "cost": "kr",
    "net_cost": "kr", "cost_per_hour": "kr", "net_cost_per_hour": "kr",
}
PA_BOOLEANS = ("current_settlement_period", "flag_shortfall", "flag_above_granted", "flag_raised_rate")

#: the six-month report's flags → the published table's count of cases with the flag
PA_FLAG_COUNTS = {"flag_shortfall": "cases_shortfall", "flag_above_granted": "cases_above_granted",
                  "flag_raised_rate": "cases_raised_rate"}

#: the money columns of person_costs
MONEY = ("direct_cost", "overhead_cost", "myndighet_cost", "gross_cost", "reimbursement", "net_cost", "fees")
#: table → column → kind (a column without a kind is text; kpis' value takes its row's unit)
KINDS: dict[str, dict[str, str]] = {
    "person_costs": {"volume": "dec1", **dict.fromkeys(MONEY, "kr")},
    "unit_costs": {"gross_pool": "kr", "volume": "dec1", "cost_per_unit": "kr", "brukare": "count"},
    "reconciliation": dict.fromkeys(("ledger_amount", "allocated_amount", "residual"), "kr_ore"),
    "kpis": {"value": "by_unit"},
    "data_quality": {"count": "count"},
    "pa_six_month": PA_KINDS,
    "prognos_rates": {"base_year": "int", "population": "count", "brukare": "count", "volume": "dec1",
                      "brukare_rate": "per_inhabitant", "volume_rate": "per_inhabitant", "unit_cost": "kr"},
    "prognos": {"year": "int", "population": "count", "brukare": "dec1", "volume": "dec1", "unit_cost": "kr",
                "cost": "kr"},
    "prognos_budget": {"year": "int", "cost": "kr", "budget": "kr", "gap": "kr", "gap_share": "percent"},
    # the publication-mode tables (kpbkit.report.published_tables)
    "service_costs": {"brukare": "count", "volume": "dec1", **dict.fromkeys(MONEY, "kr")},
    "pa_six_month_published": {**PA_KINDS, "cases": "count", **dict.fromkeys(PA_FLAG_COUNTS.values(), "count")},
}
#: kpis.csv's unit → the value's kind
KPI_UNIT_KINDS = {"persons": "count", "SEK": "kr", "SEK/person": "kr", "SEK/hour": "kr", "SEK/day": "kr",
                  "hours": "dec1", "days": "dec1", "share": "percent", "per_1000": "dec1"}
