"""Who the demo's people are: Skatteverket's test personnummer, their birth, sex and age, who is taken, who of the
old gets which role, and how each table writes their personnummer.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from kpbkit.demo.common import YEAR

#: Share of the population at each age with a role (65-100; 100 stands for 100+), before availability caps.
_OLD_ROLE_RATES: dict[str, tuple[list[int], list[float]]] = {
    "hem": ([65, 70, 75, 80, 85, 90, 95, 100], [0.012, 0.025, 0.05, 0.105, 0.22, 0.36, 0.40, 0.33]),
    "sabo": ([65, 70, 75, 80, 85, 90, 95, 100], [0.003, 0.006, 0.014, 0.035, 0.08, 0.19, 0.34, 0.45]),
    "alarm": ([65, 70, 75, 80, 85, 90, 95, 100], [0.005, 0.01, 0.03, 0.05, 0.08, 0.08, 0.06, 0.05]),
}
#: At most this share of an age-and-sex cell of the population gets any old-age role
_CELL_CAP = 0.8


def load_test_personnummer() -> list[str]:
    """The shipped subset of Skatteverket's test personnummer, 12-digit ``YYYYMMDDNNNC``, sorted.

    Returns
    -------
    list[str]
        About 3 800 numbers: all born 1920-1975 and 40 per birth year 1976-2024.

    >>> load_test_personnummer()[0][:4]
    '1920'
    """
    text = resources.files("kpbkit.data").joinpath("testpersonnummer.csv").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()[1:] if line.strip()]


# ------------------------------------------------------------------------------------------------ people


@dataclass
class People:
    """The test personnummer with their birth date, sex and age on 31 December, and who is taken."""

    pnr: np.ndarray
    birth: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    used: np.ndarray

    @classmethod
    def load(cls) -> People:
        pnr = np.array(load_test_personnummer())
        birth = np.array([f"{p[:4]}-{p[4:6]}-{p[6:8]}" for p in pnr], dtype="datetime64[D]")
        sex = np.where(np.array([int(p[10]) for p in pnr]) % 2 == 1, "M", "K")
        age = YEAR - np.array([int(p[:4]) for p in pnr])
        return cls(pnr, birth, sex, age, np.zeros(len(pnr), dtype=bool))

    def free(self, lo: int, hi: int, sex: str | None = None) -> np.ndarray:
        mask = ~self.used & (self.age >= lo) & (self.age <= hi)
        if sex is not None:
            mask &= self.sex == sex
        return np.flatnonzero(mask)

    def take(self, rng: np.random.Generator, n: int, lo: int, hi: int, sex: str | None = None) -> np.ndarray:
        """``n`` unused people aged ``lo..hi``; they are marked as used."""
        candidates = self.free(lo, hi, sex)
        if len(candidates) < n:
            raise RuntimeError(f"demo generator: only {len(candidates)} test personnummer aged {lo}-{hi}, need {n}")
        chosen = rng.choice(candidates, size=n, replace=False)
        self.used[chosen] = True
        return chosen


def select_old(people: People, pop: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """People aged 65+ for home care, nursing homes and alarm-only, following the population by age and sex.

    The test list holds about 35 people per birth year 1920-1945, fewer than a real cohort of 85-94 year
    olds needs; what a cell cannot supply spills to the other sex and then to younger ages down to 80.
    """
    chosen: dict[str, list[int]] = {role: [] for role in _OLD_ROLE_RATES}
    taken = np.zeros((101, 2))
    for role, (knots, rates) in _OLD_ROLE_RATES.items():
        carry = 0.0
        for age in range(100, 64, -1):
            if age == 79:
                carry = 0.0
            want = pop[age].sum() * float(np.interp(age, knots, rates)) + carry
            hi = age if age < 100 else 200
            room = [
                max(0, min(len(people.free(age, hi, sex)), int(_CELL_CAP * pop[age, k]) - int(taken[age, k])))
                for k, sex in enumerate(("K", "M"))
            ]
            n_want = int(round(want))
            share_k = pop[age, 0] / max(pop[age].sum(), 1)
            n_k = min(int(round(n_want * share_k)), room[0])
            n_m = min(n_want - n_k, room[1])
            n_k = min(n_want - n_m, room[0])
            for k, (sex, n) in enumerate((("K", n_k), ("M", n_m))):
                if n > 0:
                    chosen[role].extend(people.take(rng, n, age, hi, sex).tolist())
                    taken[age, k] += n
            carry = want - (n_k + n_m) if age > 80 else 0.0
    return {role: np.array(ids, dtype=np.int64) for role, ids in chosen.items()}


def written_pnr(people: People, idx: np.ndarray, form: str) -> np.ndarray:
    """Personnummer of ``idx`` in one written form: ``persons``, ``visits``, ``decisions`` or ``stays``."""
    idx = np.asarray(idx, dtype=np.int64)
    if form in ("visits", "decisions"):  # the time registration and the register file write all 12 digits
        return people.pnr[idx]
    unique, inverse = np.unique(idx, return_inverse=True)
    pnr, centenarian = people.pnr[unique], people.age[unique] >= 100
    dash = "-" if form == "persons" else ""
    written = [f"{p[2:8]}{'+' if old else dash}{p[8:]}" for p, old in zip(pnr, centenarian, strict=True)]
    return np.array(written, dtype=object)[inverse]
