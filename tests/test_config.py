"""Tests for kpbkit.config: what a user can get wrong in a client config, and what a valid one gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpbkit.config import load_client_config
from kpbkit.errors import ConfigError
from kpbkit.model.rules import ledger_rules

RULES_HEADER = "activity,account_prefix,responsibility,target,kind\n"


def config_error(path: Path) -> ConfigError:
    """The error of loading the config at ``path`` with its ledger rules (as a run and `validate` do first)."""
    with pytest.raises(ConfigError) as info:
        ledger_rules(load_client_config(path))
    return info.value


# --- a valid config ---------------------------------------------------------------------------------------


def test_minimal_config_loads(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path))
    assert cfg.client_id == "testkommun"
    assert cfg.client_name == "Testkommun"
    assert cfg.model.client.kommunkod == "0000"
    assert cfg.period.start == dt.date(2025, 1, 1)
    assert cfg.period.end == dt.date(2025, 12, 31)
    assert cfg.input_folder == (tmp_path / "input").resolve()
    assert len(ledger_rules(cfg)) == 1
    assert ledger_rules(cfg)[0].target == "service:hemtjanst:egen"
    assert len(cfg.config_hash) == 64


def test_minimal_config_without_optional_sections(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": None, "output": None}))
    assert cfg.model.pseudonymisation is None
    assert [b.label for b in cfg.age_bands["aldreomsorg"]] == ["0-64", "65-79", "80+"]


def test_paths_resolve_relative_to_the_config_file_not_the_working_directory(tmp_path, write_case, monkeypatch):
    case = tmp_path / "clients" / "a"
    path = write_case(case, config={"output": {"folder": "../out"}})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    cfg = load_client_config(Path("..") / "clients" / "a" / "client.yaml")
    assert cfg.path == path.resolve()
    assert cfg.input_folder == (case / "input").resolve()
    assert cfg.rules_file == (case / "input" / "ledger_rules.csv").resolve()
    assert cfg.output_dir == (tmp_path / "clients" / "out" / "testkommun" / "2025").resolve()


def test_default_output_folder_is_reports_of_the_working_directory(tmp_path, write_case, monkeypatch):
    path = write_case(tmp_path / "case", config={"output": None})
    monkeypatch.chdir(tmp_path)
    cfg = load_client_config(path)
    assert cfg.output_dir == (tmp_path / "reports" / "testkommun" / "2025").resolve()


def test_absolute_input_folder(tmp_path, write_case):
    data = tmp_path / "case" / "input"
    path = write_case(tmp_path / "case", config={"input": {"folder": str(data)}})
    assert load_client_config(path).input_folder == data


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (None, None, "2025"),  # period: {year: 2025}
        ("2024-01-01", "2024-12-31", "2024"),
        ("2025-01-01", "2025-06-30", "2025-01-01_2025-06-30"),
        ("2024-07-01", "2025-06-30", "2024-07-01_2025-06-30"),
        ("2025-03-15", "2025-03-15", "2025-03-15_2025-03-15"),
    ],
)
def test_period_label_and_output_dir(tmp_path, write_case, start, end, label):
    period = {"year": 2025} if start is None else {"year": None, "start": start, "end": end}
    cfg = load_client_config(write_case(tmp_path, config={"period": period}))
    assert cfg.period.label == label
    if start is None:
        assert (cfg.period.start, cfg.period.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    else:
        assert (cfg.period.start, cfg.period.end) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert cfg.output_dir == (tmp_path / "reports" / "testkommun" / label).resolve()


def test_config_hash_changes_with_the_file(tmp_path, write_case):
    a = load_client_config(write_case(tmp_path / "a"))
    b = load_client_config(write_case(tmp_path / "b", config={"client": {"name": "Annan"}}))
    assert a.config_hash != b.config_hash


# --- not a config at all -------------------------------------------------------------------------------------


def test_missing_config_file(tmp_path):
    err = config_error(tmp_path / "nope.yaml")
    assert "not found" in str(err)
    assert "nope.yaml" in str(err)


def test_invalid_yaml_names_the_line(tmp_path, write_case):
    path = write_case(tmp_path, config="client:\n  id: x\n  name: [unclosed\nperiod:\n  year: 2025\n")
    err = config_error(path)
    assert "not valid YAML" in str(err)
    assert err.row is not None


def test_config_that_is_not_a_mapping(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config="- just\n- a list\n"))
    assert "mapping" in str(err)


# --- unknown keys ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "key", "allowed"),
    [
        ({"clients": {"id": "x"}}, "clients", ["client", "period", "input", "ledger_rules", "output"]),
        ({"period": {"year": 2025, "years": 2}}, "period.years", ["year", "start", "end"]),
        ({"client": {"kommun": "x"}}, "client.kommun", ["id", "name", "kommunkod"]),
        ({"input": {"folder": "input", "format": "csv"}}, "input.format", ["folder", "shape"]),
        ({"output": {"dir": "x"}}, "output.dir", ["folder"]),
        ({"pseudonymisation": {"key": "secret"}}, "pseudonymisation.key", ["key_env", "key_file"]),
        ({"services": [{"code": "x", "area": "lss", "unit": "day", "name": "X"}]}, "services[0].name",
         ["code", "area", "unit"]),
        ({"ledger_rules": [{"target": "exclude", "kind": "cost", "acount_prefix": "4"}]},
         "ledger_rules[0].acount_prefix", ["activity", "account_prefix", "responsibility", "target", "kind"]),
    ],
)
def test_unknown_key_is_named_with_the_allowed_keys(tmp_path, write_case, override, key, allowed):
    err = config_error(write_case(tmp_path, config=override))
    text = str(err)
    assert f"key '{key}': unknown key" in text
    for name in allowed:
        assert name in text.split("allowed here:")[1]
    assert "Traceback" not in text


def test_missing_required_key_is_named(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"client": {"name": None}}))
    assert "key 'client.name': required but missing" in str(err)


# --- bad values ------------------------------------------------------------------------------------------------


def test_kommunkod_unquoted_number(tmp_path, write_case):
    raw = """
    client:
      id: testkommun
      name: Testkommun
      kommunkod: 1280
    period:
      year: 2025
    input:
      folder: input
    """
    err = config_error(write_case(tmp_path, config=raw))
    assert "key 'client.kommunkod'" in str(err)
    assert "quotes" in str(err)


def test_kommunkod_with_leading_zero_unquoted_is_read_by_yaml_as_an_octal_number(tmp_path, write_case):
    # YAML 1.1 reads 0123 as the octal number 83: the leading zero is lost, so this must be an error.
    raw = "client:\n  id: testkommun\n  name: T\n  kommunkod: 0123\nperiod:\n  year: 2025\ninput:\n  folder: input\n"
    err = config_error(write_case(tmp_path, config=raw))
    assert "key 'client.kommunkod'" in str(err)


@pytest.mark.parametrize("code", ["180", "01800", "01a0", ""])
def test_kommunkod_wrong_length_or_not_digits(tmp_path, write_case, code):
    err = config_error(write_case(tmp_path, config={"client": {"kommunkod": code}}))
    assert "key 'client.kommunkod'" in str(err)


@pytest.mark.parametrize("client_id", ["Exempel", "my client", "../x", ""])
def test_bad_client_id(tmp_path, write_case, client_id):
    err = config_error(write_case(tmp_path, config={"client": {"id": client_id}}))
    assert "key 'client.id'" in str(err)


def test_period_with_both_year_and_start(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"period": {"year": 2025, "start": "2025-01-01"}}))
    assert "key 'period'" in str(err)
    assert "not both" in str(err)


def test_period_with_only_start(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"period": {"year": None, "start": "2025-01-01"}}))
    assert "key 'period'" in str(err)
    assert "'end'" in str(err)


def test_period_end_before_start(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"period": {"year": None, "start": "2025-06-30",
                                                                "end": "2025-01-01"}}))
    assert "key 'period'" in str(err)
    assert "before" in str(err)


def test_period_bad_date(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"period": {"year": None, "start": "2025-02-30",
                                                                "end": "2025-12-31"}}))
    assert "key 'period.start'" in str(err)


@pytest.mark.parametrize("year", ["next", 25000])
def test_period_bad_year(tmp_path, write_case, year):
    err = config_error(write_case(tmp_path, config={"period": {"year": year}}))
    assert "key 'period.year'" in str(err)


def test_shape_must_be_canonical(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"input": {"shape": "treserva"}}))
    assert "key 'input.shape'" in str(err)
    assert "canonical" in str(err)


def test_input_folder_missing(tmp_path, write_case):
    err = config_error(
        write_case(tmp_path, config={"input": {"folder": "nowhere"}, "ledger_rules": [{"target": "exclude",
                                                                                       "kind": "cost"}]})
    )
    assert err.key == "input.folder"
    assert "nowhere" in str(err)


def test_input_folder_missing_with_default_rules_file_names_the_folder(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"input": {"folder": "inptu"}}))
    assert err.key == "input.folder"
    assert "inptu" in str(err)


def test_input_key_missing(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"input": None}))
    assert "key 'input': required but missing" in str(err)


@pytest.mark.parametrize("labels", [["0-64", "65-79", "80"], ["0-64", "sixty-five+"], ["79-65"], ["0-70", "65+"]])
def test_bad_age_band_label_names_the_key(tmp_path, write_case, labels):
    err = config_error(write_case(tmp_path, config={"age_bands": {"aldreomsorg": labels}}))
    assert err.key == "age_bands.aldreomsorg"


def test_age_band_given_as_a_number(tmp_path, write_case):
    raw = "client: {id: t, name: T, kommunkod: '0000'}\nperiod: {year: 2025}\ninput: {folder: input}\n" \
          "age_bands:\n  aldreomsorg: [65, 80+]\n"
    err = config_error(write_case(tmp_path, config=raw))
    assert "key 'age_bands.aldreomsorg[0]'" in str(err)


def test_unknown_area_in_age_bands(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"age_bands": {"aldre": ["0-64", "65+"]}}))
    assert err.key == "age_bands.aldre"
    assert "aldreomsorg" in str(err)  # lists the allowed areas


def test_client_age_bands_replace_the_area_default(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path, config={"age_bands": {"aldreomsorg": ["0-79", "80-89", "90+"]}}))
    assert [b.label for b in cfg.age_bands["aldreomsorg"]] == ["0-79", "80-89", "90+"]
    assert [b.label for b in cfg.age_bands["lss"]] == ["0-17", "18-64", "65+"]


@pytest.mark.parametrize(
    ("service", "key"),
    [
        ({"code": "Natt", "area": "aldreomsorg", "unit": "hour"}, "services[0].code"),
        ({"code": "natt", "area": "aldreomsorg", "unit": "hours"}, "services[0].unit"),
        ({"code": "natt", "unit": "hour"}, "services[0].area"),
    ],
)
def test_bad_client_service(tmp_path, write_case, service, key):
    err = config_error(write_case(tmp_path, config={"services": [service]}))
    assert f"key '{key}'" in str(err)


# --- ledger rules ----------------------------------------------------------------------------------------------


def inline(**rule: str) -> dict:
    return {"ledger_rules": [rule]}


def test_inline_rules_are_used_instead_of_the_default_file(tmp_path, write_case):
    rules = [
        {"activity": "510", "account_prefix": "46", "target": "service:hemtjanst:egen", "kind": "internal_revenue"},
        {"target": "exclude", "kind": "cost"},
    ]
    cfg = load_client_config(write_case(tmp_path, config={"ledger_rules": rules}, ledger_rules=None))
    assert cfg.rules_file is None
    assert [(r.activity, r.account_prefix, r.responsibility, r.target, r.kind) for r in ledger_rules(cfg)] == [
        ("510", "46", "", "service:hemtjanst:egen", "internal_revenue"),
        ("", "", "", "exclude", "cost"),
    ]


def test_rules_csv_named_in_config_relative_to_config(tmp_path, write_case):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.csv").write_text(
        RULES_HEADER + "510, 0456 ,,service:hemtjanst:extern,cost\n,,,exclude,cost\n", encoding="utf-8"
    )
    cfg = load_client_config(write_case(tmp_path, config={"ledger_rules": "rules/mine.csv"}, ledger_rules=None))
    assert cfg.rules_file == (tmp_path / "rules" / "mine.csv").resolve()
    assert ledger_rules(cfg)[0].account_prefix == "0456"  # a string, leading zero kept, trimmed
    assert ledger_rules(cfg)[0].activity == "510"
    assert [r.target for r in ledger_rules(cfg)] == ["service:hemtjanst:extern", "exclude"]


def test_rules_csv_with_only_target_and_kind_columns(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path, ledger_rules="target,kind\nexclude,cost\n"))
    assert ledger_rules(cfg)[0].activity == "" and ledger_rules(cfg)[0].target == "exclude"


def test_default_rules_file_in_the_input_folder(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path))
    assert cfg.rules_file == (tmp_path / "input" / "ledger_rules.csv").resolve()


def test_no_rules_anywhere(tmp_path, write_case):
    err = config_error(write_case(tmp_path, ledger_rules=None))
    assert err.key == "ledger_rules"
    assert "ledger_rules.csv" in str(err)


def test_rules_file_named_in_config_missing(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"ledger_rules": "missing.csv"}))
    assert err.key == "ledger_rules"
    assert "missing.csv" in str(err)


def test_ledger_rules_of_the_wrong_type(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"ledger_rules": {"target": "exclude"}}))
    assert "key 'ledger_rules'" in str(err)
    assert "list of rules" in str(err)
    assert "lax-or-strict" not in str(err)  # no pydantic internals


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"target": "service:hemtjanst", "kind": "cost"}, ["not one of the allowed forms"]),
        ({"target": "overhead", "kind": "cost"}, ["not one of the allowed forms"]),
        ({"target": "service:hemtjanst:egen:x", "kind": "cost"}, ["not one of the allowed forms"]),
        ({"target": "Exclude", "kind": "cost"}, ["not one of the allowed forms"]),
        ({"target": "service:hemtjänst:egen", "kind": "cost"}, ["does not know"]),
        ({"target": "service:hemtjanst:privat", "kind": "cost"}, ["egen, extern"]),
        ({"target": "overhead:aldre", "kind": "cost"}, ["aldreomsorg"]),
        ({"target": "myndighet:ifo", "kind": "cost"}, ["barn_unga"]),
    ],
)
def test_inline_rule_with_bad_target_names_the_key(tmp_path, write_case, rule, words):
    err = config_error(write_case(tmp_path, config=inline(**rule)))
    assert err.key == "ledger_rules[0].target"
    assert rule["target"] in str(err)
    for word in words:
        assert word in str(err)


def test_inline_rule_with_bad_kind_names_the_key(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config=inline(target="exclude", kind="revenue")))
    text = str(err)
    assert "key 'ledger_rules[0].kind'" in text
    assert "internal_revenue" in text and "state_reimbursement" in text
    assert "list[" not in text  # no pydantic internals in the key


def test_inline_rule_missing_target(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config=inline(kind="cost")))
    assert "key 'ledger_rules[0].target': required but missing" in str(err)


@pytest.mark.parametrize("field", ["account_prefix", "activity", "responsibility"])
def test_inline_rule_code_given_as_an_unquoted_number(tmp_path, write_case, field):
    raw = (
        "client: {id: t, name: T, kommunkod: '0000'}\nperiod: {year: 2025}\ninput: {folder: input}\n"
        f"ledger_rules:\n  - {{{field}: 0456, target: exclude, kind: cost}}\n"
    )
    err = config_error(write_case(tmp_path, config=raw))
    assert f"key 'ledger_rules[0].{field}'" in str(err)
    assert "quotes" in str(err)


def test_inline_rule_code_quoted_keeps_leading_zeros(tmp_path, write_case):
    raw = (
        "client: {id: t, name: T, kommunkod: '0000'}\nperiod: {year: 2025}\ninput: {folder: input}\n"
        "ledger_rules:\n  - {account_prefix: '0456', activity: ' 510 ', target: exclude, kind: cost}\n"
    )
    cfg = load_client_config(write_case(tmp_path, config=raw))
    assert ledger_rules(cfg)[0].account_prefix == "0456"
    assert ledger_rules(cfg)[0].activity == "510"


def test_second_inline_rule_is_named_by_its_index(tmp_path, write_case):
    rules = [{"target": "exclude", "kind": "cost"}, {"target": "overhead:nowhere", "kind": "cost"}]
    err = config_error(write_case(tmp_path, config={"ledger_rules": rules}))
    assert err.key == "ledger_rules[1].target"


@pytest.mark.parametrize(
    ("rows", "row", "column", "words"),
    [
        (",,,exclude,cost\n,,,service:hemtjanst,cost\n", 3, "target", ["not one of the allowed forms"]),
        (",,,service:okand:egen,cost\n", 2, "target", ["okand", "does not know"]),
        (",,,service:hemtjanst:kommunal,cost\n", 2, "target", ["egen, extern"]),
        (",,,overhead:x,cost\n", 2, "target", ["aldreomsorg"]),
        (",,,exclude,cost\n,,,exclude,cost\n,,,exclude,avgift\n", 4, "kind", ["avgift", "state_reimbursement"]),
        (",,,exclude,\n", 2, "kind", ["not allowed"]),
    ],
)
def test_rules_csv_error_names_file_row_and_column(tmp_path, write_case, rows, row, column, words):
    err = config_error(write_case(tmp_path, ledger_rules=RULES_HEADER + rows))
    assert err.file == str((tmp_path / "input" / "ledger_rules.csv").resolve())
    assert err.row == row
    assert err.column == column
    text = str(err)
    assert f"row {row}" in text and f"column '{column}'" in text and "ledger_rules.csv" in text
    for word in words:
        assert word in text


def test_rules_csv_with_missing_column(tmp_path, write_case):
    err = config_error(write_case(tmp_path, ledger_rules="activity,account_prefix,target\n,,exclude\n"))
    assert "kind" in str(err)
    assert err.file and err.file.endswith("ledger_rules.csv")


def test_rules_csv_with_unknown_column(tmp_path, write_case):
    err = config_error(write_case(tmp_path, ledger_rules="konto,target,kind\n4,exclude,cost\n"))
    assert "konto" in str(err)
    assert "account_prefix" in str(err)  # lists the allowed columns


def test_client_added_service_makes_its_target_valid(tmp_path, write_case):
    rules = RULES_HEADER + ",,,service:hemtjanst_natt:extern,cost\n"
    path = write_case(tmp_path, ledger_rules=rules)
    assert "hemtjanst_natt" in str(config_error(path))
    services = [{"code": "hemtjanst_natt", "area": "aldreomsorg", "unit": "hour"}]
    cfg = load_client_config(write_case(tmp_path, config={"services": services}, ledger_rules=rules))
    assert cfg.catalog.unit_of("hemtjanst_natt") == "hour"
    assert cfg.catalog.area_of("hemtjanst_natt") == "aldreomsorg"
    assert ledger_rules(cfg)[0].target == "service:hemtjanst_natt:extern"


def test_client_added_area_makes_its_overhead_target_and_age_bands_valid(tmp_path, write_case):
    services = [{"code": "forsorjningsstod", "area": "ekonomiskt_bistand", "unit": "month"}]
    cfg = load_client_config(
        write_case(
            tmp_path,
            config={
                "services": services,
                "age_bands": {"ekonomiskt_bistand": ["0-29", "30+"]},
                "ledger_rules": [{"target": "overhead:ekonomiskt_bistand", "kind": "cost"},
                                 {"target": "myndighet:ekonomiskt_bistand", "kind": "cost"}],
            },
        )
    )
    assert "ekonomiskt_bistand" in cfg.catalog.areas
    assert [b.label for b in cfg.age_bands["ekonomiskt_bistand"]] == ["0-29", "30+"]


def test_rules_are_checked_before_the_input_folder(tmp_path, write_case):
    """A config error in the rules is reported whatever the state of the input data: a run reads them first."""
    from kpbkit.pipeline import run_client

    path = write_case(tmp_path, ledger_rules=RULES_HEADER + ",,,bogus,cost\n", visits="not,a,valid\n")
    with pytest.raises(ConfigError) as err:
        run_client(path, progress=lambda *a: None)
    assert err.value.column == "target" and str(err.value.file).endswith("ledger_rules.csv")


# --- pseudonymisation key ----------------------------------------------------------------------------------------

ENV = "KPBKIT_TEST_KEY_CONFIG"


def test_key_from_environment_variable(tmp_path, write_case, monkeypatch):
    monkeypatch.setenv(ENV, "  env-secret-value-0123456789  ")
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV, "key_file": None}}))
    assert cfg.pseudonym_key() == b"env-secret-value-0123456789"


def test_key_from_file(tmp_path, write_case, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    cfg = load_client_config(write_case(tmp_path))
    assert cfg.pseudonym_key() == b"kpbkit-test-key-0123456789abcdef"


def test_key_file_relative_to_the_config_file(tmp_path, write_case, monkeypatch):
    path = write_case(tmp_path / "case", config={"pseudonymisation": {"key_file": "../secrets/k.key"}})
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "k.key").write_text("another-secret-0123456789\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "secrets")
    assert load_client_config(path).pseudonym_key() == b"another-secret-0123456789"


def test_environment_wins_over_file_when_set(tmp_path, write_case, monkeypatch):
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV}}))
    monkeypatch.setenv(ENV, "from-the-environment-0123456789")
    assert cfg.pseudonym_key() == b"from-the-environment-0123456789"
    monkeypatch.setenv(ENV, "   ")  # set but blank: the file is used
    assert cfg.pseudonym_key() == b"kpbkit-test-key-0123456789abcdef"
    monkeypatch.delenv(ENV)
    assert cfg.pseudonym_key() == b"kpbkit-test-key-0123456789abcdef"


def test_environment_variable_not_set_and_no_file(tmp_path, write_case, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV, "key_file": None}}))
    with pytest.raises(ConfigError) as info:
        cfg.pseudonym_key()
    assert info.value.key == "pseudonymisation.key_env"
    assert ENV in str(info.value)


def test_neither_environment_nor_file_names_both(tmp_path, write_case, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    cfg = load_client_config(
        write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV, "key_file": "absent.key"}})
    )
    with pytest.raises(ConfigError) as info:
        cfg.pseudonym_key()
    assert info.value.key == "pseudonymisation.key_file"
    assert "absent.key" in str(info.value)
    assert ENV in str(info.value)


def test_key_file_too_short(tmp_path, write_case):
    path = write_case(tmp_path, config={"pseudonymisation": {"key_file": "short.key"}})
    (tmp_path / "short.key").write_text("abc\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_client_config(path).pseudonym_key()
    assert info.value.key == "pseudonymisation.key_file"


def test_no_pseudonymisation_section_and_key_needed(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": None}))
    with pytest.raises(ConfigError) as info:
        cfg.pseudonym_key()
    assert info.value.key == "pseudonymisation"


def test_empty_pseudonymisation_section(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"pseudonymisation": {"key_env": None, "key_file": None}}))
    assert "pseudonymisation" in str(err)


def test_bad_environment_variable_name(tmp_path, write_case):
    err = config_error(write_case(tmp_path, config={"pseudonymisation": {"key_env": "MY-KEY"}}))
    assert "key 'pseudonymisation.key_env'" in str(err)


def test_unquoted_impossible_date_in_yaml_names_the_key(tmp_path, write_case):
    raw = "client: {id: t, name: T, kommunkod: '0000'}\nperiod:\n  start: 2025-02-30\n  end: 2025-12-31\n" \
          "input: {folder: input}\n"
    err = config_error(write_case(tmp_path, config=raw))
    assert "key 'period.start'" in str(err)


def test_unquoted_dates_in_yaml_are_read(tmp_path, write_case):
    raw = "client: {id: t, name: T, kommunkod: '0000'}\nperiod:\n  start: 2025-01-01\n  end: 2025-06-30\n" \
          "input: {folder: input}\n"
    cfg = load_client_config(write_case(tmp_path, config=raw))
    assert cfg.period.label == "2025-01-01_2025-06-30"


def test_rules_csv_row_numbers_count_blank_lines(tmp_path, write_case):
    err = config_error(write_case(tmp_path, ledger_rules=RULES_HEADER + ",,,exclude,cost\n\n,,,overhead:x,cost\n"))
    assert (err.row, err.column) == (4, "target")


def test_rules_csv_blank_rows_are_ignored(tmp_path, write_case):
    cfg = load_client_config(write_case(tmp_path, ledger_rules=RULES_HEADER + "\n,,,exclude,cost\n,,,,\n\n"))
    assert [r.target for r in ledger_rules(cfg)] == ["exclude"]


def test_semicolon_separated_rules_csv_gets_a_hint(tmp_path, write_case):
    rules = "activity;account_prefix;responsibility;target;kind\n;;;exclude;cost\n"
    err = config_error(write_case(tmp_path, ledger_rules=rules))
    assert "semicolon" in str(err)


def test_unreadable_rules_csv_is_a_config_error_naming_the_row(tmp_path, write_case):
    err = config_error(write_case(tmp_path, ledger_rules=RULES_HEADER + ",,,exclude,cost\n,,,exclude,cost,extra\n"))
    assert err.file.endswith("ledger_rules.csv")
    assert err.row == 3
