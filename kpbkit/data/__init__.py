"""Package data for kpbkit.

``testpersonnummer.csv`` is a subset of Skatteverket's official test personnummer (public open data:
numbers valid in form and never assigned to anyone; the full list is
``shared/data/skatteverket_testpersonnummer.csv``). The demo municipality (:mod:`kpbkit.demo`) takes every
identity from it, so no real person can appear. The subset holds every number born 1920-1975 (the list's
oldest usable people are the scarce ones) and 40 per birth year 1976-2024, evenly spread over each year's
sorted numbers; one 12-digit ``YYYYMMDDNNNC`` number per line under the header ``personnummer``.
"""
