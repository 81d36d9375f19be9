"""``kpbkit validate`` as a gate (issue 16): what a full run needs beyond valid input, counts per severity,
``--strict`` exiting non-zero on warnings, and the nearest key suggested for a typo."""

from __future__ import annotations

import re

from click.testing import CliRunner

from kpbkit.cli import main


def _validate(*args: object):
    return CliRunner().invoke(main, ["validate", *(str(a) for a in args)])


def _summary(output: str) -> tuple[int, int, int]:
    m = re.search(r"^Summary: (\d+) error\(s\), (\d+) warning\(s\), (\d+) note\(s\)$", output, re.M)
    assert m, output
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_a_comparison_municipality_without_results_fails_strict(tmp_path, write_case) -> None:
    config = write_case(tmp_path, config={"comparison": {"municipalities": ["../grannby/results"]}})
    plain = _validate(config)
    assert plain.exit_code == 0, plain.output
    assert re.search(r"^  warning \(full run\): comparison_missing comparison municipality "
                     r"'\.\./grannby/results' has no results", plain.output, re.M), plain.output
    errors, warnings, _notes = _summary(plain.output)
    assert errors == 0 and warnings >= 1
    strict = _validate(config, "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.output


def test_strict_passes_when_nothing_is_missing(tmp_path, write_case) -> None:
    config = write_case(tmp_path, config={"comparison": {"history_years": 0}},
                        population="year,age,sex,count\n2025,84,M,90\n2025,84,K,110\n")
    result = _validate(config, "--strict")
    assert result.exit_code == 0, result.output
    assert "Full run: everything it needs is there" in result.output
    assert _summary(result.output)[:2] == (0, 0)


def test_the_earlier_years_missing_are_one_note(tmp_path, write_case) -> None:
    result = _validate(write_case(tmp_path, config={"comparison": {"history_years": 3}}))
    notes = [line for line in result.output.splitlines() if "history_missing" in line]
    assert len(notes) == 1 and "2022, 2023, 2024" in notes[0], result.output


def test_a_key_typo_gets_the_nearest_key(tmp_path, write_case) -> None:
    result = _validate(write_case(tmp_path, config={"comparison": {"histroy_years": 2}}))
    assert result.exit_code != 0
    assert "key 'comparison.histroy_years': unknown key (did you mean 'history_years'?" in result.output
    far = _validate(write_case(tmp_path / "far", config={"comparison": {"zzz": 2}}))
    assert "did you mean" not in far.output and "unknown key (allowed here:" in far.output
