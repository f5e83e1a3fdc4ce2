"""The deployment file: the shipped district loads; mistakes are named by field."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.deployment_file import SHIPPED_EXAMPLE, load_deployment
from flows.deployment import DeploymentError, parse_deployment

SHIPPED = SHIPPED_EXAMPLE.read_text()
HOTLINE = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "hotline"


def test_the_shipped_district_is_complete() -> None:
    deployment = load_deployment()
    assert deployment.hotline.name == "PKSAI Kota Pekalongan"
    assert [r.name for r in deployment.regions.values()] == [
        "Pekalongan Barat",
        "Pekalongan Timur",
        "Pekalongan Utara",
        "Pekalongan Selatan",
    ]
    assert sum(len(r.kelurahan) for r in deployment.regions.values()) == 27
    assert {n.number for n in deployment.emergency_numbers} >= {"112", "110", "129", "08111129129"}
    simfoni = {c.simfoni.value for c in deployment.categories if c.simfoni}
    assert simfoni == {
        "fisik",
        "psikis",
        "seksual",
        "eksploitasi",
        "trafficking",
        "penelantaran",
        "lainnya",
    }
    codes = {c.code for c in deployment.categories}
    assert {"putus-sekolah", "perkawinan-anak", "anak-jalanan", "abh", "napza", "identitas"} <= codes
    assert deployment.sla.acknowledge_minutes == {"urgent": 15, "high": 60, "normal": 1440}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('timezone = "Asia/Jakarta"', 'timezone = "Europe/Paris"'), "units[0].timezone"),
        (('default_unit = "kota-pekalongan"', 'default_unit = "kab-batang"'), "default_unit"),
        (('code = "33.75.02"', 'code = "33.75.01"'), "duplicate code '33.75.01'"),
        (('number = "110"', 'number = "polisi"'), "emergency_numbers[1].number"),
        (("lat = -6.8898", "lat = 48.85"), "units[0].regions[0].lat"),
        (('simfoni = "psikis"', 'simfoni = "verbal"'), "categories[1].simfoni"),
        (("[retention]\n", "[retensi]\n"), "retention: Field required"),
        (('name = "PKSAI Kota Pekalongan"\n', "nama = 1\n"), "hotline.nama"),
        (("close_days = { default = 30,", "close_days = { kemarin = 3, default = 30,"), "unknown categories"),
    ],
)
def test_a_broken_file_names_the_field(change: tuple[str, str], field: str) -> None:
    broken = SHIPPED.replace(*change, 1)
    assert broken != SHIPPED
    with pytest.raises(DeploymentError) as raised:
        parse_deployment(broken, source="kota.toml")
    assert field in str(raised.value)
    assert str(raised.value).startswith("kota.toml:")


def test_invalid_toml_is_reported_with_its_line() -> None:
    with pytest.raises(DeploymentError, match=r"not valid TOML.*line 3"):
        parse_deployment('[hotline]\nname = "x"\nname = = 2\n', source="x.toml")


def test_the_operator_gets_a_plain_error_not_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(SHIPPED.replace('timezone = "Asia/Jakarta"', 'timezone = "WIB"'))
    result = subprocess.run(
        [str(HOTLINE), "config", "check", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "units[0].timezone" in result.stderr
    assert "Traceback" not in result.stderr
    missing = subprocess.run(
        [str(HOTLINE), "config", "check", str(tmp_path / "nope.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "cannot read the deployment file" in missing.stderr
