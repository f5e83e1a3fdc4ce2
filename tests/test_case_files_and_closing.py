"""Case files and closing in the console (issue rows 6 and 11), on both databases: an attachment is
what its content is, whatever the sender claimed, and opens in the browser only as the stripped
image copy; closing a case as invalid is for those who may read it."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import func, select

from admin.entry import service_app
from bot.hotline import Hotline
from storage.attachments import AttachmentStore
from storage.models import Attachment, DeliveryAddress, Report
from tests.inprocess import Browser, add_staff
from tests.webchat_client import WebReporter

HOSTILE_HTML = b"<!doctype html><html><body><script>fetch('/admin/queue')</script></body></html>"


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraPelapor"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def filed_report(hotline: Hotline) -> str:
    reporter = WebReporter(service_app(hotline), "36.70.1.1")
    await reporter.report("Anak tetangga dikunci di kamar.")
    await reporter.close()
    async with hotline.sessions() as session:
        reference = await session.scalar(select(Report.reference).order_by(Report.id.desc()))
    assert reference is not None
    return reference


async def attach(hotline: Hotline, reference: str, kind: str, claimed: str, data: bytes) -> str:
    async with hotline.sessions() as session, session.begin():
        report = await session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        store = AttachmentStore(session, hotline.settings.keyring)
        row = await store.add(
            source_key=f"telegram:{kind}:{len(data)}",
            conversation_key="k",
            kind=kind,
            mime=claimed,
            data=data,
            now=hotline.runtime.clock(),
        )
        await store.attach_to_report([row.ref], report.id)
        return row.ref


async def test_a_file_is_served_as_a_download_whatever_the_sender_claimed(hotline: Hotline) -> None:
    """Row 6: a Telegram document claiming ``text/html`` was served as ``text/html``, inline."""
    reference = await filed_report(hotline)
    page_ref = await attach(hotline, reference, "document", "text/html", HOSTILE_HTML)
    photo_ref = await attach(hotline, reference, "photo", "text/html", photo_with_gps())
    await add_staff(hotline, "dewi")
    async with hotline.sessions() as session:
        stored = dict((await session.execute(select(Attachment.ref, Attachment.mime))).all())
    assert stored == {page_ref: "application/octet-stream", photo_ref: "image/jpeg"}, "typed by content"
    async with Browser(hotline) as officer:
        await officer.sign_in("dewi")
        await officer.post(f"/admin/cases/{reference}/acknowledge")
        case = (await officer.http.get(f"/admin/cases/{reference}")).text
        assert f'files/{photo_ref}"' in case and f'files/{page_ref}"' not in case, "only images have a copy"
        assert (await officer.http.get(f"/admin/cases/{reference}/files/{page_ref}")).status_code == 404
        for ref, extension in ((page_ref, "bin"), (photo_ref, "jpg")):
            original = await officer.http.get(f"/admin/cases/{reference}/files/{ref}?original=1")
            assert original.status_code == 200
            assert original.headers["content-type"] == "application/octet-stream"
            assert original.headers["content-disposition"] == (
                f'attachment; filename="{reference}-{ref}.{extension}"'
            )
            assert original.headers["x-content-type-options"] == "nosniff"
            assert re.match(r"sandbox\b", original.headers["content-security-policy"])
        assert b"KameraPelapor" in original.content, "the original is the evidence, untouched"
        copy = await officer.http.get(f"/admin/cases/{reference}/files/{photo_ref}")
        assert copy.headers["content-type"] == "image/jpeg"
        assert copy.headers["content-disposition"].startswith("inline")
        assert copy.headers["x-content-type-options"] == "nosniff"
        assert b"KameraPelapor" not in copy.content, "the copy carries no metadata"


async def addresses(hotline: Hotline, reference: str) -> int:
    async with hotline.sessions() as session:
        statement = (
            select(func.count())
            .select_from(DeliveryAddress)
            .join(Report, Report.id == DeliveryAddress.report_id)
            .where(Report.reference == reference)
        )
        return int(await session.scalar(statement) or 0)


async def status(hotline: Hotline, reference: str) -> str | None:
    async with hotline.sessions() as session:
        return await session.scalar(select(Report.status).where(Report.reference == reference))


async def test_only_those_who_may_read_a_case_close_it_as_invalid(hotline: Hotline) -> None:
    """Row 11: any officer could close an unassigned case as invalid (unread), erasing the only
    way to answer its reporter."""
    reference = await filed_report(hotline)
    assert await addresses(hotline, reference) == 1
    await add_staff(hotline, "dewi")
    await add_staff(hotline, "agus")
    await add_staff(hotline, "budi", role="supervisor")
    async with Browser(hotline) as passer_by:
        await passer_by.sign_in("agus")
        refused = await passer_by.post(f"/admin/cases/{reference}/invalid", {"reason": "spam"})
        assert refused.status_code == 303 and "error=console.error.take_first" in refused.headers["location"]
    assert await status(hotline, reference) == "baru"
    assert await addresses(hotline, reference) == 1, "the reply address is still there"
    async with Browser(hotline) as assigned:
        await assigned.sign_in("dewi")
        await assigned.post(f"/admin/cases/{reference}/acknowledge")
    async with Browser(hotline) as other:
        await other.sign_in("agus")
        assert (await other.post(f"/admin/cases/{reference}/invalid", {"reason": "spam"})).status_code == 404
    assert await status(hotline, reference) == "diterima"
    async with Browser(hotline) as supervisor:
        await supervisor.sign_in("budi")
        unread = await supervisor.post(f"/admin/cases/{reference}/invalid", {"reason": "ganda"})
        assert "error=console.error.read_first" in unread.headers["location"], "read it first"
        assert await status(hotline, reference) == "diterima"
        assert (await supervisor.http.get(f"/admin/cases/{reference}")).status_code == 200
        done = await supervisor.post(f"/admin/cases/{reference}/invalid", {"reason": "ganda"})
        assert "done=console.done.closed" in done.headers["location"]
    assert await status(hotline, reference) == "ditutup"
    assert await addresses(hotline, reference) == 0
