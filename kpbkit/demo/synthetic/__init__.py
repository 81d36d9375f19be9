"""Synthetic municipalities of any size: a complete canonical input folder (already pseudonymised ids, no
personnummer, no key) drawn from one seeded numpy generator with vectorised code, after a
:class:`~kpbkit.demo.synthetic.profile.Profile` (inhabitants, age profile, volumes, egen/extern mix, unit costs).

Split by what each module draws:

- :mod:`~kpbkit.demo.synthetic.catalogue`: the services, providers, age groups, unit costs and ledger codes;
- :mod:`~kpbkit.demo.synthetic.profile`: a municipality's size and structure;
- :mod:`~kpbkit.demo.synthetic.draw`: the case being drawn (persons, providers) and drawing helpers;
- :mod:`~kpbkit.demo.synthetic.visits`: the hour services' visit rows and decisions;
- :mod:`~kpbkit.demo.synthetic.stays`: the day and month services' stays and decisions;
- :mod:`~kpbkit.demo.synthetic.ledger`: the ledger and its rules;
- :mod:`~kpbkit.demo.synthetic.population`: the persons table and the population;
- :mod:`~kpbkit.demo.synthetic.case`: everything drawn and written (``bench/generate.py`` and the demo network).

The same profile and seed give byte-identical files.
"""

from kpbkit.demo.synthetic.case import Generated, client_yaml, generate, write_tables
from kpbkit.demo.synthetic.profile import Profile

__all__ = ["Generated", "Profile", "client_yaml", "generate", "write_tables"]
