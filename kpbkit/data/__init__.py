"""Package data for kpbkit.

``testpersonnummer.csv`` is a subset of Skatteverket's official test personnummer (public open data:
numbers valid in form and never assigned to anyone; the full list is
``shared/data/skatteverket_testpersonnummer.csv``). The demo municipality (:mod:`kpbkit.demo`) takes every
identity from it, so no real person can appear. The subset holds every number born 1920-1975 (the list's
oldest usable people are the scarce ones) and 40 per birth year 1976-2024, evenly spread over each year's
sorted numbers; one 12-digit ``YYYYMMDDNNNC`` number per line under the header ``personnummer``.

``reference_values.csv`` holds the reference values the area reports compare with (read by
:func:`kpbkit.analyses.compare.shipped_references`): ``version, area, kpi, group, value, low, high, unit, year,
source, note``, UTF-8, comma-separated. ``version`` is one value for the whole file (year and edition,
``2026.1``), raised whenever a figure is added or changed; ``value`` is the point compared with (a range's
midpoint where the source gives only ``low``–``high``); kronor carry the ``year`` of their price level. The
seed is the national and KPB figures of KPB-METHOD §6; ``docs/method.md`` ("Comparisons and savings
potential") lists the choices.
"""
