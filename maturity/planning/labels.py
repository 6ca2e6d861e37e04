"""Labels of action statuses and of the single-language mark, in the user's language."""
from maturity.i18n import _l

STATUS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}
ONLY_LANG_LABELS = {"es": _l("only in Spanish"), "en": _l("only in English")}
