"""The general ledger and its mapping rules: pools sized from the generated volumes (pool = unit cost × volume),
FK's reimbursement and Migrationsverket's claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kpbkit.demo.barn_unga import birthday
from kpbkit.demo.common import (
    DAYS_IN_MONTH,
    FARDTJANST,
    FK_RATE,
    FK_UNBOOKED,
    HOME_CARE_COST_WEIGHT,
    HOME_CARE_UNITS,
    LOV_PROVIDERS,
    MONTH_END,
    MONTHS,
    MYNDIGHET,
    OVERHEAD_SHARE,
    P0,
    P1,
    REGI,
    UNIT_COST,
    UNKNOWN_PROVIDER,
    YEAR,
    month_overlap,
)
from kpbkit.demo.persons import People
from kpbkit.demo.rows import Rows

# ------------------------------------------------------------------------------------------------ ledger


class _Ledger:
    """Ledger rows in öre, booked on month ends, signed as exported (costs +, revenue −)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[tuple[str, str, str, str, int]] = []

    def add(self, date: np.datetime64 | str, account: str, responsibility: str, activity: str, amount: float) -> None:
        self.rows.append((str(date), account, responsibility, activity, int(round(amount * 100))))

    def spread(
        self,
        activity: str,
        total: float,
        weights: np.ndarray | None,
        accounts: dict[str, float],
        responsibilities: dict[str, float],
        *,
        noise: float = 0.03,
    ) -> None:
        """Book ``total`` kr as monthly rows per account and responsibility, in proportion to ``weights``."""
        w = np.ones(12) if weights is None else np.asarray(weights, dtype=float)
        w = np.clip(w * self.rng.normal(1.0, noise, 12), 0.0, None)
        w = w / w.sum() if w.sum() > 0 else np.full(12, 1 / 12)
        a = np.array(list(accounts.values()), dtype=float)
        r = np.array(list(responsibilities.values()), dtype=float)
        parts = total * w[:, None, None] * (a / a.sum())[None, :, None] * (r / r.sum())[None, None, :]
        cents = np.round(parts * 100).astype(np.int64)
        flat = cents.reshape(-1)
        flat[int(np.argmax(np.abs(flat)))] += int(round(total * 100)) - int(flat.sum())
        for m in range(12):
            for i, account in enumerate(accounts):
                for j, responsibility in enumerate(responsibilities):
                    if cents[m, i, j]:
                        self.rows.append((str(MONTH_END[m]), account, responsibility, activity, int(cents[m, i, j])))

    def monthly(self, activity: str, account: str, responsibility: str, amounts: np.ndarray) -> None:
        """One row per month with the given amounts (kr), e.g. invoices computed from volumes."""
        for m in range(12):
            if round(amounts[m], 2):
                self.add(MONTH_END[m], account, responsibility, activity, float(amounts[m]))


STAFF_ACCOUNTS = {"5011": 0.55, "5012": 0.08, "5610": 0.22, "6110": 0.06, "4610": 0.03, "6550": 0.02, "7010": 0.04}
HOME_CARE_ACCOUNTS = {"5011": 0.57, "5012": 0.09, "5610": 0.23, "6410": 0.05, "4610": 0.02, "6550": 0.02, "7010": 0.02}
ADMIN_ACCOUNTS = {"5011": 0.62, "5610": 0.20, "6110": 0.08, "6550": 0.05, "7010": 0.05}
FEE_ACCOUNTS = {"5030": 0.50, "5610": 0.15, "4650": 0.30, "7010": 0.05}
CONTACT_ACCOUNTS = {"5030": 0.62, "5610": 0.19, "4650": 0.19}
ALARM_ACCOUNTS = {"5011": 0.40, "5610": 0.13, "6550": 0.32, "4610": 0.15}

#: Activity (verksamhet) codes of the demo's chart and what they hold
ACTIVITY = {
    "aldre_gemensamt": "5100",
    "aldre_myndighet": "5101",
    "hemtjanst": "5110",
    "trygghetslarm": "5120",
    "dagverksamhet_aldre": "5130",
    "korttid_aldre": "5140",
    "sarskilt_boende": "5150",
    "lss_gemensamt": "5200",
    "lss_myndighet": "5201",
    "pa_sfb": "5210",
    "pa_lss": "5211",
    "ledsagarservice": "5220",
    "avlosarservice": "5221",
    "kontaktperson": "5230",
    "korttidsvistelse": "5240",
    "boende_barn_lss": "5245",
    "gruppbostad": "5250",
    "servicebostad": "5260",
    "daglig_verksamhet": "5270",
    "fardtjanst": "5300",
    "ifo_gemensamt": "5700",
    "bou_myndighet": "5701",
    "familjehem": "5710",
    "familjehem_konsulent": "5711",
    "hvb": "5720",
    "sis": "5730",
    "stodboende": "5740",
    "oppenvard_bou": "5750",
}

LEDGER_RULES: tuple[tuple[str, str, str, str, str], ...] = (
    # activity, account_prefix, responsibility, target, kind: specific rules first, the first match wins.
    ("", "78", "", "exclude", "cost"),  # depreciation (kapitalkostnader): not part of KPB
    ("", "84", "", "exclude", "cost"),  # interest
    ("5300", "", "", "exclude", "cost"),  # färdtjänst: another verksamhet
    ("5100", "", "", "overhead:aldreomsorg", "cost"),
    ("5101", "", "", "myndighet:aldreomsorg", "cost"),
    ("5110", "31", "", "service:hemtjanst:egen", "fee"),
    ("5110", "038", "", "service:hemtjanst:egen", "internal_revenue"),
    ("5110", "45", "41400", "service:hemtjanst:extern", "cost"),
    ("5110", "", "", "service:hemtjanst:egen", "cost"),
    ("5120", "31", "", "service:trygghetslarm:egen", "fee"),
    ("5120", "", "", "service:trygghetslarm:egen", "cost"),
    ("5130", "", "", "service:dagverksamhet_aldre:egen", "cost"),
    ("5140", "31", "", "service:korttid_aldre:egen", "fee"),
    ("5140", "", "", "service:korttid_aldre:egen", "cost"),
    ("5150", "31", "", "service:sarskilt_boende:egen", "fee"),
    ("5150", "038", "", "service:sarskilt_boende:egen", "internal_revenue"),
    ("5150", "", "41400", "service:sarskilt_boende:extern", "cost"),
    ("5150", "", "", "service:sarskilt_boende:egen", "cost"),
    ("5200", "", "", "overhead:lss", "cost"),
    ("5201", "", "", "myndighet:lss", "cost"),
    ("5210", "35", "42900", "service:pa_sfb:extern", "state_reimbursement"),
    ("5210", "35", "", "service:pa_sfb:egen", "state_reimbursement"),
    ("5210", "45", "", "service:pa_sfb:extern", "cost"),
    ("5210", "", "", "service:pa_sfb:egen", "cost"),
    ("5211", "", "", "service:pa_lss:egen", "cost"),
    ("5220", "", "", "service:ledsagarservice:egen", "cost"),
    ("5221", "", "", "service:avlosarservice:egen", "cost"),
    ("5230", "", "", "service:kontaktperson:egen", "cost"),
    ("5240", "34", "", "service:korttidsvistelse:egen", "internal_revenue"),
    ("5240", "", "", "service:korttidsvistelse:egen", "cost"),
    ("5245", "", "", "service:boende_barn_lss:extern", "cost"),
    ("5250", "31", "", "service:gruppbostad:egen", "fee"),
    ("5250", "45", "", "service:gruppbostad:extern", "cost"),
    ("5250", "", "", "service:gruppbostad:egen", "cost"),
    ("5260", "31", "", "service:servicebostad:egen", "fee"),
    ("5260", "", "", "service:servicebostad:egen", "cost"),
    ("5270", "45", "", "service:daglig_verksamhet:extern", "cost"),
    ("5270", "", "", "service:daglig_verksamhet:egen", "cost"),
    ("5700", "", "", "overhead:barn_unga", "cost"),
    ("5701", "", "", "myndighet:barn_unga", "cost"),
    ("5710", "31", "", "service:familjehem:egen", "fee"),
    ("5710", "", "", "service:familjehem:egen", "cost"),
    ("5711", "", "", "service:familjehem_konsulent:extern", "cost"),
    ("5720", "35", "", "service:hvb:extern", "state_reimbursement"),
    ("5720", "", "", "service:hvb:extern", "cost"),
    ("5730", "", "", "service:sis:extern", "cost"),
    ("5740", "35", "", "service:stodboende:extern", "state_reimbursement"),
    ("5740", "", "", "service:stodboende:extern", "cost"),
    ("5750", "45", "", "service:oppenvard_bou:extern", "cost"),
    ("5750", "", "", "service:oppenvard_bou:egen", "cost"),
)


@dataclass
class _Volumes:
    """Monthly volumes per (service, regi) and invoices per (service, provider) computed from the rows."""

    volume: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    invoice: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    units: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # per provider, e.g. hours per unit

    def add(self, store: dict, key: tuple[str, str], values: np.ndarray) -> None:
        store[key] = store.get(key, np.zeros(12)) + values

    def total(self, service: str, regi: str = "egen") -> float:
        return float(self.volume.get((service, regi), np.zeros(12)).sum())

    def of(self, service: str, regi: str = "egen") -> np.ndarray:
        return self.volume.get((service, regi), np.zeros(12))


def _volumes(rows: Rows, visits: dict[str, np.ndarray]) -> _Volumes:
    vol = _Volumes()
    valid = (visits["minutes"] > 0) & (visits["date"] >= P0)
    month = (visits["date"].astype("datetime64[M]") - MONTHS[0]).astype(np.int64)
    for service in np.unique(visits["service"]):
        for provider in np.unique(visits["provider"]):
            sel = valid & (visits["service"] == service) & (visits["provider"] == provider)
            if not sel.any():
                continue
            hours = np.bincount(month[sel], weights=visits["minutes"][sel] / 60.0, minlength=12)
            vol.add(vol.units, (str(service), str(provider)), hours)
            if provider in REGI:
                vol.add(vol.volume, (str(service), REGI[str(provider)]), hours)
    stays = rows.stays
    weekday_services = {"dagverksamhet_aldre", "daglig_verksamhet"}
    for i, (_, service, start, end, provider, price, _) in enumerate(stays):
        days = month_overlap(np.array([start]), np.array([end]), weekdays=service in weekday_services)[0]
        vol.add(vol.volume, (service, REGI[provider]), days)
        vol.add(vol.units, (service, provider), days)
        invoice_price = rows.true_price.get(i, price)
        if not np.isnan(invoice_price) and REGI[provider] == "extern":
            vol.add(vol.invoice, (service, provider), days * invoice_price)
    for _, service, _, start, end, _, provider, _ in rows.decisions:
        if service not in ("trygghetslarm", "kontaktperson", "oppenvard_bou"):
            continue
        months = month_overlap(np.array([start]), np.array([end]))[0] / DAYS_IN_MONTH
        vol.add(vol.volume, (service, REGI.get(provider, "egen")), months)
        vol.add(vol.units, (service, provider or "egen"), months)
    return vol


def _shares(values: dict[str, float]) -> dict[str, float]:
    total = sum(values.values())
    return {k: v / total for k, v in values.items()} if total else dict.fromkeys(values, 1.0)


def build_ledger(rows: Rows, visits: dict[str, np.ndarray], people: People, info: dict[str, Any],
                 rng: np.random.Generator, *, control_total: float | None = None
                 ) -> list[tuple[str, str, str, str, int]]:
    """The general ledger, with pools sized so that unit costs land in KPB-METHOD §6's ranges.

    With ``control_total``, färdtjänst (outside KPB) takes what brings the year's gross cost (accounts 4-7) to it.
    """
    vol = _volumes(rows, visits)
    book = _Ledger(rng)
    direct = {"aldreomsorg": 0.0, "lss": 0.0, "barn_unga": 0.0}

    def egen_pool(area: str, service: str, unit_cost: float, accounts: dict[str, float],
                  responsibilities: dict[str, float], *, internal: float = 0.0, internal_account: str = "0381",
                  regi: str = "egen") -> None:
        gross = unit_cost * vol.total(service, regi)
        weights = vol.of(service, regi)
        book.spread(ACTIVITY[service], gross * (1 + internal), weights, accounts, responsibilities)
        if internal:
            first = next(iter(responsibilities))
            book.spread(ACTIVITY[service], -gross * internal, weights, {internal_account: 1.0}, {first: 1.0})
        direct[area] += gross

    def invoices(area: str, service: str, account: str, responsibility: str) -> None:
        for (svc, _provider), amounts in sorted(vol.invoice.items()):
            if svc == service:
                book.monthly(ACTIVITY[service], account, responsibility, amounts)
                direct[area] += float(amounts.sum())

    # Äldreomsorg.
    units = {u: float(vol.units.get(("hemtjanst", u), np.zeros(12)).sum()) * HOME_CARE_COST_WEIGHT[u]
             for u in HOME_CARE_UNITS}
    unit_responsibility = {"HTN": "41110", "HTC": "41120", "HTS": "41130"}
    egen_pool("aldreomsorg", "hemtjanst", UNIT_COST["hemtjanst"], HOME_CARE_ACCOUNTS,
              {unit_responsibility[u]: s for u, s in _shares(units).items()}, internal=0.015)
    for provider in (*LOV_PROVIDERS, UNKNOWN_PROVIDER):
        hours = vol.units.get(("hemtjanst", provider))
        if hours is not None:
            rate = LOV_PROVIDERS.get(provider, (0.0, 425.0))[1]
            book.monthly("5110", "4510", "41400", hours * rate)
            direct["aldreomsorg"] += float((hours * rate).sum())
    home_months = np.zeros(12)
    for _, service, _, start, end, _, _, _ in rows.decisions:
        if service == "hemtjanst":
            home_months += month_overlap(np.array([start]), np.array([end]))[0] / DAYS_IN_MONTH
    book.spread("5110", -1020.0 * home_months.sum(), home_months, {"3110": 1.0}, {"41000": 1.0})
    book.add(MONTH_END[4], "5011", "41110", "5110", -12345.00)  # a correction between two units
    book.add(MONTH_END[4], "5011", "41120", "5110", 12345.00)
    egen_pool("aldreomsorg", "trygghetslarm", UNIT_COST["trygghetslarm"], ALARM_ACCOUNTS, {"41500": 1.0})
    book.spread("5120", -240.0 * vol.total("trygghetslarm"), vol.of("trygghetslarm"), {"3110": 1.0}, {"41500": 1.0})
    egen_pool("aldreomsorg", "dagverksamhet_aldre", UNIT_COST["dagverksamhet_aldre"], STAFF_ACCOUNTS, {"41600": 1.0})
    egen_pool("aldreomsorg", "korttid_aldre", UNIT_COST["korttid_aldre"], STAFF_ACCOUNTS, {"41700": 1.0})
    book.spread("5140", -190.0 * vol.total("korttid_aldre"), vol.of("korttid_aldre"), {"3110": 1.0}, {"41700": 1.0})
    sabo_units = {u: float(vol.units.get(("sarskilt_boende", u), np.zeros(12)).sum()) for u in ("SB1", "SB2")}
    sabo_resp = {"41810": _shares(sabo_units)["SB1"], "41820": _shares(sabo_units)["SB2"]}
    egen_pool("aldreomsorg", "sarskilt_boende", UNIT_COST["sarskilt_boende"], STAFF_ACCOUNTS, sabo_resp,
              internal=0.01)
    invoices("aldreomsorg", "sarskilt_boende", "4510", "41400")
    sabo_days = vol.of("sarskilt_boende") + vol.of("sarskilt_boende", "extern")
    book.spread("5150", -370.0 * sabo_days.sum(), sabo_days, {"3110": 0.5, "3120": 0.5}, sabo_resp)
    book.spread("5150", 1_150_000.0, None, {"7810": 1.0}, {"41810": 0.6, "41820": 0.4}, noise=0.0)
    book.spread("5150", 380_000.0, None, {"8410": 1.0}, {"41810": 0.6, "41820": 0.4}, noise=0.0)
    book.spread("5100", OVERHEAD_SHARE["aldreomsorg"] * direct["aldreomsorg"], None, ADMIN_ACCOUNTS, {"41000": 1.0})
    book.spread("5101", MYNDIGHET["aldreomsorg"], None, ADMIN_ACCOUNTS, {"41010": 1.0})

    # LSS and SFB.
    egen_pool("lss", "pa_sfb", UNIT_COST["pa_sfb"], STAFF_ACCOUNTS, {"42100": 1.0})
    bought = vol.units.get(("pa_sfb", "PAX"), np.zeros(12)) * UNIT_COST["pa_sfb_extern"]
    book.monthly("5210", "4510", "42900", bought)
    direct["lss"] += float(bought.sum())
    reimbursed = _fk_reimbursement(rows, visits, info["pa_cases"], unbooked=dict(FK_UNBOOKED))
    book.monthly("5210", "3510", "42100", -reimbursed)
    book.monthly("5210", "3510", "42900", -_fk_reimbursement(rows, visits, info["pa_cases_extern"]))
    book.add(f"{YEAR}-10-31", "3510", "42100", "5210", round(0.023 * reimbursed[:6].sum(), 2))  # settlement Jan-Jun
    egen_pool("lss", "pa_lss", UNIT_COST["pa_lss"], STAFF_ACCOUNTS, {"42100": 1.0})
    egen_pool("lss", "ledsagarservice", UNIT_COST["ledsagarservice"], STAFF_ACCOUNTS, {"42200": 1.0})
    egen_pool("lss", "avlosarservice", UNIT_COST["avlosarservice"], STAFF_ACCOUNTS, {"42200": 1.0})
    egen_pool("lss", "kontaktperson", UNIT_COST["kontaktperson"], CONTACT_ACCOUNTS, {"42200": 1.0})
    egen_pool("lss", "korttidsvistelse", UNIT_COST["korttidsvistelse"], STAFF_ACCOUNTS, {"42300": 1.0},
              internal=0.04, internal_account="3410")
    invoices("lss", "boende_barn_lss", "4510", "42900")
    gb_units = {u: float(vol.units.get(("gruppbostad", u), np.zeros(12)).sum()) for u in ("GB1", "GB2", "GB3")}
    gb_resp = {r: s for r, s in zip(("42410", "42420", "42430"), _shares(gb_units).values(), strict=True)}
    egen_pool("lss", "gruppbostad", UNIT_COST["gruppbostad"], STAFF_ACCOUNTS, gb_resp)
    invoices("lss", "gruppbostad", "4510", "42900")
    book.spread("5250", -95.0 * vol.total("gruppbostad"), vol.of("gruppbostad"), {"3120": 1.0}, gb_resp)
    book.spread("5250", 640_000.0, None, {"7810": 1.0}, gb_resp, noise=0.0)
    egen_pool("lss", "servicebostad", UNIT_COST["servicebostad"], STAFF_ACCOUNTS, {"42500": 1.0})
    book.spread("5260", -95.0 * vol.total("servicebostad"), vol.of("servicebostad"), {"3120": 1.0}, {"42500": 1.0})
    egen_pool("lss", "daglig_verksamhet", UNIT_COST["daglig_verksamhet"], STAFF_ACCOUNTS, {"42600": 1.0})
    invoices("lss", "daglig_verksamhet", "4520", "42900")
    book.spread("5200", OVERHEAD_SHARE["lss"] * direct["lss"], None, ADMIN_ACCOUNTS, {"42000": 1.0})
    book.spread("5201", MYNDIGHET["lss"], None, ADMIN_ACCOUNTS, {"42010": 1.0})

    # Barn och unga.
    egen_pool("barn_unga", "familjehem", UNIT_COST["familjehem"], FEE_ACCOUNTS, {"43100": 1.0})
    book.spread("5710", -185_000.0, None, {"3150": 1.0}, {"43100": 1.0}, noise=0.3)
    invoices("barn_unga", "familjehem_konsulent", "4510", "43900")
    invoices("barn_unga", "hvb", "4510", "43900")
    invoices("barn_unga", "sis", "4530", "43900")
    invoices("barn_unga", "stodboende", "4510", "43900")
    _migrationsverket(book, rows, people, info["unaccompanied"])
    egen_pool("barn_unga", "oppenvard_bou", UNIT_COST["oppenvard_bou"], STAFF_ACCOUNTS, {"43200": 1.0})
    extern_months = vol.of("oppenvard_bou", "extern")
    book.monthly("5750", "4510", "43900", extern_months * UNIT_COST["oppenvard_bou_extern"])
    direct["barn_unga"] += float(extern_months.sum() * UNIT_COST["oppenvard_bou_extern"])
    book.spread("5700", OVERHEAD_SHARE["barn_unga"] * direct["barn_unga"], None, ADMIN_ACCOUNTS, {"43000": 1.0})
    book.spread("5701", MYNDIGHET["barn_unga"], None, ADMIN_ACCOUNTS, {"43010": 1.0})

    # Rows no rule maps (a new project activity, a row without activity) and rows outside the year.
    book.add(f"{YEAR}-03-31", "7010", "41000", "5190", 28_500.00)
    book.add(f"{YEAR}-06-30", "4610", "41000", "5190", 17_240.50)
    book.add(f"{YEAR}-09-30", "7010", "41000", "5190", 21_900.00)
    book.add(f"{YEAR}-11-30", "6550", "42000", "", 4_615.25)
    book.add(f"{YEAR - 1}-12-31", "5011", "41110", "5110", 184_000.00)
    book.add(f"{YEAR + 1}-01-15", "4510", "41400", "5110", 412_380.00)
    gross = sum(r[4] for r in book.rows if r[0].startswith(str(YEAR)) and r[1][:1] in "4567") / 100
    fardtjanst = FARDTJANST if control_total is None else control_total - gross
    if not 0.25 * FARDTJANST <= fardtjanst <= 2 * FARDTJANST:
        raise RuntimeError(f"demo generator: färdtjänst would be {fardtjanst:.0f} kr to meet the control total")
    book.spread("5300", fardtjanst, None, {"4510": 0.9, "5011": 0.1}, {"44000": 1.0})
    return sorted((r for r in book.rows if r[4] != 0), key=lambda r: (r[0], r[3], r[2], r[1]))


def _fk_reimbursement(rows: Rows, visits: dict[str, np.ndarray], cases: list[int], *,
                      unbooked: dict[int, tuple[int, ...]] | None = None) -> np.ndarray:
    """FK's assistansersättning per month: delivered hours up to granted, beyond the first 20 per week.

    ``unbooked`` maps a case's position in ``cases`` to months (0-11) whose reimbursement is left out (planted).
    """
    out = np.zeros(12)
    unbooked = unbooked or {}
    sel = (visits["service"] == "pa_sfb") & (visits["minutes"] > 0) & (visits["date"] >= P0)
    month = (visits["date"].astype("datetime64[M]") - MONTHS[0]).astype(np.int64)
    for c, person in enumerate(cases):
        mine = sel & (visits["person"] == person)
        delivered = np.bincount(month[mine], weights=visits["minutes"][mine] / 60.0, minlength=12)
        granted = np.zeros(12)
        days = np.zeros(12)
        for p, service, _, start, end, hours, _, _ in rows.decisions:
            if p == person and service == "pa_sfb":
                d = month_overlap(np.array([start]), np.array([end]))[0]
                granted += hours * d / DAYS_IN_MONTH
                days += d
        amount = np.clip(np.minimum(delivered, granted) - 20.0 * days / 7.0, 0.0, None) * FK_RATE
        amount[list(unbooked.get(c, ()))] = 0.0
        out += amount
    return np.round(out, 2)


def _migrationsverket(book: _Ledger, rows: Rows, people: People, person: int) -> None:
    """Quarterly claims for an unaccompanied minor: 1 350 kr per day under 18, 750 kr per day 18-20."""
    turns_18 = birthday(people.birth[person], int(str(people.birth[person])[:4]) + 18)
    for p, service, start, end, _, _, _ in rows.stays:
        if p != person or service != "stodboende":
            continue
        days = np.arange(max(start, P0), (min(end, P1) if not np.isnat(end) else P1) + 1)
        rate = np.where(days < turns_18, 1350.0, 750.0)
        quarter = (days.astype("datetime64[M]") - MONTHS[0]).astype(np.int64) // 3
        for q in range(4):
            amount = float(rate[quarter == q].sum())
            if amount:
                book.add(MONTH_END[3 * q + 2], "3520", "43900", "5740", -amount)
