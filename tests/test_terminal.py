"""``hotline chat`` as a real subprocess: a whole report, and a kill half-way then resume."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pexpect
import pytest

HOTLINE = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "hotline")
TIMEOUT = 30

pytestmark = pytest.mark.slow


def start_chat(env: dict[str, str], cwd: Path) -> pexpect.spawn:
    child = pexpect.spawn(HOTLINE, ["chat"], env=env, cwd=str(cwd), encoding="utf-8", timeout=TIMEOUT)
    child.expect("Apa yang ingin Anda lakukan\\?")
    child.expect("> ")
    return child


def answer(child: pexpect.spawn, text: str, expect: str) -> None:
    child.sendline(text)
    child.expect(expect)
    child.expect("> ")


FIRST_HALF = [
    ("1", "Apakah Anda setuju\\?"),
    ("1", "Siapa yang melapor\\?"),
    ("5", "Masalah apa yang dialami anak\\?"),
    ("8", "Apakah anak sedang dalam bahaya sekarang"),
    ("2", "Berapa umur anak tersebut\\?"),
    ("15", "Jenis kelamin anak"),
    ("1", "Di kecamatan mana"),
]
SECOND_HALF = [
    ("3", "Kelurahan/desa mana di Kecamatan Pekalongan Utara\\?"),
    ("Krapyak", "Ada patokan"),
    ("dekat pelabuhan", "Ceritakan apa yang terjadi"),
    ("Sudah dua bulan tidak masuk sekolah, disuruh kerja di kapal.", "Tersimpan"),
    ("1", "tetap anonim atau meninggalkan nomor"),
    ("1", "Periksa laporan Anda sebelum dikirim"),
]


def reports_in(database: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT reference, category, age_band, region_code FROM reports").fetchall()


def test_a_whole_report_in_the_terminal(sandbox_env: dict[str, str], tmp_path: Path) -> None:
    child = start_chat(sandbox_env, tmp_path)
    for text, expect in FIRST_HALF + SECOND_HALF:
        answer(child, text, expect)
    child.sendline("1")
    child.expect("Nomor laporan: (PKSAI-2026-\\d{6})")
    reference = child.match.group(1)
    child.expect("Kode tanda terima: (\\d{4}-\\d{4}-\\d{4}-\\d{4})")
    child.expect("> ")
    child.sendeof()
    child.expect("Sampai jumpa")
    child.expect(pexpect.EOF)
    assert reports_in(tmp_path / "hotline.db") == [(reference, "putus-sekolah", "13-17", "33.75.03")]


def test_killed_half_way_it_resumes_where_it_stopped(sandbox_env: dict[str, str], tmp_path: Path) -> None:
    child = start_chat(sandbox_env, tmp_path)
    for text, expect in FIRST_HALF:
        answer(child, text, expect)
    child.kill(signal.SIGKILL)
    child.wait()

    child = pexpect.spawn(
        HOTLINE, ["chat"], env=sandbox_env, cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT
    )
    child.expect("Di kecamatan mana")
    child.expect("> ")
    for text, expect in SECOND_HALF:
        answer(child, text, expect)
    child.sendline("1")
    child.expect("Nomor laporan: PKSAI-2026-000001")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    [(_, category, age_band, region)] = reports_in(tmp_path / "hotline.db")
    assert (category, age_band, region) == ("putus-sekolah", "13-17", "33.75.03")


def test_danger_typed_in_the_terminal_brings_the_numbers_and_an_urgent_report(
    sandbox_env: dict[str, str], tmp_path: Path
) -> None:
    child = start_chat(sandbox_env, tmp_path)
    child.sendline("tolooong, bapak lagi ngamuk bawa golok")
    child.expect("112")
    child.expect("SAPA 129")
    child.expect("Apa yang ingin Anda lakukan\\?")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    with sqlite3.connect(tmp_path / "hotline.db") as connection:
        rows = connection.execute("SELECT urgency, complete FROM reports").fetchall()
        events = connection.execute("SELECT detail FROM case_events WHERE kind = 'urgent_alert'").fetchall()
    assert rows == [("urgent", 0)]
    assert '"reason": "danger"' in events[0][0]
