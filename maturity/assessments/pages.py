"""The pages of an assessment: the profile questions first, then one page per dimension."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maturity.questionnaires.model import Item, Questionnaire
from maturity.questionnaires.visibility import walk

PROFILE_PAGE = "profile"


def page_ids(questionnaire: Questionnaire) -> list[str]:
    pages = [PROFILE_PAGE] if any(not i.scored for i in questionnaire.items) else []
    return pages + [d.id for d in questionnaire.model.dimensions if questionnaire.dimension_items.get(d.id)]


def items_on(questionnaire: Questionnaire, page: str) -> list[Item]:
    if page == PROFILE_PAGE:
        return [i for i in questionnaire.items if not i.scored]
    return list(questionnaire.dimension_items.get(page, ()))


@dataclass(frozen=True)
class PageProgress:
    page: str
    shown: int
    answered: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.shown


def progress(questionnaire: Questionnaire, answers: Mapping[str, Any], profile: Mapping[str, Any],
             walked: list | None = None) -> list[PageProgress]:
    """Shown and answered items per page, in page order (`walked`: a `walk` already made)."""
    counts: dict[str, list[int]] = {p: [0, 0] for p in page_ids(questionnaire)}
    for item, shown, answer in walked if walked is not None else walk(questionnaire, answers, profile):
        page = item.dimension if item.scored else PROFILE_PAGE
        if shown and page in counts:
            counts[page][0] += 1
            counts[page][1] += answer is not None
    return [PageProgress(p, *counts[p]) for p in counts]


def neighbours(questionnaire: Questionnaire, page: str) -> tuple[str | None, str | None]:
    pages = page_ids(questionnaire)
    i = pages.index(page)
    return (pages[i - 1] if i > 0 else None, pages[i + 1] if i + 1 < len(pages) else None)
