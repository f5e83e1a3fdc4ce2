"""The deployment file (units, kecamatan, categories, emergency numbers, SLA, retention) read from
disk; ``flows.deployment`` checks what it says."""

from __future__ import annotations

from pathlib import Path

from flows.deployment import Deployment, DeploymentError, parse_deployment

SHIPPED_EXAMPLE = Path(__file__).parent / "deployments" / "kota-pekalongan.toml"
"""One real district, so a fresh install runs as shipped."""


def load_deployment(path: Path | str | None = None) -> Deployment:
    file = Path(path) if path else SHIPPED_EXAMPLE
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeploymentError(f"{file}: cannot read the deployment file ({exc.strerror})") from exc
    return parse_deployment(text, source=str(file))
