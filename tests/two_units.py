"""A deployment with two units (a province's districts), for scope tests."""

from __future__ import annotations

from pathlib import Path

from bot.deployment_file import SHIPPED_EXAMPLE

SECOND_UNIT = """
[[units]]
code = "kab-batang"
name = "PKSAI Kabupaten Batang"
timezone = "Asia/Jakarta"

[[units.regions]]
code = "33.25.17"
name = "Batang"
lat = -6.9080
lon = 109.7300
kelurahan = ["Kauman Batang", "Proyonanggan Utara", "Sambong"]
"""


def write_two_unit_config(folder: Path) -> Path:
    text = SHIPPED_EXAMPLE.read_text()
    marker = "# Categories in the order reporters see them."
    path = folder / "two-units.toml"
    path.write_text(text.replace(marker, SECOND_UNIT + "\n" + marker, 1))
    return path
