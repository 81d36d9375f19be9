"""Executed notebook → self-contained HTML → A4 PDF.

HTML: nbconvert's ``HTMLExporter`` with kpbkit's template ``kpbkit_html`` (``templates/kpbkit_html/``:
extends JupyterLab's ``lab`` template, empties its CDN script blocks, adds A4 print CSS with "Sida N av M"
page numbers). Code, prompts and anchor links are left out; ``lang="sv"``. The file loads nothing: no
``<script>``, no remote ``src``/``href``, images embedded as data URIs, fonts the system's. A notebook
output that would need a script or a remote resource makes :func:`notebook_to_html` fail rather than
ship a broken report.

Alt text: JupyterLab's ``lab`` template (nbconvert 7.17) writes no ``alt`` for image outputs at all;
nbconvert then fills every ``<img>`` without one with "No description has been provided for this image"
and logs a warning. Our template reads it, like nbconvert's ``classic`` template, from the image output's
metadata: ``output.metadata[<mimetype>]["alt"]`` (e.g. ``{"image/svg+xml": {"alt": "..."}}``), else
``output.metadata["alt"]``, else the cell's ``metadata["alt"]``. Charts in templates should therefore be
shown with ``kpbkit.report.show_figure(fig, alt="Stapeldiagram: ...")``, which writes the first form;
an image without any alt text gets "Bild utan textbeskrivning" and a logged warning naming its cell.

PDF: headless Chromium ``--print-to-pdf`` (Debian's ``chromium``; ``scripts/setup-system.sh`` installs it),
or WeasyPrint when no Chromium is installed. Both honour the CSS ``@page`` size, margins and margin boxes.
Every file is written under a temporary name and renamed into place.

Examples
--------
>>> html = notebook_to_html(Path("out/hemtjanst.ipynb"), Path("out/hemtjanst.html"), title="Hemtjänst 2025")
... # doctest: +SKIP
>>> html_to_pdf(html, Path("out/hemtjanst.pdf"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Literal

from kpbkit.report import browser, notebook_libraries
from kpbkit.report.runner import ReportError
from kpbkit.report.table_fit import _fit_table, _short_text_on_one_line
from kpbkit.views import KEY_FIGURES_MIME

log = logging.getLogger("kpbkit")

#: The folder holding kpbkit's nbconvert templates, and the name of the HTML one
TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "kpbkit_html"

#: Seconds one PDF render may take before it is stopped
PDF_TIMEOUT = 120.0

#: Environment variable naming a Chromium/Chrome binary to use instead of the one found on PATH
CHROMIUM_ENV = "KPBKIT_CHROMIUM"

_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

_SETUP_FIX = "run `bash scripts/setup-system.sh` (or `make demo` / `make test`, which run it)"

_IMAGE_MIMES = ("image/svg+xml", "image/png", "image/jpeg")

_REMOTE = re.compile(r"^\s*(?:https?:|ftp:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*(?:https?:)?//", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RESOURCE_ATTRS = ("src", "href", "srcset", "data", "poster", "background", "xlink:href")


PdfEngine = Literal["auto", "chromium", "weasyprint"]


# ---------------------------------------------------------------------------------------------- HTML


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _has_alt(output: Any, cell: Any, mimetype: str) -> bool:
    meta = output.get("metadata") or {}
    return bool((meta.get(mimetype) or {}).get("alt") or meta.get("alt") or cell.metadata.get("alt"))


def _prepare(nb: Any, *, title: str, source: Path) -> Any:
    """Drop outputs that do not belong in a report and log what a template author should fix."""
    papermill_tags = {"injected-parameters", "papermill-error-cell-tag"}
    # the parameters papermill injects (a new cell id each run, no output) are not part of the report
    nb.cells = [cell for cell in nb.cells if "injected-parameters" not in cell.metadata.get("tags", [])]
    number = 0
    for cell in nb.cells:
        if not papermill_tags & set(cell.metadata.get("tags", [])):
            number += 1
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if KEY_FIGURES_MIME in data:
                continue
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines = len(str(output.get("text", "")).splitlines())
                log.warning(
                    "%s, cell %d: %d line(s) written to stderr left out of the report "
                    "(run the notebook in JupyterLab to see them)",
                    source.name,
                    number,
                    lines,
                )
                continue
            for mimetype in _IMAGE_MIMES:
                if mimetype in data and not _has_alt(output, cell, mimetype):
                    log.warning(
                        "%s, cell %d: an image without alt text; show charts with "
                        "kpbkit.report.show_figure(fig, alt=...)",
                        source.name,
                        number,
                    )
                    break
            kept.append(output)
        cell["outputs"] = kept
    nb.metadata["title"] = title
    return nb


def _finish(html: str, *, source: Path, banner: str | None = None, chart_source: str | None = None) -> str:
    """Drop CSS comments (the lab theme's cite web pages), mark wide tables, refuse HTML that runs or loads anything;
    ``banner``: a line shown at the top of the page on screen and of every printed page; ``chart_source``: a line
    under every chart."""
    from bs4 import BeautifulSoup
    from bs4.element import Stylesheet

    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []
    for style in soup.find_all("style"):
        css = _CSS_COMMENT.sub("", style.get_text())
        style.string = Stylesheet(css)
        if _CSS_REMOTE.search(css):
            problems.append("a <style> block loading a remote URL")
    for table in soup.find_all("table"):
        if "kpb-table" in (table.get("class") or []):
            _short_text_on_one_line(table)
        _fit_table(table, source=source)
    scripts = soup.find_all("script")
    if scripts:
        problems.append(f"{len(scripts)} <script> element(s)")
    for tag in soup.find_all(True):
        if tag.name in ("a", "area"):  # links a reader may follow, not resources the file loads
            continue
        for attr in _RESOURCE_ATTRS:
            value = tag.get(attr)
            if isinstance(value, str) and _REMOTE.match(value):
                problems.append(f'<{tag.name} {attr}="{value[:80]}">')
        if isinstance(tag.get("style"), str) and _CSS_REMOTE.search(tag["style"]):
            problems.append(f"<{tag.name} style=...> loading a remote URL")
    if problems:
        raise ReportError(
            "the report's HTML would not be self-contained: " + "; ".join(problems[:3]),
            file=source,
            fix=(
                "show only tables, text and static images in report templates (charts via "
                "kpbkit.report.show_figure); interactive outputs that need JavaScript cannot go in a report"
            ),
        )
    if banner:
        _add_banner(soup, banner)
    if chart_source:
        for figure in soup.find_all("figure", class_="kpb-figure"):
            line = soup.new_tag("p", attrs={"class": "kpb-source"})
            line.string = chart_source
            figure.append(line)
    return str(soup)


def _add_banner(soup: Any, banner: str) -> None:
    """The banner as the first element of the body and in the top margin of every printed page."""
    quoted = banner.replace("\\", "\\\\").replace('"', '\\"')
    from bs4.element import Stylesheet

    style = soup.new_tag("style")
    style.string = Stylesheet(
        '@page { @top-center { content: "' + quoted + '"; font-family: "Liberation Sans", "DejaVu Sans", '
        'Arial, sans-serif; font-size: 9pt; font-weight: bold; color: #9b1c1c; } }\n'
        '.kpb-banner { border: 1px solid #9b1c1c; color: #9b1c1c; font-weight: bold; padding: 0.3em '
        '0.6em; margin-bottom: 1em; }\n@media print { .kpb-banner { display: none; } }')
    (soup.head or soup).append(style)
    div = soup.new_tag("div", attrs={"class": "kpb-banner", "role": "note"})
    div.string = banner
    body = soup.body or soup
    body.insert(0, div)


def notebook_to_html(executed: Path, html: Path, *, title: str, language: str = "sv",
                     banner: str | None = None, chart_source: str | None = None) -> Path:
    """Export an executed notebook to one self-contained HTML file (no scripts, nothing remote).

    Parameters
    ----------
    executed
        The executed ``.ipynb`` (from :func:`kpbkit.report.execute_notebook`).
    html
        Where the HTML goes (written atomically).
    title
        The document title (``<title>``, and the PDF's title).
    language
        ISO 639-1 code for ``<html lang>``.
    banner
        A line at the top of the page and of every printed page (internal reports: "Arbetsmaterial ...").
    chart_source
        A line under every chart (its source and period).

    Returns
    -------
    Path
        ``html``.

    Examples
    --------
    >>> notebook_to_html(Path("out/lss.ipynb"), Path("out/lss.html"), title="LSS 2025")  # doctest: +SKIP
    """
    notebook_libraries.load()
    import nbformat

    executed, html = Path(executed), Path(html)
    started = time.perf_counter()
    try:
        nb = nbformat.read(executed, as_version=4)
    except FileNotFoundError:
        raise ReportError("the executed notebook to export does not exist", file=executed) from None
    nb = _prepare(nb, title=title, source=executed)
    body, _ = _exporter(language).from_notebook_node(nb, resources={"metadata": {"name": title}})
    _write_atomic(html, _finish(body, source=executed, banner=banner, chart_source=chart_source).encode("utf-8"))
    log.debug("HTML %s in %.2f s", html, time.perf_counter() - started)
    return html


@functools.cache
def _exporter(language: str) -> Any:
    """nbconvert's HTML exporter with kpbkit's template, made once per process (its jinja templates are compiled
    on first use, about 0.05 s, then kept)."""
    notebook_libraries.load()
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code=language,
        log=logging.getLogger("kpbkit.nbconvert"),
    )


@functools.cache
def prepare_export(language: str = "sv") -> None:
    """Make the exporter and compile its templates now (a render worker, or the process it is forked from)."""
    import nbformat

    _exporter(language).from_notebook_node(nbformat.v4.new_notebook(), resources={"metadata": {"name": ""}})


# ----------------------------------------------------------------------------------------------- PDF


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary: ``$KPBKIT_CHROMIUM`` if set, else the first one on PATH."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _weasyprint_module() -> Any | None:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pip package is there but Debian's pango is not
        log.debug("WeasyPrint unavailable: %s", exc)
        return None
    return weasyprint


def pdf_engine() -> str | None:
    """Which engine :func:`html_to_pdf` would use with ``engine="auto"``: "chromium", "weasyprint" or None."""
    if find_chromium():
        return "chromium"
    if _weasyprint_module() is not None:
        return "weasyprint"
    return None


def _noise(line: str) -> bool:
    """Chromium's stderr chatter that says nothing about the PDF (dbus, GPU, the Debian wrapper)."""
    markers = ("dbus", "bus.cc", "gpu", "fontconfig", "unexpected operator", "written to file", "sandbox")
    lowered = line.lower()
    return not line.strip() or any(marker in lowered for marker in markers)


def _chromium_command(exe: str, profile: str, *args: str) -> list[str]:
    """Headless Chromium with a fresh profile and no network chatter (flags measured in notes/TOOLING.md)."""
    cmd = [
        exe,
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
        f"--user-data-dir={profile}",
        *args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.insert(2, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return cmd


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 2000, timeout: float = PDF_TIMEOUT) -> Path:
    """A PNG of the top ``width`` × ``height`` pixels of ``html`` as headless Chromium shows it (visual checks)."""
    exe = find_chromium()
    if exe is None:
        raise ReportError("no Chromium for the screenshot", file=html, fix=_SETUP_FIX)
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpbkit-chromium-", ignore_cleanup_errors=True) as profile:
        cmd = _chromium_command(exe, profile, f"--window-size={width},{height}", f"--screenshot={png.resolve()}",
                                html.resolve().as_uri())
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=timeout, check=False, env={**os.environ, "HOME": os.environ.get("HOME") or profile})
    if not png.is_file() or png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise ReportError("Chromium wrote no screenshot", file=html, fix=_SETUP_FIX)
    return png


def _chromium_pdf(exe: str, html: Path, out: Path, *, timeout: float) -> None:
    if _kept_browser_pdf(exe, html, out, timeout=timeout):
        return
    with tempfile.TemporaryDirectory(prefix="kpbkit-chromium-", ignore_cleanup_errors=True) as profile:
        cmd = _chromium_command(exe, profile, "--no-pdf-header-footer", f"--print-to-pdf={out}",
                                html.resolve().as_uri())
        env = {**os.environ, "HOME": os.environ.get("HOME") or profile}
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise _pdf_timeout(html, timeout) from None
        finally:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # helpers (zygote, renderer) still holding the profile
    ok = out.exists() and out.stat().st_size > 0 and out.read_bytes()[:5] == b"%PDF-"
    if proc.returncode != 0 or not ok:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if not _noise(line)]
        detail = "; ".join(line.strip()[:200] for line in lines[-3:]) or "no message"
        raise ReportError(
            f"Chromium could not print the PDF (exit code {proc.returncode}): {detail}",
            file=html,
            fix=f"check that `{exe} --version` works; {_SETUP_FIX}",
        )


def _pdf_timeout(html: Path, timeout: float) -> ReportError:
    return ReportError(f"Chromium did not finish the PDF within {timeout:.0f} s", file=html,
                       fix="check the HTML opens in a browser; a very long report may need a larger timeout")


def share_browser() -> bool:
    """Start one Chromium for the render workers about to be forked (:func:`browser.share`); False where there
    is no Chromium or it would not start (each worker then starts its own, or prints the usual way)."""
    exe = find_chromium()
    if exe is None:
        return False
    try:
        browser.share(_chromium_command, exe)
    except browser.BrowserError as exc:
        log.debug("no shared Chromium: %s", exc)
        return False
    return True


def _kept_browser_pdf(exe: str, html: Path, out: Path, *, timeout: float) -> bool:
    """Print with this process's kept browser (render workers, :mod:`kpbkit.report.browser`); False where there
    is none or it broke (then dropped: the caller prints the usual way)."""
    try:
        chromium = browser.kept(_chromium_command, exe)
        if chromium is None:
            return False
        chromium.print_pdf(html, out, timeout=timeout)
    except browser.PageTimeout:
        browser.discard()
        raise _pdf_timeout(html, timeout) from None
    except browser.BrowserError as exc:
        log.debug("the kept Chromium failed (%s): printing %s with a new one", exc, html.name)
        browser.discard()
        return False
    return out.is_file() and out.read_bytes()[:5] == b"%PDF-"


def _weasyprint_pdf(weasyprint: Any, html: Path, out: Path) -> None:
    kwargs: dict[str, Any] = {}
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:
        kwargs["url_fetcher"] = fetcher_class(allowed_protocols={"data", "file"})
    quiet = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:  # it warns about every lab CSS rule it does not support
        logger.setLevel(logging.ERROR)
    try:
        weasyprint.HTML(filename=str(html), **kwargs).write_pdf(str(out))
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def html_to_pdf(html: Path, pdf: Path, *, engine: PdfEngine = "auto", timeout: float = PDF_TIMEOUT) -> Path:
    """Print ``html`` to an A4 PDF with headless Chromium (or WeasyPrint where no Chromium is installed).

    Parameters
    ----------
    html
        A file from :func:`notebook_to_html` (its CSS sets A4, margins and "Sida N av M").
    pdf
        Where the PDF goes (written under a temporary name, then renamed).
    engine
        "auto" (Chromium, else WeasyPrint), "chromium" or "weasyprint".
    timeout
        Seconds before a Chromium render is stopped.

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    ReportError
        No usable engine ("run scripts/setup-system.sh"), or the engine failed.

    Examples
    --------
    >>> html_to_pdf(Path("out/lss.html"), Path("out/lss.pdf"))  # doctest: +SKIP
    """
    html, pdf = Path(html), Path(pdf)
    if not html.is_file():
        raise ReportError("the HTML to print does not exist", file=html)
    if engine not in ("auto", "chromium", "weasyprint"):
        raise ReportError(f"unknown PDF engine '{engine}'", key="engine", fix="use 'auto', 'chromium' or 'weasyprint'")
    exe = find_chromium() if engine in ("auto", "chromium") else None
    weasy = _weasyprint_module() if engine == "weasyprint" or (engine == "auto" and exe is None) else None
    if exe is None and weasy is None:
        wanted = {"auto": "neither Chromium nor WeasyPrint", "chromium": "no Chromium", "weasyprint": "no WeasyPrint"}
        raise ReportError(
            f"cannot make a PDF: {wanted[engine]} is installed",
            file=pdf,
            fix=f"{_SETUP_FIX}; or set {CHROMIUM_ENV} to a Chromium/Chrome binary",
        )
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(f".{pdf.stem}.tmp-{uuid.uuid4().hex[:8]}.pdf").resolve()
    started = time.perf_counter()
    try:
        if exe is not None:
            _chromium_pdf(exe, html, tmp, timeout=timeout)
        else:
            _weasyprint_pdf(weasy, html, tmp)
        os.replace(tmp, pdf)
    finally:
        tmp.unlink(missing_ok=True)
    log.debug("PDF %s via %s in %.2f s", pdf, "Chromium" if exe else "WeasyPrint", time.perf_counter() - started)
    return pdf


# ------------------------------------------------------------------------------------ reading PDFs


def _poppler(tool: str, pdf: Path, *args: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        raise ReportError(f"'{tool}' (from poppler-utils) is not installed", fix=_SETUP_FIX)
    done = subprocess.run(
        [exe, *args, str(pdf), *([] if tool == "pdfinfo" else ["-"])], capture_output=True, timeout=60, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReportError(f"{tool} failed: {lines[0][:200] if lines else done.returncode}", file=pdf)
    return done.stdout.decode("utf-8", "replace")


def pdf_text(pdf: Path) -> str:
    """The PDF's text via ``pdftotext`` (UTF-8, reading order); a PDF's own bytes are compressed."""
    return _poppler("pdftotext", Path(pdf), "-enc", "UTF-8")


def pdf_info(pdf: Path) -> dict[str, str]:
    """``pdfinfo``'s fields, e.g. ``{"Pages": "3", "Page size": "595.92 x 842.88 pts (A4)", ...}``."""
    text = _poppler("pdfinfo", Path(pdf))
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in text.splitlines())}
