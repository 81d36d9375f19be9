"""Analyses of the barn och unga genomlysning: out-of-home placements (KPB-METHOD §5 "barn_unga").

Every key figure comes from kpis.csv; everything else from the run's placement stays (``resolved_stays``)
and their share of the person's costs. One module per job, every name importable from here as before:

- :mod:`~kpbkit.analyses.barn_unga.stays`: the placement stays and their costs (the base of the others);
- :mod:`~kpbkit.analyses.barn_unga.figures`: key figures and per-form figures from kpis.csv;
- :mod:`~kpbkit.analyses.barn_unga.forms`: placement forms and providers, contracted prices;
- :mod:`~kpbkit.analyses.barn_unga.lengths`: lengths of stays and episodes;
- :mod:`~kpbkit.analyses.barn_unga.flows`: inflow and outflow per month, children placed per day;
- :mod:`~kpbkit.analyses.barn_unga.people`: age, sex, legal basis and the costliest placements;
- :mod:`~kpbkit.analyses.barn_unga.open_care`: open care beside placements, the state reimbursement;
- :mod:`~kpbkit.analyses.barn_unga.quality`: the placement findings.
"""

from __future__ import annotations

from kpbkit.analyses.barn_unga.figures import (
    FORM_KPIS,
    KEY_FIGURES,
    form_figures,
    has_placements,
    key_figures,
    key_figures_payload,
    placed_per_1000,
)
from kpbkit.analyses.barn_unga.flows import flows_by_month, placed_per_day, placed_per_day_summary
from kpbkit.analyses.barn_unga.forms import contracted_vs_ledger, family_vs_institution, forms_table, provider_table
from kpbkit.analyses.barn_unga.lengths import (
    LENGTH_BANDS,
    episodes,
    length_band,
    length_by_form,
    length_distribution,
    length_summary,
    stay_lengths,
)
from kpbkit.analyses.barn_unga.open_care import open_care_and_placement_persons, open_care_vs_placement, reimbursement
from kpbkit.analyses.barn_unga.people import cost_by_age_and_sex, cost_by_sex, law_by_form, law_split, top_placements
from kpbkit.analyses.barn_unga.quality import placement_quality, price_coverage
from kpbkit.analyses.barn_unga.stays import (
    AREA,
    COST_COLUMNS,
    FORM_GROUPS,
    OPEN_CARE,
    PLACEMENTS,
    counted_placement_stays,
    law_labels,
    placement_costs,
    placement_stays,
)

__all__ = [
    "AREA", "COST_COLUMNS", "FORM_GROUPS", "FORM_KPIS", "KEY_FIGURES", "LENGTH_BANDS", "OPEN_CARE", "PLACEMENTS",
    "contracted_vs_ledger", "cost_by_age_and_sex", "cost_by_sex", "counted_placement_stays", "episodes",
    "family_vs_institution", "flows_by_month", "form_figures", "forms_table", "has_placements", "key_figures",
    "key_figures_payload", "law_by_form", "law_labels", "law_split", "length_band", "length_by_form",
    "length_distribution", "length_summary", "open_care_and_placement_persons", "open_care_vs_placement",
    "placed_per_1000", "placed_per_day", "placed_per_day_summary", "placement_costs", "placement_quality",
    "placement_stays", "price_coverage", "provider_table", "reimbursement", "stay_lengths", "top_placements",
]
