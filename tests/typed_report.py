"""A whole report typed as a reporter would, without a single button: the everyday words the flow
understands at each question, with a landmark, a story and a phone number (the log-privacy test
looks for exactly these; the flood bench files it over and over)."""

from __future__ import annotations

PHONE = "0812 7777 3131"
LANDMARK = "dekat warung Bu Sumirah"


def typed_report(story: str, *, landmark: str = LANDMARK, phone: str = PHONE) -> list[str]:
    return [
        "1",
        "setuju",
        "tetangga",
        "anak itu dipukul pamannya",
        "ya",
        "tidak",
        "8",
        "perempuan",
        "timur",
        "Setono",
        landmark,
        story,
        "selesai",
        phone,
        "kirim laporan",
    ]
