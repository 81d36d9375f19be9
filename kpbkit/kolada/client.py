"""A small client for Kolada's public JSON API (RKA), standard library only.

Every answer is ``{"values": [...], "count": n, ...}`` with a link to the next page when there is one:
``next_page`` in API v2 (documented), ``next_url`` in v3; both are followed (docs/references.md). Data
objects are ``{"kpi", "municipality", "period", "values": [{"gender", "count", "status", "value"}]}``.

The HTTP layer is :data:`http_get` (a URL and a timeout in, the body's bytes out); tests replace it with a
fake that serves recorded answers, so no test needs the network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kpbkit.errors import KpbkitError

DEFAULT_API = "https://api.kolada.se/v3"
DEFAULT_TIMEOUT = 30.0
#: ids per path segment of one request (the API refuses long lists; the URL length is limited too)
CHUNK = 25
#: a guard against a server that links pages in a circle
MAX_PAGES = 1000
#: what the documented error codes mean (Kolada API README, "Error-codes")
HTTP_MEANING = {
    400: "some parameter in the URL is not valid, or the URL is too long",
    404: "the URL does not match any of the API's routes",
    500: "an error on Kolada's side (RKA asks to be told about these)",
}


class KoladaError(KpbkitError):
    """Kolada could not be reached or answered with an error or an answer that is not its documented format."""

    exit_code = 4


#: the HTTP layer: GET ``url`` with a timeout in seconds, return the body (raise urllib's errors)
HttpGet = Callable[[str, float], bytes]


def _urllib_get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "kpbkit"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https URL we build)
        return response.read()


http_get: HttpGet = _urllib_get


@dataclass(frozen=True)
class Observation:
    """One value of the data endpoint: a KPI, a municipality, a year and a gender (T, K or M)."""

    kpi: str
    municipality: str
    period: int
    gender: str
    value: float | None
    count: int | None
    status: str


def chunks(items: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


class KoladaClient:
    """Reads Kolada's metadata and data; every failure is a :class:`KoladaError` with the URL in it."""

    def __init__(self, api: str = DEFAULT_API, *, timeout: float = DEFAULT_TIMEOUT, get: HttpGet | None = None):
        self.api = api.rstrip("/")
        self.timeout = timeout
        self._get = get

    def _fetch(self, url: str) -> dict[str, Any]:
        get = self._get or http_get
        try:
            body = get(url, self.timeout)
        except urllib.error.HTTPError as exc:
            meaning = HTTP_MEANING.get(exc.code, "")
            raise KoladaError(f"Kolada answered HTTP {exc.code} {exc.reason or ''}".rstrip()
                              + (f" ({meaning})" if meaning else "") + f" for {url}",
                              fix="check the KPI ids, municipality codes and years; rerun later if the error "
                                  "is on Kolada's side") from exc
        except OSError as exc:  # URLError, timeouts, refused connections
            reason = getattr(exc, "reason", None) or exc
            raise KoladaError(f"cannot reach Kolada at {urllib.parse.urlsplit(url).netloc} ({reason})",
                              fix="this command needs a network connection to the Kolada API; check the "
                                  "connection (or proxy) and try again, or raise --timeout") from exc
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KoladaError(f"Kolada's answer to {url} is not JSON",
                              fix="check --api (it must be the API's base URL, e.g. " + DEFAULT_API + ")") from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
            raise KoladaError(f"Kolada's answer to {url} has no 'values' list (not the documented format)",
                              fix="check --api (it must be the API's base URL, e.g. " + DEFAULT_API + ")")
        return answer

    def pages(self, url: str) -> Iterator[dict[str, Any]]:
        """The ``values`` objects of ``url`` and of every page linked after it."""
        host = urllib.parse.urlsplit(url).netloc
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise KoladaError(f"Kolada's pages do not end (page {len(seen) + 1} of {url})")
            seen.add(next_url)
            answer = self._fetch(next_url)
            yield from answer["values"]
            next_url = answer.get("next_page") or answer.get("next_url") or None
            if next_url and urllib.parse.urlsplit(next_url).netloc != host:
                raise KoladaError(f"Kolada's next page {next_url} is on another host than {host}; not followed")

    def kpis(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """KPI metadata by id (``title``, ``description``, ``is_divided_by_gender``, ...)."""
        out: dict[str, dict[str, Any]] = {}
        for part in chunks(ids):
            for obj in self.pages(f"{self.api}/kpi/{_ids(part)}"):
                out[str(obj.get("id"))] = obj
        return out

    def municipalities(self, *, title: str | None = None) -> list[dict[str, Any]]:
        """Municipalities and regions (``id``, ``title``, ``type``), all or those whose title contains ``title``."""
        query = f"?{urllib.parse.urlencode({'title': title})}" if title else ""
        return list(self.pages(f"{self.api}/municipality{query}"))

    def data(self, kpis: Iterable[str], municipalities: Iterable[str], years: Iterable[int]) -> list[Observation]:
        """Every value of the KPIs for the municipalities (or groups) and years, one per gender."""
        out: list[Observation] = []
        years_text = [str(y) for y in years]
        municipalities = list(municipalities)
        for kpi_part in chunks(kpis):
            for m_part in chunks(municipalities):
                for y_part in chunks(years_text):
                    url = f"{self.api}/data/kpi/{_ids(kpi_part)}/municipality/{_ids(m_part)}/year/{_ids(y_part)}"
                    for obj in self.pages(url):
                        out.extend(_observations(obj, url))
        return out


def _ids(ids: list[str]) -> str:
    return ",".join(urllib.parse.quote(i, safe="") for i in ids)


def _observations(obj: dict[str, Any], url: str) -> list[Observation]:
    try:
        kpi, municipality, period = str(obj["kpi"]), str(obj["municipality"]), int(obj["period"])
        values = obj["values"]
        out = []
        for v in values:
            value = v.get("value")
            out.append(Observation(kpi, municipality, period, str(v["gender"]),
                                   None if value is None else float(value),
                                   None if v.get("count") is None else int(v["count"]), str(v.get("status") or "")))
        return out
    except (KeyError, TypeError, ValueError) as exc:
        raise KoladaError(f"a data object in Kolada's answer to {url} is not in the documented format "
                          f"(kpi, municipality, period, values with gender and value): {exc!r}") from exc
