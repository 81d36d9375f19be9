"""Look at the rendered reports as a reader would: HTML in headless Chromium, PDF pages as images, plus checks.

Usage: .venv/bin/python scripts/check_reports.py [REPORT_FOLDER] [--pages 3] [--out DIR]

For every ``*.html`` in REPORT_FOLDER (default reports/exempelkommun/2025) it takes a Chromium screenshot
of the top of the page, and for every ``*.pdf`` it turns the first pages into PNG (pdftoppm), into DIR
(default REPORT_FOLDER/check/, git-ignored with reports/). Then it prints, per report, what a reader
would trip on and a script can see: pages without a page number, English or Python leftovers in the
visible text ("nan", "None", "NaN", "True", "False", "Total", "Traceback"), and tables wider than the
A4 text column in the PDF (text running past the right margin). Exit code 1 when any such problem is found.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from kpbkit.report import pdf_info, screenshot

LEFTOVERS = ("nan", "NaN", "None", "True", "False", "Total", "Traceback", "Error")
A4_POINTS = 595


def pdf_pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8", "replace").split("\f")


def overflowing_words(pdf: Path) -> int:
    """Words whose box ends right of the page (what a cut-off table looks like in the PDF)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return sum(1 for x in re.findall(r'xMax="([\d.]+)"', out) if float(x) > A4_POINTS - 10)


def check_pdf(pdf: Path) -> list[str]:
    problems = []
    pages = [p for p in pdf_pages_text(pdf) if p.strip()]
    expected = int(pdf_info(pdf).get("Pages", len(pages)))
    numbered = sum(1 for p in pages if re.search(r"Sida \d+ av \d+", p))
    if numbered < expected:
        problems.append(f"{expected - numbered} of {expected} pages without 'Sida N av M'")
    words = re.findall(r"[A-Za-zÅÄÖåäö]+", "\n".join(pages))
    for word in LEFTOVERS:
        if word in words:
            problems.append(f"the word '{word}' is printed")
    wide = overflowing_words(pdf)
    if wide:
        problems.append(f"{wide} words run past the right margin")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=Path("reports/exempelkommun/2025"))
    parser.add_argument("--pages", type=int, default=3, help="PDF pages to turn into PNG per report")
    parser.add_argument("--out", type=Path, help="where the PNGs go (default: <folder>/check)")
    args = parser.parse_args()
    out = args.out or args.folder / "check"
    out.mkdir(parents=True, exist_ok=True)
    found = 0
    for html in sorted(args.folder.glob("*.html")):
        png = screenshot(html, out / f"{html.stem}_html.png")
        print(f"{html.name}: screenshot {png}")
    for pdf in sorted(args.folder.glob("*.pdf")):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(args.pages), str(pdf),
                        str(out / f"{pdf.stem}_pdf")], check=True)
        problems = check_pdf(pdf)
        found += len(problems)
        status = "; ".join(problems) if problems else "ok"
        print(f"{pdf.name}: {pdf_info(pdf).get('Pages', '?')} pages, first {args.pages} as PNG in {out}: {status}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
