"""Writers of the results folder's files (CSV, JSON); the folder itself is staged by :mod:`kpbkit.io.staging`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kpbkit.io.identity_guard import check_frame, check_json


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma-separated, ISO dates, dot decimals, unrounded; NaN as an empty cell.

    Refused (nothing written) when a value is shaped like a personnummer (:mod:`kpbkit.io.identity_guard`).
    """
    check_frame(frame, path)
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")


def write_csvs(frames: Mapping[Path, pd.DataFrame]) -> list[Path]:
    """Each frame to its path (:func:`write_csv`); returns the paths written, in order."""
    for path, frame in frames.items():
        write_csv(frame, path)
    return list(frames)


def write_json(data: dict[str, Any], path: Path) -> None:
    """Indented UTF-8 JSON; refused when a value is shaped like a personnummer."""
    check_json(data, path)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
