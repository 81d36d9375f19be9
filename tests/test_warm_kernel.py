"""Kernels forked from a render worker (kpbkit.report.warm_kernel): used only for this interpreter's own
ipykernel, and a forked kernel behaves as a new one: same working directory, warnings on the notebook's
stderr, charts through the inline backend; only the modules are there already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kpbkit.report import warm_kernel

DRIVER = """
import json, os, sys
from pathlib import Path
from kpbkit.report import execute_notebook, warm_kernel
import warnings
warnings.simplefilter("ignore")  # as kpbkit's command line does
if sys.argv[1] == "warm":
    warm_kernel.enable()
out = Path(sys.argv[2])
execute_notebook(Path(sys.argv[3]), out / "executed.ipynb", parameters={"period_folder": "x"}, cwd=out,
                 failed_dir=out)
"""

CELLS = [
    "import os, sys\nprint('preloaded' if 'kpbkit.views.common' in sys.modules else 'fresh', os.getcwd())",
    "import logging\nlogging.getLogger('kpbkit.charts').warning('diagrammet är för brett')",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()",
    "import pandas as pd\npd.DataFrame({'kr': [1.5]})",
    "import warnings\nprint(sum(f[:2] == ('ignore', None) and f[2:] == (Warning, None, 0) for f in warnings.filters))",
    "import signal\nprint([signal.Handlers(signal.getsignal(s)).name\n"
    "       for s in (signal.SIGPIPE, signal.SIGTERM, signal.SIGXFSZ)])",
]


def _run(tmp_path: Path, mode: str, env: dict[str, str] | None = None) -> list[list[dict]]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("period_folder = ''"),
                                         *(nbformat.v4.new_code_cell(source) for source in CELLS)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = tmp_path / mode
    out.mkdir()
    template = tmp_path / f"{mode}.ipynb"
    nbformat.write(nb, template)
    subprocess.run([sys.executable, "-c", DRIVER, mode, str(out), str(template)], check=True, env=env,
                   capture_output=True)
    executed = nbformat.read(out / "executed.ipynb", as_version=4)  # texts joined into one string
    code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"
            and "injected-parameters" not in cell["metadata"].get("tags", [])]
    return [cell["outputs"] for cell in code[1:]]


def _shape(outputs: list[dict]) -> list[tuple]:
    return [(o["output_type"], o.get("name"), sorted(o.get("data", {}))) for o in outputs]


def test_kernels_are_forked_only_for_this_interpreters_ipykernel() -> None:
    launcher = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json", "--quiet"]
    assert warm_kernel.kernel_tail(launcher) == ["-f", "k.json", "--quiet"]
    assert warm_kernel.kernel_tail(["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    assert warm_kernel.kernel_tail([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None
    assert warm_kernel.kernel_tail(["R", "--slave", "-e", "IRkernel::main()", "k.json"]) is None


@pytest.mark.render
@pytest.mark.skipif(not warm_kernel.available(), reason="kernels are forked on Linux only")
def test_a_forked_kernel_runs_a_notebook_as_a_new_kernel_does(tmp_path: Path) -> None:
    warm = _run(tmp_path, "warm")
    fresh = _run(tmp_path, "fresh")
    assert warm[0][0]["text"].split() == ["preloaded", str(tmp_path / "warm")]
    assert fresh[0][0]["text"].split() == ["fresh", str(tmp_path / "fresh")]
    for ours, theirs in zip(warm[1:], fresh[1:], strict=True):
        assert _shape(ours) == _shape(theirs)
    assert warm[1] == fresh[1] and "diagrammet är för brett" in warm[1][0]["text"]  # on stderr, as logged
    assert _shape(warm[2]) == [("display_data", None, ["image/png", "text/plain"])]  # the inline backend
    assert warm[3][0]["data"]["text/html"] == fresh[3][0]["data"]["text/html"]
    # warnings not all ignored, as the driver (like kpbkit's command line) has them
    assert warm[4] == fresh[4] and warm[4][0]["text"].strip() == "0"
    assert warm[5] == fresh[5] and "SIG_IGN" in warm[5][0]["text"]  # a broken pipe raises, as in a new one


@pytest.mark.render
def test_switched_off_every_kernel_is_a_new_interpreter(tmp_path: Path) -> None:
    import os

    env = {**os.environ, warm_kernel.SWITCH: "0"}
    assert _run(tmp_path, "warm", env)[0][0]["text"].split()[0] == "fresh"


KILLED_DRIVER = """
import sys
from pathlib import Path
import nbformat
from kpbkit.report import execute_notebook, warm_kernel
warm_kernel.enable()
out = Path(sys.argv[1])
cell = "import os, time\\nopen('kernel.pid', 'w').write(str(os.getpid()))\\ntime.sleep(120)"
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("period_folder = ''"), nbformat.v4.new_code_cell(cell)])
nb.cells[0].metadata["tags"] = ["parameters"]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, out / "sleep.ipynb")
execute_notebook(out / "sleep.ipynb", out / "executed.ipynb", parameters={"period_folder": "x"}, cwd=out,
                 failed_dir=out)
"""


@pytest.mark.render
@pytest.mark.skipif(not warm_kernel.available(), reason="kernels are forked on Linux only")
def test_a_forked_kernel_ends_when_its_worker_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import time

    driver = subprocess.Popen([sys.executable, "-c", KILLED_DRIVER, str(tmp_path)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    pid_file = tmp_path / "kernel.pid"
    deadline = time.monotonic() + 60
    while not (pid_file.is_file() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    kernel = int(pid_file.read_text())
    assert os.getpgid(kernel) == kernel != driver.pid  # its own session: the worker's signals do not reach it
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{kernel}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{kernel}/stat").read_text().split(")")[-1].split()[0]
        if state == "Z":  # ended, waiting for whoever adopted it to reap it
            break
        time.sleep(0.2)
    else:
        assert not Path(f"/proc/{kernel}").exists(), "the kernel outlived its worker"
