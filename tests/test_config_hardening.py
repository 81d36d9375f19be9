"""Config hardening (issue 12, items 3 and 7): what YAML would do silently or without bound is an error; the output
folder cannot be a root, the home folder or among the raw extracts; paths outside the config's folder are logged;
keys are written 0600 and never through a link, and both key sources need the same length.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import kpbkit.config.loading as config_module
from kpbkit.cli import main
from kpbkit.config import MIN_KEY_BYTES, load_client_config, parse_config_yaml, read_config_yaml
from kpbkit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
ENV = "KPBKIT_TEST_KEY_HARDENING"

pytestmark = pytest.mark.usefixtures("cli_isolation")

#: the base config of ``write_case`` as raw text (line numbers below refer to it)
BASE = """\
client:
  id: testkommun
  name: Testkommun
  kommunkod: '0000'
period:
  year: 2025
input:
  folder: input
  shape: canonical
pseudonymisation:
  key_file: kpbkit.key
output:
  folder: reports
"""

BOMB = 'lol1: &l1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(2, 10)
)


def config_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_client_config(path)
    return info.value


def yaml_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config_yaml(text.encode(), file=Path("client.yaml"))
    return info.value


# --- duplicate keys -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "key", "lines"), [
    ("period:\n  year: 2024\n", "period", (5, 14)),
    ("report:\n  publication: false\n  threshold: 5\n  publication: true\n", "report.publication", (15, 17)),
    ("lss:\n  fk_hourly_rates:\n    2025: 339.3\n    2025: 400\n", "lss.fk_hourly_rates.2025", (16, 17)),
    ("ledger_rules:\n- {target: exclude, kind: cost}\n- target: exclude\n  kind: cost\n  kind: fee\n",
     "ledger_rules[1].kind", (17, 18)),
])
def test_a_duplicate_key_names_its_path_and_both_lines(tmp_path, write_case, extra, key, lines):
    err = config_error(write_case(tmp_path, config=BASE + extra))
    assert err.key == key
    assert err.row == lines[1]
    assert f"given twice, on lines {lines[0]} and {lines[1]}" in err.what
    assert err.fix


def test_keys_equal_as_values_are_duplicates_though_written_differently():
    err = yaml_error("lss:\n  fk_hourly_rates:\n    2025: 1\n    0x7E9: 2\n")  # 0x7E9 is 2025
    assert err.key == "lss.fk_hourly_rates.2025"


def test_a_key_overriding_a_merged_anchor_is_not_a_duplicate():
    data = parse_config_yaml(b"base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n", file=Path("c.yaml"))
    assert data["other"] == {"x": 3, "y": 2}


def test_the_same_key_in_different_sections_is_allowed():
    assert parse_config_yaml(b"a: {folder: x}\nb: {folder: y}\n", file=Path("c.yaml")) == {
        "a": {"folder": "x"}, "b": {"folder": "y"}}


# --- aliases, nesting, size ---------------------------------------------------------------------------------------


def test_an_alias_bomb_fails_fast_without_building_the_document(tmp_path, write_case, monkeypatch):
    def never(*_args):
        raise AssertionError("the document was constructed")

    monkeypatch.setattr(config_module._ConfigLoader, "construct_document", never)
    path = write_case(tmp_path, config=BASE + BOMB)
    started = time.perf_counter()
    err = config_error(path)
    assert time.perf_counter() - started < 0.5
    assert f"more than {config_module.MAX_ALIASES} YAML aliases" in err.what
    assert err.row == 17  # the 21st alias: the first of lol4 (lines 14-22 hold lol1-lol9)


def test_aliases_within_the_count_that_would_repeat_too_much_are_refused():
    anchor = "a: &a [" + ", ".join(["1"] * 1000) + "]\n"
    err = yaml_error(anchor + "b: [" + ", ".join(["*a"] * 11) + "]\n")
    assert "would repeat 11 011 values (limit 10 000)" in err.what


def test_a_few_aliases_are_allowed(tmp_path, write_case):
    text = BASE + "report:\n  threshold: &five 5\nquality:\n  control_tolerance: *five\n"
    cfg = load_client_config(write_case(tmp_path, config=text))
    assert cfg.quality.control_tolerance == 5
    assert cfg.report.threshold == 5


def test_aliases_up_to_the_limit_are_allowed_and_one_more_is_not():
    limit = config_module.MAX_ALIASES
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * limit) + "]\n"
    assert parse_config_yaml(text.encode(), file=Path("c.yaml"))["b"] == [1] * limit
    assert "YAML aliases" in yaml_error(text.replace("]", ", *a]")).what


def test_an_alias_inside_its_own_anchor_is_refused():
    err = yaml_error("a: 1\nloop: &l {x: [*l]}\n")
    assert err.row == 2
    assert "it is inside of" in err.what


def test_deep_nesting_is_refused_before_python_runs_out_of_stack():
    err = yaml_error("deep: " + "[" * 5000 + "]" * 5000 + "\n")
    assert f"more than {config_module.MAX_NESTING} levels" in err.what


def test_a_config_over_the_size_limit_is_refused_before_parsing(tmp_path, write_case, monkeypatch):
    monkeypatch.setattr(config_module, "MAX_CONFIG_BYTES", 1000)
    path = write_case(tmp_path, config=BASE + "#" * (999 - len(BASE)) + "\n")
    assert path.stat().st_size == 1000
    load_client_config(path)
    path.write_text(BASE + "#" * (1000 - len(BASE)) + "\n", encoding="utf-8")
    monkeypatch.setattr(config_module, "parse_config_yaml", lambda *a, **k: pytest.fail("parsed"))
    err = config_error(path)
    assert "1 001 bytes, more than the limit of 1 000 bytes" in err.what


def test_the_real_size_limit_is_one_megabyte(tmp_path, write_case):
    path = write_case(tmp_path, config=BASE)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("#" * 1_000_000 + "\n")
    started = time.perf_counter()
    assert "more than the limit of 1 000 000 bytes" in config_error(path).what
    assert time.perf_counter() - started < 0.5


def test_the_cli_gives_one_line_for_an_alias_bomb(tmp_path, write_case):
    result = CliRunner().invoke(main, ["validate", str(write_case(tmp_path, config=BASE + BOMB))])
    assert result.exit_code == 2
    assert result.output.count("error:") == 1 and "Traceback" not in result.output
    assert "How to fix:" in result.output


def test_shipped_configs_and_presets_pass_the_strict_reader():
    files = [*sorted((ROOT / "client_configs").glob("*.yaml")), *sorted((ROOT / "kpbkit/data/presets").glob("*.yaml"))]
    assert len(files) >= 4
    for path in files:
        assert read_config_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8-sig")), path


def test_the_demo_reads_its_config_with_the_same_limits(tmp_path):
    from kpbkit.demo import ensure_demo

    path = tmp_path / "demo.yaml"
    path.write_text("input:\n  folder: data\ninput:\n  folder: other\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        ensure_demo(path)
    assert info.value.key == "input"
    assert not (tmp_path / "data").exists() and not (tmp_path / "other").exists()


def test_a_preset_is_read_with_the_strict_reader(monkeypatch):
    from kpbkit.io import presets

    calls = []
    real = config_module.parse_config_yaml
    monkeypatch.setattr(config_module, "parse_config_yaml",
                        lambda raw, file: calls.append(file) or real(raw, file=file))
    presets.load_preset.cache_clear()
    try:
        assert presets.load_preset("register").tables
    finally:
        presets.load_preset.cache_clear()
    assert [p.name for p in calls] == ["register.yaml", "swedish.yaml"]


# --- the output folder ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["/", "C:\\", "C:/", "c:", "/..", "//"])
def test_output_folder_may_not_be_a_filesystem_root(tmp_path, write_case, folder):
    err = config_error(write_case(tmp_path, config={"output": {"folder": folder}}))
    assert err.key == "output.folder"
    assert "filesystem root" in err.what and "output.folder" in err.fix


@pytest.mark.parametrize("form", ["~", "home", "home/sub/.."])
def test_output_folder_may_not_be_the_home_folder(tmp_path, write_case, monkeypatch, form):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    case = home / "case"
    folder = form if form == "~" else str(tmp_path / form)
    err = config_error(write_case(case, config={"output": {"folder": folder}}))
    assert err.key == "output.folder"
    assert "home folder itself" in err.what


def test_a_folder_under_home_is_fine(tmp_path, write_case, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    cfg = load_client_config(write_case(tmp_path / "case", config={"output": {"folder": "~/kpb-reports"}}))
    assert cfg.output_root == tmp_path / "kpb-reports"


@pytest.mark.parametrize(("folder", "words"), [
    ("input", "is the input folder"),
    ("input/", "is the input folder"),
    ("input/reports", "is inside the input folder"),
    ("reports/../input/x", "is inside the input folder"),
])
def test_output_folder_may_not_be_in_the_input_folder(tmp_path, write_case, folder, words):
    err = config_error(write_case(tmp_path, config={"output": {"folder": folder}}))
    assert err.key == "output.folder"
    assert words in err.what


def test_output_folder_reaching_the_input_folder_through_a_link_is_caught(tmp_path, write_case):
    path = write_case(tmp_path, config={"output": {"folder": "out/reports"}})
    (tmp_path / "out").symlink_to(tmp_path / "input")
    assert "inside the input folder" in config_error(path).what


def test_output_beside_or_above_the_input_folder_is_fine(tmp_path, write_case):
    assert load_client_config(write_case(tmp_path, config={"output": {"folder": "."}})).output_root == tmp_path
    assert load_client_config(write_case(tmp_path, config={"output": {"folder": "inputs-reports"}}))


@pytest.mark.parametrize(("override", "key"), [
    ({"input": {"folder": "reports/testkommun/raw"}}, "input.folder"),
    ({"ledger_rules": "reports/testkommun/rules.csv"}, "ledger_rules"),
    ({"pseudonymisation": {"key_file": "reports/testkommun/2025/kpbkit.key"}}, "pseudonymisation.key_file"),
])
def test_what_the_run_reads_may_not_be_in_the_output_client_folder(tmp_path, write_case, override, key):
    raw = tmp_path / "reports" / "testkommun" / "raw"
    raw.mkdir(parents=True)
    (raw / "ledger_rules.csv").write_text("target,kind\nexclude,cost\n", encoding="utf-8")
    err = config_error(write_case(tmp_path, config=override))
    assert err.key == key
    assert "inside the output's client folder" in err.what and "replaces" in err.what


def test_another_clients_folder_under_the_output_is_fine(tmp_path, write_case):
    (tmp_path / "reports" / "other").mkdir(parents=True)
    (tmp_path / "reports" / "other" / "k.key").write_text("x" * 20, encoding="utf-8")
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_file": "reports/other/k.key"}}))
    assert cfg.pseudonym_key() == b"x" * 20


# --- paths outside the config's folder are logged -------------------------------------------------------------------


@pytest.fixture
def kpbkit_log(caplog):
    log = logging.getLogger("kpbkit")
    saved = log.propagate
    log.propagate = True  # the CLI's setup turns it off; caplog listens at the root
    with caplog.at_level(logging.INFO, logger="kpbkit"):
        yield caplog
    log.propagate = saved


def test_paths_outside_the_config_folder_are_logged(tmp_path, write_case, kpbkit_log):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "input").mkdir(parents=True)
    write_case(elsewhere)  # input files, rules and key outside the case folder
    (elsewhere / "results").mkdir()
    path = write_case(tmp_path / "case", config={
        "input": {"folder": str(elsewhere / "input")},
        "ledger_rules": "../elsewhere/input/ledger_rules.csv",
        "pseudonymisation": {"key_file": str(elsewhere / "kpbkit.key")},
        "output": {"folder": "../out"},
        "comparison": {"municipalities": ["../elsewhere/results", "here/results"]},
    })
    load_client_config(path)
    lines = [r.getMessage() for r in kpbkit_log.records if r.levelno == logging.INFO]
    assert lines == [
        f"input.folder points outside the config's folder: {elsewhere / 'input'}",
        f"ledger_rules points outside the config's folder: {elsewhere / 'input' / 'ledger_rules.csv'}",
        f"pseudonymisation.key_file points outside the config's folder: {elsewhere / 'kpbkit.key'}",
        f"output.folder points outside the config's folder: {tmp_path / 'out'}",
        f"comparison.municipalities[0] points outside the config's folder: {elsewhere / 'results'}",
    ]


def test_paths_inside_the_config_folder_are_not_logged(tmp_path, write_case, kpbkit_log):
    load_client_config(write_case(tmp_path))
    assert not [r for r in kpbkit_log.records if "outside" in r.getMessage()]


def test_the_run_log_shows_a_path_outside_the_config_folder(tmp_path, write_case):
    path = write_case(tmp_path / "case", config={"output": {"folder": "../out"}})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"output.folder points outside the config's folder: {tmp_path / 'out'}" in result.output


# --- keys -------------------------------------------------------------------------------------------------------------


def _key_config(tmp_path, write_case, monkeypatch, source: str, secret: str) -> Path:
    if source == "key_env":
        monkeypatch.setenv(ENV, secret)
        return write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV, "key_file": None}})
    (tmp_path / "secret.key").write_text(secret + "\n", encoding="utf-8")
    return write_case(tmp_path, config={"pseudonymisation": {"key_file": "secret.key"}})


@pytest.mark.parametrize("source", ["key_env", "key_file"])
def test_both_key_sources_need_the_same_minimum_length(tmp_path, write_case, monkeypatch, source):
    monkeypatch.delenv(ENV, raising=False)
    short = "  " + "s" * (MIN_KEY_BYTES - 1) + "  "  # long enough only with its spaces
    cfg = load_client_config(_key_config(tmp_path, write_case, monkeypatch, source, short))
    with pytest.raises(ConfigError) as info:
        cfg.pseudonym_key()
    assert info.value.key == f"pseudonymisation.{source}"
    assert f"{MIN_KEY_BYTES - 1} bytes, fewer than the {MIN_KEY_BYTES}" in info.value.what
    assert "s" * (MIN_KEY_BYTES - 1) not in str(info.value)  # the secret itself is never shown
    long_enough = "å" * (MIN_KEY_BYTES // 2)  # two bytes each: the length is counted in bytes
    cfg = load_client_config(_key_config(tmp_path, write_case, monkeypatch, source, long_enough))
    assert cfg.pseudonym_key() == long_enough.encode()


def test_a_short_environment_secret_is_not_replaced_by_the_key_file(tmp_path, write_case, monkeypatch):
    monkeypatch.setenv(ENV, "short")
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_env": ENV}}))
    with pytest.raises(ConfigError) as info:
        cfg.pseudonym_key()
    assert info.value.key == "pseudonymisation.key_env"


def test_the_minimum_is_sixteen_bytes():
    assert MIN_KEY_BYTES == 16


def keygen(*args: str | Path):
    return CliRunner().invoke(main, ["keygen", *[str(a) for a in args]])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("old_mode", [0o644, 0o666, 0o400])
def test_keygen_force_writes_mode_0600_over_a_file_of_another_mode(tmp_path, old_mode):
    key = tmp_path / "keys" / "client.key"
    key.parent.mkdir()
    key.write_text("old\n", encoding="utf-8")
    key.chmod(old_mode)
    result = keygen(key, "--force")
    assert result.exit_code == 0, result.output
    assert mode(key) == 0o600
    assert len(key.read_text(encoding="utf-8").strip()) == 64
    assert sorted(p.name for p in key.parent.iterdir()) == ["client.key"]  # no temporary file left


def test_keygen_writes_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        assert keygen(tmp_path / "new.key").exit_code == 0
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.key") == 0o600


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("target_exists", [False, True])
def test_keygen_refuses_to_follow_a_symlink(tmp_path, force, target_exists):
    target = tmp_path / "elsewhere" / "target.key"
    target.parent.mkdir()
    if target_exists:
        target.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "client.key"
    link.symlink_to(target)
    result = keygen(link, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert result.output.count("error:") == 1 and "symbolic link" in result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    if target_exists:
        assert target.read_text(encoding="utf-8") == "precious\n"
    else:
        assert not target.exists()


def test_keygen_on_a_folder_is_a_clean_error(tmp_path):
    result = keygen(tmp_path, "--force")
    assert result.exit_code == 2 and "is a folder" in result.output and "Traceback" not in result.output


def test_a_keygen_key_is_accepted_by_key_file(tmp_path, write_case):
    assert keygen(tmp_path / "generated.key").exit_code == 0
    cfg = load_client_config(write_case(tmp_path, config={"pseudonymisation": {"key_file": "generated.key"}}))
    assert cfg.pseudonym_key() == (tmp_path / "generated.key").read_bytes().strip()


@pytest.mark.parametrize(("config", "key", "words"), [
    ({"input": {"folder": 2025}}, "input.folder", 'must be a path written as text, e.g. folder: "2025"'),
    ({"period": {"year": "tjugo"}}, "period.year", "must be a whole number"),
    ({"comparison": {"price_index": "tre"}}, "comparison.price_index",
     "must be a number, with a decimal point: 0.03, not 0,03"),
    ({"report": {"publication": "kanske"}}, "report.publication", "must be true or false"),
    ({"report": {"threshold": 1}}, "report.threshold", "must be at least 2"),
])
def test_pydantic_s_messages_are_in_plain_words(tmp_path, write_case, config, key, words) -> None:
    """What pydantic says about a value is said in plain words with how to write it (issue 16), never its
    "Input should be ..." or a Python class name."""
    from kpbkit.config import load_client_config
    from kpbkit.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_client_config(write_case(tmp_path, config=config))
    message = str(caught.value)
    assert f"key '{key}': {words}" in message
    assert "Input should" not in message and "<class" not in message
