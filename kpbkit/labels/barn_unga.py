"""Swedish display text of the barn och unga genomlysning (placements)."""
