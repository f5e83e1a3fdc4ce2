"""Statuses, urgencies, roles, channels, outbox purposes, audit actions and routing reasons are
spelled once, in ``flows.vocabulary``: code and templates compare with the members, never with the
values written out or pieced together, so a misspelt or renamed value cannot pass unnoticed. Read
from the source of every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.telegram.updates import UpdateKind
from flows.vocabulary import AuditAction, Channel, OutboxPurpose, Role, RouteReason, Status, Urgency

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("admin", "bot", "storage", "flows")
SPELLED_ONCE = ROOT / "flows" / "vocabulary.py"
WORDS = frozenset(m.value for enum in (Status, Urgency, Role) for m in enum)
"""Values with one meaning wherever they appear (other vocabularies reuse "reply", "whatsapp")."""
BY_NAME: dict[str, frozenset[str]] = {
    "status": frozenset(Status),
    "urgency": frozenset(Urgency),
    "role": frozenset(Role),
    "channel": frozenset(Channel),
    "purpose": frozenset(OutboxPurpose),
    "action": frozenset(AuditAction) | frozenset(UpdateKind),
    "reason": frozenset(RouteReason),
}
"""Where an attribute, variable or keyword names the vocabulary, any of its values counts."""
TEMPLATE_LITERAL = re.compile(
    r"""(?:==|!=|\bin\b)\s*[(\[]?\s*["'](""" + "|".join(sorted(WORDS)) + r""")["']"""
)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        first = node.args[0] if node.args else None
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    return None


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for element in node.elts for s in _strings(element)]
    return []


def spelled_out(source: str) -> list[tuple[int, str]]:
    """(line, value) of each vocabulary value written out where a member belongs."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            named = frozenset().union(*(BY_NAME.get(_name(side) or "", frozenset()) for side in sides))
            for side in sides:
                found += [(node.lineno, s) for s in _strings(side) if s in WORDS | named]
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
                column = BY_NAME.get(_name(node.func.value) or "", frozenset())
                for argument in node.args:
                    values = _strings(argument)
                    if values and all(v in WORDS | column for v in values):
                        found += [(node.lineno, v) for v in values]
            for keyword in node.keywords:
                allowed = BY_NAME.get(keyword.arg or "", frozenset())
                found += [(node.lineno, s) for s in _strings(keyword.value) if s in allowed]
                if allowed and isinstance(keyword.value, ast.JoinedStr):  # a value pieced together
                    found.append((node.lineno, ast.unparse(keyword.value)))
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            if keys and len(keys) == len(node.keys) and all(k in WORDS for k in keys):
                found.append((node.lineno, ", ".join(keys)))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            values = _strings(node.value)
            if len(values) > 1 and all(v in WORDS for v in values):
                found.append((node.lineno, ", ".join(values)))
    return sorted(set(found))


def test_code_compares_with_members_not_spelled_out_values() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != SPELLED_ONCE
        for line, value in spelled_out(path.read_text())
    ]
    assert offences == []


def test_templates_compare_with_members_not_spelled_out_values() -> None:
    templates = sorted((ROOT / "admin" / "templates").rglob("*.html"))
    assert templates
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEMPLATE_LITERAL.search(line)
    ]
    assert offences == []


def test_the_check_sees_each_way_of_spelling_a_value_out() -> None:
    sneaky = """
if report.status == "baru": pass
if officer.role in ("officer", "supervisor"): pass
rows = select(Officer).where(Officer.role.in_(["admin"]))
put(message, purpose="officer_reply")
if message.channel != "whatsapp": pass
if data.get("urgency") == "urgent": pass
LABELS = {"urgent": 1, "high": 2}
SUPERVISING = ("supervisor", "admin")
audit.record(session, action="logout", actor=Door.CONSOLE)
audit.record(session, action=f"login_{result.outcome}", actor=Door.CONSOLE)
Particulars(assignee_id=chosen, reason="handover")
"""
    assert [line for line, _ in spelled_out(sneaky)] == [2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    fine = """
if choice == "reply": pass
if number.kind == "whatsapp": pass
payload = {"type": "reply", "messaging_product": "whatsapp"}
REFERRALS = ("diajukan", "diterima")
if report.status == Status.NEW: pass
"""
    assert spelled_out(fine) == []
    assert TEMPLATE_LITERAL.search('{% if r.status == "baru" %}')
    assert not TEMPLATE_LITERAL.search("{% if r.status == Status.NEW %}")
