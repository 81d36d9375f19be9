"""Swedish display text of the LSS genomlysning and the personal-assistance six-month report."""
