"""The deployment's own data: units, regions, emergency numbers, categories, SLA and retention.

It is read from a TOML file (``HOTLINE_CONFIG``) so that a Dinas Sosial can run the hotline for its
own district without touching code. Validation happens once, at load, and every error names the field
so that an operator can fix the file without reading Python.
"""

from __future__ import annotations

import math
import tomllib
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.vocabulary import Urgency

LOCALES = ("id", "en")

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,39}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class SimfoniType(StrEnum):
    """Violence types of SIMFONI-PPA, the national reporting system of KemenPPPA."""

    FISIK = "fisik"
    PSIKIS = "psikis"
    SEKSUAL = "seksual"
    EKSPLOITASI = "eksploitasi"
    TRAFFICKING = "trafficking"
    PENELANTARAN = "penelantaran"
    LAINNYA = "lainnya"


class DeploymentError(ValueError):
    """A deployment file that cannot be used; the message is meant for the operator."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    id: Name
    en: Name

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.id


class EmergencyNumber(_Strict):
    number: Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,15}$")]
    kind: Literal["call", "whatsapp"] = "call"
    label: Localised


class Region(_Strict):
    """A kecamatan; reports are routed by it and statistics are counted per it."""

    code: Code
    name: Name
    lat: float = Field(ge=-11.5, le=6.5)
    lon: float = Field(ge=94.5, le=141.5)
    kelurahan: list[Name] = Field(min_length=1)

    @field_validator("kelurahan")
    @classmethod
    def _unique_kelurahan(cls, value: list[str]) -> list[str]:
        if len({v.casefold() for v in value}) != len(value):
            raise ValueError("kelurahan names must be unique within a kecamatan")
        return value


class Unit(_Strict):
    """One PKSAI (per kabupaten/kota) and the kecamatan it serves."""

    code: Code
    name: Name
    timezone: Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
    regions: list[Region] = Field(min_length=1)

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except ZoneInfoNotFoundError as exc:  # pragma: no cover - tzdata is a dependency
            raise DeploymentError(f"units.{self.code}.timezone: unknown zone") from exc


class Category(_Strict):
    code: Code
    simfoni: SimfoniType | None = None
    priority: Literal[Urgency.NORMAL, Urgency.HIGH] = Urgency.NORMAL
    label: Localised
    child_label: Localised | None = None
    keywords: list[Annotated[str, StringConstraints(min_length=2, to_lower=True)]] = []

    def display(self, locale: str, *, child: bool = False) -> str:
        if child and self.child_label is not None:
            return self.child_label.get(locale)
        return self.label.get(locale)


class OutreachSource(_Strict):
    """A sosialisasi channel (a school poster, a PKK meeting) named in deep links: ``?start=code``."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")]
    label: Name


class Service(_Strict):
    """A service of the referral directory (rujukan): school office, civil registry, police PPA..."""

    code: Code
    name: Name
    kind: Literal[
        "pendidikan", "kependudukan", "kepolisian", "perlindungan", "kesehatan", "pengasuhan", "sosial"
    ]


class Labelled(_Strict):
    """A code with its wording in both languages (case outcomes, canned replies)."""

    code: Code
    label: Localised


class HotlineSection(_Strict):
    name: Name
    default_unit: Code
    default_locale: Literal["id", "en"] = "id"
    phone_region: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "ID"
    draft_idle_hours: float = Field(default=24, gt=0, le=24 * 14)
    receipt_attempts: int = Field(default=5, ge=1, le=50)
    receipt_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)


class Retention(_Strict):
    closed_content_days: int = Field(ge=30, le=3650)


class Sla(_Strict):
    acknowledge_minutes: dict[Urgency, Annotated[int, Field(gt=0)]]
    close_days: dict[str, Annotated[int, Field(gt=0)]]

    @model_validator(mode="after")
    def _complete(self) -> Sla:
        missing = set(Urgency) - set(self.acknowledge_minutes)
        if missing:
            raise ValueError(f"acknowledge_minutes lacks {', '.join(sorted(missing))}")
        if "default" not in self.close_days:
            raise ValueError("close_days needs a `default` entry")
        return self


class Deployment(_Strict):
    hotline: HotlineSection
    retention: Retention
    sla: Sla
    emergency_numbers: list[EmergencyNumber] = Field(min_length=1)
    units: list[Unit] = Field(min_length=1)
    categories: list[Category] = Field(min_length=2)
    outreach: list[OutreachSource] = []
    services: list[Service] = []
    outcomes: list[Labelled] = Field(default_factory=list)
    canned_replies: list[Labelled] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Deployment:
        unit_codes = [u.code for u in self.units]
        _require_unique("units", unit_codes)
        _require_unique("categories", [c.code for c in self.categories])
        _require_unique("outreach", [o.code for o in self.outreach])
        _require_unique("services", [s.code for s in self.services])
        _require_unique("outcomes", [o.code for o in self.outcomes])
        _require_unique("canned_replies", [c.code for c in self.canned_replies])
        _require_unique("units.regions", [r.code for u in self.units for r in u.regions])
        _require_unique("units.regions (name)", [r.name.casefold() for u in self.units for r in u.regions])
        if self.hotline.default_unit not in unit_codes:
            raise ValueError(f"hotline.default_unit {self.hotline.default_unit!r} is not a unit code")
        unknown = set(self.sla.close_days) - {"default"} - {c.code for c in self.categories}
        if unknown:
            raise ValueError(f"sla.close_days names unknown categories: {', '.join(sorted(unknown))}")
        return self

    @cached_property
    def regions(self) -> dict[str, Region]:
        return {r.code: r for u in self.units for r in u.regions}

    @cached_property
    def unit_of_region(self) -> dict[str, Unit]:
        return {r.code: u for u in self.units for r in u.regions}

    @cached_property
    def category_by_code(self) -> dict[str, Category]:
        return {c.code: c for c in self.categories}

    @property
    def default_unit(self) -> Unit:
        return next(u for u in self.units if u.code == self.hotline.default_unit)

    def nearest_region(self, lat: float, lon: float) -> Region:
        """The kecamatan whose centre is closest to a shared location (haversine distance)."""

        def distance(region: Region) -> float:
            p1, p2 = math.radians(lat), math.radians(region.lat)
            dp, dl = p2 - p1, math.radians(region.lon - lon)
            a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
            return 2 * math.asin(math.sqrt(a))

        return min(self.regions.values(), key=distance)


def _require_unique(where: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{where}: duplicate code {value!r}")
        seen.add(value)


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(file)"


def parse_deployment(text: str, *, source: str = "<config>") -> Deployment:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeploymentError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Deployment.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{source}: {exc.error_count()} problem(s) in the deployment file:"]
        for err in exc.errors():
            lines.append(f"  {_field_path(err['loc'])}: {err['msg']}")
        raise DeploymentError("\n".join(lines)) from None
