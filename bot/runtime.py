"""The one path every channel takes: an inbound event becomes replies, in one transaction.

Load the conversation (locked), run the pure flow, carry out its effects (filing reports, looking
up receipts), feed their results back to the flow, save the conversation: all committed together
or not at all. A channel only translates its own format to an ``Inbound`` and the replies back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.follow_up import open_follow_up
from bot.receipts import Receipts
from flows import inbound as ev
from flows.complaint import ComplaintFlow
from flows.conversation import Conversation
from flows.lifecycle import Decision, Emission, Move
from flows.outbound import (
    CheckReceipt,
    Effect,
    OpenUrgentReport,
    Outcome,
    RaiseUrgency,
    RecordReporterMessage,
    Reply,
    SubmitReport,
    WipeConversation,
)
from flows.report import ReportDraft
from flows.vocabulary import CLOSED, AuditAction, CaseEventKind, Channel, Door, Urgency
from storage import audit
from storage.attachments import AttachmentStore
from storage.cases import REPORTER, Particulars, carry_out
from storage.conversations import ConversationStore
from storage.crypto import Keyring
from storage.models import Report
from storage.reports import ReportStore
from storage.units import unit_ids

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
REPORTER_VISIBLE = (CaseEventKind.REPORTER_MESSAGE, CaseEventKind.OFFICER_REPLY)
STATUS_MESSAGES_SHOWN = 10


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Inbound:
    """One message from one reporter. ``user_id`` is the channel's own id for the sender; it is
    only ever pseudonymised, or sealed as the delivery address of a report."""

    channel: Channel
    user_id: str
    event: ev.Event


@dataclass(frozen=True)
class Handled:
    """What one inbound event produced: replies for the reporter, and whether they wiped."""

    replies: list[Reply]
    wiped: bool = False
    conversation_key: str = ""
    state: str = "menu"
    """The conversation's state after the event (web chat asks it to label its buttons)."""


class Notifier(Protocol):
    """Tells officers about a filed report and about a reporter writing again on it."""

    async def report_filed(
        self, session: AsyncSession, report: Report, *, urgent_alert: bool, now: datetime
    ) -> None: ...

    async def reporter_wrote(
        self, session: AsyncSession, report: Report, decision: Decision, now: datetime
    ) -> None: ...


@dataclass
class _Context:
    session: AsyncSession
    conversations: ConversationStore
    reports: ReportStore
    conversation_key: str
    inbound: Inbound | None
    now: datetime
    wiped: bool = False
    follow_ups: dict[str, Report] = field(default_factory=dict)
    """Follow-up reports opened in this transaction, by the closed case's reference."""


class Runtime:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        flow: ComplaintFlow,
        keyring: Keyring,
        clock: Clock = utc_now,
        notifiers: list[Notifier] | None = None,
        reads: async_sessionmaker[AsyncSession] | None = None,
    ):
        self.sessions = sessions
        self.reads = reads or sessions
        self.receipts = Receipts(keyring)
        self.flow = flow
        self.keyring = keyring
        self.clock = clock
        self.notifiers: list[Notifier] = list(notifiers or [])
        self._unit_ids: dict[str, int] | None = None

    async def prepare(self, event: ev.Event) -> None:
        """Slow, lock-free work for ``event``, done before its transaction opens (receipt hashes)."""
        await self.receipts.prepare(event)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle one event in its own transaction (the terminal, tests)."""
        await self.prepare(inbound.event)
        async with self.sessions() as session, session.begin():
            return (await self.process(session, inbound)).replies

    async def process(self, session: AsyncSession, inbound: Inbound) -> Handled:
        """Handle one event inside the caller's transaction (a channel adds its outbox rows);
        the caller awaits ``prepare(event)`` first, outside the transaction."""
        self.receipts.warm()
        return await self._step(
            session, inbound, lambda conv, now: self.flow.handle(conv, inbound.event, now), written=True
        )

    async def current_question(self, channel: Channel, user_id: str) -> list[Reply]:
        """What a reopened conversation shows: the question it stopped at (after expiry, if due)."""
        inbound = Inbound(channel, user_id, ev.Expire())

        def show(conv: Conversation, now: datetime) -> Outcome:
            outcome = self.flow.handle(conv, ev.Expire(), now)
            outcome.replies.extend(self.flow.show_menu(conv, now).replies)
            return outcome

        async with self.sessions() as session, session.begin():
            return (await self._step(session, inbound, show)).replies

    async def expire_idle(self) -> int:
        """Give up drafts idle past the limit; urgent ones are filed with what they have."""
        now = self.clock()
        async with self.reads() as session:
            store = ConversationStore(session, self.keyring)
            ids = await store.idle_ids(now - self.flow.idle_limit)
        expired = 0
        for row_id in ids:
            async with self.sessions() as session, session.begin():
                ctx = await self._context(session, None, now)
                loaded = await ctx.conversations.load_row(row_id)
                if loaded is None:
                    continue
                row, conv = loaded
                if not self.flow.is_idle(conv, now):
                    continue
                ctx.conversation_key = row.key
                await self._settle(ctx, conv, self.flow.handle(conv, ev.Expire(), now))
                await ctx.conversations.save(row, conv, now)
                expired += 1
        return expired

    async def _step(
        self,
        session: AsyncSession,
        inbound: Inbound,
        step: Callable[[Conversation, datetime], Outcome],
        *,
        written: bool = False,
    ) -> Handled:
        """``written``: the reporter sent something (opens WhatsApp's 24-hour window)."""
        now = self.clock()
        ctx = await self._context(session, inbound, now)
        locale = self.flow.deployment.hotline.default_locale
        row, conv = await ctx.conversations.load(inbound.channel, inbound.user_id, now, default_locale=locale)
        ctx.conversation_key = row.key
        replies = await self._settle(ctx, conv, step(conv, now))
        await ctx.conversations.save(row, conv, now, inbound_at=now if written else None)
        return Handled(replies, ctx.wiped, row.key, conv.state)

    async def _context(self, session: AsyncSession, inbound: Inbound | None, now: datetime) -> _Context:
        if self._unit_ids is None:
            self._unit_ids = await unit_ids(session)
        return _Context(
            session=session,
            conversations=ConversationStore(session, self.keyring),
            reports=ReportStore(session, self.keyring, self._unit_ids),
            conversation_key="",
            inbound=inbound,
            now=now,
        )

    async def _settle(self, ctx: _Context, conv: Conversation, outcome: Outcome) -> list[Reply]:
        """Carry out effects in order, feeding each result back to the flow."""
        replies = list(outcome.replies)
        pending = list(outcome.effects)
        while pending:
            feedback = await self._apply(ctx, pending.pop(0))
            if feedback is not None:
                more = self.flow.handle(conv, feedback, ctx.now)
                replies.extend(more.replies)
                pending.extend(more.effects)
        return replies

    async def _apply(self, ctx: _Context, effect: Effect) -> ev.Event | None:
        if isinstance(effect, OpenUrgentReport):
            return await self._open_urgent(ctx, effect)
        if isinstance(effect, RaiseUrgency):
            return await self._raise_urgency(ctx, effect)
        if isinstance(effect, SubmitReport):
            return await self._submit(ctx, effect)
        if isinstance(effect, CheckReceipt):
            return await self._check_receipt(ctx, effect)
        if isinstance(effect, RecordReporterMessage):
            return await self._record_reporter_message(ctx, effect)
        if isinstance(effect, WipeConversation):
            erased = await ctx.reports.erase_addresses(self.keyring.pseudonyms(*self._identity(ctx)))
            log.info("conversation wiped by its reporter (%d delivery addresses erased)", erased)
            ctx.wiped = True
            return None
        raise TypeError(f"unknown effect {effect!r}")

    @staticmethod
    def _identity(ctx: _Context) -> tuple[str, str]:
        assert ctx.inbound is not None
        return ctx.inbound.channel, ctx.inbound.user_id

    async def _remember_address(self, ctx: _Context, report: Report) -> None:
        """A closed case keeps no way to reach its reporter, even when they look it up again."""
        if ctx.inbound is None or report.status in CLOSED:
            return
        channel, user_id = self._identity(ctx)
        await ctx.reports.save_address(report, ctx.conversation_key, channel, user_id, ctx.now)

    async def _open_urgent(self, ctx: _Context, effect: OpenUrgentReport) -> ev.Event:
        channel = ctx.inbound.channel if ctx.inbound else Channel.UNKNOWN
        report = await ctx.reports.create(effect.draft, channel, ctx.now)
        await self._remember_address(ctx, report)
        await self._attach(ctx, report, effect.draft)
        await self._urgent_alert(ctx, report, effect.reason, effect.phrase)
        log.warning("urgent report %s opened: danger now (%s)", report.reference, effect.reason)
        await self._notify(ctx, report, urgent_alert=True)
        return ev.UrgentReportOpened(report.id, report.reference)

    async def _urgent_alert(self, ctx: _Context, report: Report, reason: str, phrase: str | None) -> None:
        """On the timeline: why it is urgent (the button, or the lexicon phrase heard; never the
        reporter's own words)."""
        detail = {"urgency": Urgency.URGENT.value, "reason": reason, "heard": phrase}
        await ctx.reports.add_event(report, CaseEventKind.URGENT_ALERT, ctx.now, detail=detail)
        await audit.record(
            ctx.session,
            action=AuditAction.URGENT_ALERT,
            actor=Door.REPORTER,
            now=ctx.now,
            report_id=report.id,
        )

    async def _raise_urgency(self, ctx: _Context, effect: RaiseUrgency) -> ev.Event | None:
        """Danger heard from a reporter following up their report: it becomes urgent, and the
        duty officer (or, when it is assigned, its officer) is alerted as for a new urgent report.
        Danger on a closed case goes to whoever is on duty now: an urgent follow-up report."""
        report = await ctx.reports.by_reference(effect.reference)
        if report is None:
            return None
        if report.status in CLOSED:
            follow_up, code = await self._follow_up(ctx, report, Urgency.URGENT)
            await self._urgent_alert(ctx, follow_up, effect.reason, effect.phrase)
            return ev.MessageRecorded(effect.reference, follow_up=follow_up.reference, receipt_code=code)
        report.urgency = Urgency.URGENT
        report.last_activity_at = ctx.now
        await self._urgent_alert(ctx, report, effect.reason, effect.phrase)
        await self._remember_address(ctx, report)
        log.warning("report %s raised to urgent: danger heard (%s)", report.reference, effect.reason)
        await self._notify(ctx, report, urgent_alert=True)
        return None

    async def _submit(self, ctx: _Context, effect: SubmitReport) -> ev.Event | None:
        report = None
        if effect.urgent_report_id is not None:
            report = await ctx.reports.get(effect.urgent_report_id)
        if report is None:
            channel = ctx.inbound.channel if ctx.inbound else Channel.UNKNOWN
            report = await ctx.reports.create(effect.draft, channel, ctx.now)
        else:
            await ctx.reports.update_from_draft(report, effect.draft, ctx.now)
        await self._remember_address(ctx, report)
        await self._attach(ctx, report, effect.draft)
        if effect.abandoned:
            await ctx.reports.add_event(report, CaseEventKind.ABANDONED, ctx.now)
            log.warning("urgent draft for %s abandoned; filed with what was given", report.reference)
            return None
        code = await ctx.reports.issue_receipt(report, ctx.now, self.receipts.take())
        if effect.draft.hint:
            await ctx.reports.add_event(
                report, CaseEventKind.CATEGORY_HINT, ctx.now, detail=effect.draft.hint
            )
        await ctx.reports.add_event(report, CaseEventKind.SUBMITTED, ctx.now)
        await audit.record(
            ctx.session, action=AuditAction.SUBMITTED, actor=Door.REPORTER, now=ctx.now, report_id=report.id
        )
        log.info("report %s submitted (urgency %s)", report.reference, report.urgency)
        if effect.urgent_report_id is None:
            await self._notify(ctx, report, urgent_alert=False)
        return ev.ReportSubmitted(report.reference, code)

    async def _attach(self, ctx: _Context, report: Report, draft: ReportDraft) -> None:
        refs = [a.ref for a in draft.attachments]
        await AttachmentStore(ctx.session, self.keyring).attach_to_report(refs, report.id)

    async def _notify(self, ctx: _Context, report: Report, *, urgent_alert: bool) -> None:
        for notifier in self.notifiers:
            await notifier.report_filed(ctx.session, report, urgent_alert=urgent_alert, now=ctx.now)

    async def _check_receipt(self, ctx: _Context, effect: CheckReceipt) -> ev.Event:
        if effect.code is not None:
            report = await ctx.reports.by_receipt(effect.code, self.receipts.typed(effect.code))
        else:
            report = await ctx.reports.by_reference(effect.reference or "")
        if report is None:
            log.debug("receipt lookup failed")
            return ev.ReceiptChecked(None)
        await self._remember_address(ctx, report)
        timeline = await ctx.reports.timeline(report, REPORTER_VISIBLE)
        zone = self.flow.deployment.default_unit.zone
        messages = tuple(
            ev.StatusMessage(
                from_officer=m.kind == CaseEventKind.OFFICER_REPLY,
                text=m.text or "",
                at=m.at.astimezone(zone).strftime("%d-%m-%Y %H:%M"),
            )
            for m in timeline[-STATUS_MESSAGES_SHOWN:]
        )
        return ev.ReceiptChecked(report.reference, report.status, messages)

    async def _record_reporter_message(self, ctx: _Context, effect: RecordReporterMessage) -> ev.Event:
        """The lifecycle's rule decides where the words go (``flows.lifecycle``): an open case,
        a recently resolved case reopened, or a linked follow-up report; the reporter is told."""
        report = await ctx.reports.by_reference(effect.reference)
        if report is None:
            return ev.MessageRecorded(effect.reference, delivered=False)
        if report.reference in ctx.follow_ups:  # danger in these words already opened one
            follow_up = ctx.follow_ups[report.reference]
            await ctx.reports.add_event(follow_up, CaseEventKind.REPORTER_MESSAGE, ctx.now, text=effect.text)
            return ev.MessageRecorded(effect.reference, follow_up=follow_up.reference)
        words = Particulars(text=effect.text)
        decision = await carry_out(ctx.reports, report, REPORTER, Move.REPORTER_WRITES, ctx.now, words)
        await self._remember_address(ctx, report)
        for notifier in self.notifiers:
            await notifier.reporter_wrote(ctx.session, report, decision, ctx.now)
        if Emission.FOLLOW_UP in decision.emits:
            follow_up, code = await self._follow_up(ctx, report, Urgency.NORMAL)
            await ctx.reports.add_event(follow_up, CaseEventKind.REPORTER_MESSAGE, ctx.now, text=effect.text)
            return ev.MessageRecorded(effect.reference, follow_up=follow_up.reference, receipt_code=code)
        return ev.MessageRecorded(effect.reference, reopened=Emission.REOPENED in decision.emits)

    async def _follow_up(self, ctx: _Context, closed: Report, urgency: Urgency) -> tuple[Report, str | None]:
        """The closed case's follow-up report, opened and routed once per transaction; its receipt
        code only the first time (it is shown once)."""
        if closed.reference in ctx.follow_ups:
            return ctx.follow_ups[closed.reference], None
        channel = ctx.inbound.channel if ctx.inbound else Channel.UNKNOWN
        report, code = await open_follow_up(
            ctx.reports, closed, channel, ctx.now, urgency=urgency, prepared=self.receipts.take()
        )
        ctx.follow_ups[closed.reference] = report
        await self._remember_address(ctx, report)
        log.info("message on closed %s: follow-up %s opened", closed.reference, report.reference)
        await self._notify(ctx, report, urgent_alert=urgency is Urgency.URGENT)
        return report, code


def idle_sweep_interval(flow: ComplaintFlow) -> timedelta:
    return min(timedelta(minutes=5), flow.idle_limit / 4)
