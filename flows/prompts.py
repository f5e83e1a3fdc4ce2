"""What each state asks, with its numbered options, in the reporter's language."""

from __future__ import annotations

from flows.deployment import Deployment
from flows.keys import EDIT_LABELS, OPTION_LABELS
from flows.outbound import Option
from flows.report import OUTSIDE
from flows.turn import Turn

REVIEW_STORY_PREVIEW = 1_200
Question = tuple[str, list[Option]]


class Prompts:
    def __init__(self, deployment: Deployment):
        self.deployment = deployment

    def ask(self, turn: Turn) -> Question:
        question: Question = getattr(self, f"_{turn.conv.state}")(turn)
        return question

    def emergency_text(self, turn: Turn, intro: str) -> str:
        lines = [intro]
        for number in self.deployment.emergency_numbers:
            label = number.label.get(turn.conv.locale)
            if number.kind == "whatsapp":
                lines.append(turn.t("emergency.whatsapp", number=number.number, label=label))
            else:
                lines.append(turn.t("emergency.call", number=number.number, label=label))
        return "\n".join(lines)

    def _labelled(self, turn: Turn, step: str) -> list[Option]:
        return [turn.offer(value, key) for value, key in OPTION_LABELS[step].items()]

    def _menu(self, turn: Turn) -> Question:
        conv = turn.conv
        text = turn.t("menu.prompt")
        if not conv.greeted:
            text = turn.t("menu.welcome", hotline=self.deployment.hotline.name) + "\n\n" + text
        if conv.has_draft and conv.resume_state:
            report = turn.offer("report", "menu.resume")
        else:
            report = turn.offer("report", "menu.report")
        return text, [
            report,
            turn.offer("status", "menu.status"),
            turn.offer("emergency", "menu.emergency"),
            turn.offer("about", "menu.about"),
            turn.offer("language", "menu.language"),
        ]

    def _consent(self, turn: Turn) -> Question:
        return turn.t("prompt.consent"), [
            turn.offer("agree", "consent.agree"),
            turn.offer("decline", "consent.decline"),
        ]

    def _role(self, turn: Turn) -> Question:
        return turn.t("prompt.role"), self._labelled(turn, "role")

    def _category(self, turn: Turn) -> Question:
        child, locale = turn.conv.is_child, turn.conv.locale
        categories = self.deployment.categories
        return turn.t("prompt.category"), [Option(c.code, c.display(locale, child=child)) for c in categories]

    def _category_confirm(self, turn: Turn) -> Question:
        category = self.deployment.category_by_code[turn.conv.answers["suggested"]]
        label = category.display(turn.conv.locale, child=turn.conv.is_child)
        return turn.t("prompt.category_confirm", category=label), [
            turn.offer("yes", "category_confirm.yes"),
            turn.offer("other", "category_confirm.other"),
        ]

    def _cancel_confirm(self, turn: Turn) -> Question:
        return turn.t("prompt.cancel_confirm"), [
            turn.offer("yes", "cancel_confirm.yes"),
            turn.offer("no", "cancel_confirm.no"),
        ]

    def _danger(self, turn: Turn) -> Question:
        return turn.t("prompt.danger"), self._labelled(turn, "danger")

    def _age(self, turn: Turn) -> Question:
        """A child answering about themself is not offered "Balita" (they are typing)."""
        options = self._labelled(turn, "age")
        if turn.conv.is_child:
            options = [o for o in options if o.id != "0-5"]
        return turn.t("prompt.age"), options

    def _sex(self, turn: Turn) -> Question:
        return turn.t("prompt.sex"), self._labelled(turn, "sex")

    def _kecamatan(self, turn: Turn) -> Question:
        regions = [Option(r.code, r.name) for r in self.deployment.regions.values()]
        return turn.t("prompt.kecamatan"), [*regions, turn.offer(OUTSIDE, "kecamatan.outside")]

    def _kecamatan_confirm(self, turn: Turn) -> Question:
        region = self.deployment.regions[turn.conv.answers["region_guess"]]
        return turn.t("prompt.kecamatan_confirm", kecamatan=region.name), [
            turn.offer("yes", "place_confirm.yes"),
            turn.offer("no", "place_confirm.no"),
        ]

    def _kelurahan_confirm(self, turn: Turn) -> Question:
        answers = turn.conv.answers
        return turn.t("prompt.kelurahan_confirm", kelurahan=answers["kelurahan_guess"]), [
            turn.offer("yes", "place_confirm.yes"),
            turn.offer("no", "kelurahan_confirm.as_typed", typed=answers["kelurahan_typed"]),
        ]

    def _kelurahan(self, turn: Turn) -> Question:
        skip = turn.offer("skip", "kelurahan.skip")
        region = self.deployment.regions.get(turn.conv.answers.get("region") or "")
        if region is None:
            return turn.t("prompt.kelurahan.free"), [skip]
        options = [Option(f"k{i}", name) for i, name in enumerate(region.kelurahan)]
        return turn.t("prompt.kelurahan", kecamatan=region.name), [*options, skip]

    def _landmark(self, turn: Turn) -> Question:
        return turn.t("prompt.landmark"), [turn.offer("skip", "landmark.skip")]

    def _story(self, turn: Turn) -> Question:
        answers = turn.conv.answers
        parts, files = len(answers.get("story", ())), len(answers.get("attachments", ()))
        options = [turn.offer("done", "story.done")]
        if not parts and not files:
            return turn.t("prompt.story"), options
        options.append(turn.offer("clear", "story.clear"))
        if not answers.get("story_started"):
            return turn.t("prompt.story") + "\n\n" + turn.t("story.kept_earlier"), options
        parts_text = turn.tn("story.parts", "story.parts.plural", parts)
        files_text = turn.tn("story.files", "story.files.plural", files)
        return turn.t("prompt.story.more", parts=parts_text, files=files_text), options

    def _contact(self, turn: Turn) -> Question:
        return turn.t("prompt.contact"), [
            turn.offer("anonymous", "contact.anonymous"),
            turn.offer("phone", "contact.phone"),
        ]

    def _phone(self, turn: Turn) -> Question:
        return turn.t("prompt.phone"), [turn.offer("anonymous", "phone.anonymous")]

    def _review(self, turn: Turn) -> Question:
        return turn.t("prompt.review") + "\n\n" + self.summary(turn), [
            turn.offer("submit", "review.submit"),
            turn.offer("edit", "review.edit"),
            turn.offer("cancel", "review.cancel"),
        ]

    def _edit_menu(self, turn: Turn) -> Question:
        has_phone = bool(turn.conv.answers.get("phone"))
        steps = [s for s in EDIT_LABELS if s != "phone" or has_phone]
        options = [turn.offer(s, EDIT_LABELS[s]) for s in steps]
        return turn.t("prompt.edit_menu"), [*options, turn.offer("review", "edit.back")]

    def _status_code(self, turn: Turn) -> Question:
        return turn.t("prompt.status_code"), [turn.offer("menu", "option.menu")]

    def _status_view(self, turn: Turn) -> Question:
        return turn.t("prompt.status_view", reference=turn.conv.verified_reference), [
            turn.offer("reply", "status.reply"),
            turn.offer("refresh", "status.refresh"),
            turn.offer("menu", "option.menu"),
        ]

    def _status_reply(self, turn: Turn) -> Question:
        return turn.t("prompt.status_reply"), [turn.offer("back", "option.back")]

    def _emergency(self, turn: Turn) -> Question:
        return self.emergency_text(turn, turn.t("emergency.intro")), [
            turn.offer("report", "menu.report"),
            turn.offer("menu", "option.menu"),
        ]

    def _about(self, turn: Turn) -> Question:
        return turn.t("about.text", hotline=self.deployment.hotline.name), [
            turn.offer("report", "menu.report"),
            turn.offer("menu", "option.menu"),
        ]

    def _language(self, turn: Turn) -> Question:
        return turn.t("prompt.language"), [Option("id", "Bahasa Indonesia"), Option("en", "English")]

    @staticmethod
    def _label(turn: Turn, step: str, value: str | None) -> str:
        key = OPTION_LABELS[step].get(value or "unknown")
        return turn.t(key) if key else turn.t("summary.unknown")

    def summary(self, turn: Turn) -> str:
        """The review: every answer, so the reporter can check it before sending."""
        answers, locale = turn.conv.answers, turn.conv.locale
        unknown = turn.t("summary.unknown")
        category = self.deployment.category_by_code.get(answers.get("category") or "")
        region = self.deployment.regions.get(answers.get("region") or "")
        if answers.get("age") is not None:
            age = turn.t("summary.age_years", age=answers["age"])
        else:
            age = self._label(turn, "age", answers.get("age_band"))
        story = "\n".join(answers.get("story", ())) or turn.t("summary.no_text")
        if len(story) > REVIEW_STORY_PREVIEW:
            story = story[:REVIEW_STORY_PREVIEW] + "…"
        rows = [
            (turn.t("summary.role"), self._label(turn, "role", answers.get("role"))),
            (turn.t("summary.category"), category.display(locale) if category else unknown),
            (turn.t("summary.danger"), self._label(turn, "danger", answers.get("danger"))),
            (turn.t("summary.age"), age),
            (turn.t("summary.sex"), self._label(turn, "sex", answers.get("sex"))),
            (turn.t("summary.kecamatan"), region.name if region else turn.t("kecamatan.outside")),
            (turn.t("summary.kelurahan"), answers.get("kelurahan") or unknown),
            (turn.t("summary.landmark"), answers.get("landmark") or unknown),
        ]
        if answers.get("coords"):
            rows.append((turn.t("summary.coords"), turn.t("summary.coords_shared")))
        rows += [
            (turn.t("summary.story"), story),
            (turn.t("summary.files"), str(len(answers.get("attachments", ())))),
            (turn.t("summary.contact"), answers.get("phone") or turn.t("contact.anonymous")),
        ]
        return "\n".join(f"{label}: {value}" for label, value in rows)
