"""Analyses of a run's results: pure functions returning frames (and figures, in kpbkit.charts)."""
