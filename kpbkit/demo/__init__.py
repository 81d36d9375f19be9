"""The demo municipality *Exempelkommun* and its neighbours: seeded, deterministic synthetic data.

Split by what each module generates:

- :mod:`~kpbkit.demo.common`: the demo year, providers and target unit costs, date helpers;
- :mod:`~kpbkit.demo.persons`: Skatteverket's test personnummer and who gets which role;
- :mod:`~kpbkit.demo.rows`, :mod:`~kpbkit.demo.aldreomsorg`, :mod:`~kpbkit.demo.lss`,
  :mod:`~kpbkit.demo.barn_unga`: decisions, stays and visit segments per area;
- :mod:`~kpbkit.demo.visits`: the visits of the hour services;
- :mod:`~kpbkit.demo.ledger`: the general ledger and its mapping rules;
- :mod:`~kpbkit.demo.population`: the population and its forecast;
- :mod:`~kpbkit.demo.generate`: the tables assembled, the main year's folder written and kept up to date;
- :mod:`~kpbkit.demo.extracts`: the tables written in the messy shapes municipalities send;
- :mod:`~kpbkit.demo.history`: Exempelkommun's earlier years;
- :mod:`~kpbkit.demo.comparisons`: the comparison municipalities;
- :mod:`~kpbkit.demo.run`: the whole demo set generated, its configs written, and run (``kpbkit demo``);
- :mod:`~kpbkit.demo.synthetic`: synthetic municipalities of any size with pseudonymised ids (``bench/generate.py``);
- :mod:`~kpbkit.demo.network`: the demo network of twelve of them (``kpbkit demo-network``).

Example
-------
>>> from kpbkit.demo import run_demo
>>> run_demo(Path("client_configs/exempelkommun.yaml"), pdf=False)  # doctest: +SKIP
"""

from kpbkit.demo.common import DEFAULT_SEED, FK_RATE, YEAR
from kpbkit.demo.comparisons import COMPARISONS, Comparison, comparison_tables
from kpbkit.demo.generate import DEMO_FILES, DEMO_VERSION, STAMP_FILE, build_demo_tables, ensure_demo, generate_demo
from kpbkit.demo.history import EARLIER_YEARS, history_tables, shift_dates
from kpbkit.demo.persons import load_test_personnummer
from kpbkit.demo.run import DemoSet, prepare_demo, run_demo

__all__ = [
    "COMPARISONS", "DEFAULT_SEED", "DEMO_FILES", "DEMO_VERSION", "EARLIER_YEARS", "FK_RATE", "STAMP_FILE", "YEAR",
    "Comparison", "DemoSet", "build_demo_tables", "comparison_tables", "ensure_demo", "generate_demo",
    "history_tables", "load_test_personnummer", "prepare_demo", "run_demo", "shift_dates",
]
