#!/usr/bin/env bash
# Install the system tools the reports need, once; does nothing when they are already there.
#
#   chromium                        HTML -> A4 PDF (headless --print-to-pdf)
#   poppler-utils                   pdftotext, pdfinfo, pdftoppm (tests read PDFs, visual checks)
#   fonts-dejavu-core               a font with å, ä, ö (the PDF's text font when no other is installed)
#   libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0
#                                   what WeasyPrint (the PDF fallback, a pip package) loads at run time
#
# Works as root (CI: CI=true, no stdin), through passwordless sudo, or tells you what to install and exits 1.
# KPBKIT_SKIP_SYSTEM_SETUP=1 skips it (PDF tests are then skipped outside CI).
set -euo pipefail

say() { printf 'setup-system: %s\n' "$*" >&2; }

if [[ "${KPBKIT_SKIP_SYSTEM_SETUP:-}" == "1" ]]; then
    say "skipped (KPBKIT_SKIP_SYSTEM_SETUP=1)"
    exit 0
fi

have() { command -v "$1" >/dev/null 2>&1; }

LDCACHE=""
if have ldconfig; then
    LDCACHE="$(ldconfig -p 2>/dev/null || true)"
elif [[ -x /sbin/ldconfig ]]; then
    LDCACHE="$(/sbin/ldconfig -p 2>/dev/null || true)"
fi

has_library() {
    # true when the dynamic loader knows the shared library $1 (Linux); unknown (no ldconfig) -> true
    [[ -z "$LDCACHE" || "$LDCACHE" == *"$1"* ]]
}

has_swedish_font() {
    if have fc-list; then
        [[ -n "$(fc-list ':lang=sv' family 2>/dev/null | head -n 1)" ]]
    else
        [[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]
    fi
}

missing=()
have chromium || missing+=(chromium)
{ have pdftotext && have pdfinfo && have pdftoppm; } || missing+=(poppler-utils)
has_swedish_font || missing+=(fonts-dejavu-core)
has_library libpango-1.0.so.0 || missing+=(libpango-1.0-0)
has_library libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
has_library libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)

if [[ ${#missing[@]} -eq 0 ]]; then
    say "system tools present (chromium, poppler-utils, fonts, pango)"
    exit 0
fi

cannot() {
    say "cannot install the system packages the PDF reports need: $1"
    say "install them yourself, e.g.:  sudo apt-get install --no-install-recommends ${missing[*]}"
    say "(other systems: a Chromium or Chrome browser as 'chromium' on PATH, poppler's pdftotext/pdfinfo/pdftoppm)"
    say "or run with KPBKIT_SKIP_SYSTEM_SETUP=1 to go on without PDF output"
    exit 1
}

have apt-get || cannot "no apt-get on this machine"

if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif have sudo && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    cannot "not root and no passwordless sudo"
fi

log="$(mktemp -t kpbkit-setup-system.XXXXXX.log)"
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS

say "installing with apt-get: ${missing[*]} (log: $log)"
if ! "${SUDO[@]}" apt-get update -qq >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    cannot "apt-get update failed"
fi

# every package must have an installable version in this machine's package lists
for pkg in "${missing[@]}"; do
    candidate="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
        cannot "package '$pkg' is not available from this machine's apt sources"
    fi
done

if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 </dev/null; then
    tail -n 20 "$log" >&2
    cannot "apt-get install failed"
fi

have chromium || cannot "chromium is still not on PATH after installing it"
have pdftotext || cannot "pdftotext is still not on PATH after installing poppler-utils"
say "installed ${missing[*]} in $((SECONDS - started)) s"
rm -f "$log"
