"""Field-work exports of a questionnaire: a printable Markdown form and the answer template.

Pure Python (no Flask)::

    from maturity.questionnaires.export import to_markdown, to_csv, to_xlsx
    to_markdown(questionnaire, "es")   # str: title, version, each dimension's items, options
    to_csv(questionnaire, "en")        # str: the contracts.md answer template
    to_xlsx(questionnaire, "es")       # bytes: the same template as a workbook

The template has the columns of contracts.md, `firm, item_id, question, options, answer, note,
evidence`, one row per item in questionnaire order (profile items first); `options` reads
`id: label; id: label` in the chosen language, reserved options included. `write_csv` and
`write_xlsx` take any rows, so answers with user notes can be exported the same way later:
they store every cell as text and defuse spreadsheet formulas (a cell starting with = + - @,
tab or carriage return).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from maturity.questionnaires.conditions import AllOf, AnyOf, Leaf, Not
from maturity.questionnaires.model import DK, NA, NONE, Item, Questionnaire

COLUMNS = ("firm", "item_id", "question", "options", "answer", "note", "evidence")
LANGS = ("es", "en")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel limits a list validation to 255 characters; longer lists are left unvalidated.
MAX_VALIDATION_LIST = 255
COLUMN_WIDTHS = {"firm": 14, "item_id": 30, "question": 60, "options": 70, "answer": 18,
                 "note": 40, "evidence": 30}

_WORDS: dict[str, dict[str, str]] = {
    "es": {
        "version": "Versión", "language": "Idioma", "profile": "Perfil del negocio",
        "profile_intro": "Estas preguntas no dan puntaje: eligen qué preguntas del rubro se muestran.",
        "how": ("Cómo responder: marque una sola opción, salvo donde diga «varias respuestas». "
                "«No aplica» no cuenta en el puntaje; «No sé» cuenta como nivel 0 y queda como "
                "algo por averiguar. Responda lo que hace hoy, no lo que planea hacer."),
        "single": "Una respuesta", "multiple": "Varias respuestas",
        "answer_hint": "varias respuestas: separe los ids con ;",
        "only_if": "Solo si", "guidance": "Para el asesor",
        "weight": "Peso de la dimensión", "critical": "Dimensión crítica",
        "and": " y ", "or": " o ", "not": "no se cumple que ",
        "answered": "marcó {options} en {question}",
        "not_answered": "no marcó {options} en {question}",
        "question_ref": "la pregunta {ref}", "true": "sí", "false": "no",
        "is": "{field} es {values}", "is_not": "{field} no es {values}",
        "at_least": "{field} es al menos {value}", "at_most": "{field} es como máximo {value}",
    },
    "en": {
        "version": "Version", "language": "Language", "profile": "Business profile",
        "profile_intro": "These questions are not scored: they choose which sector questions are shown.",
        "how": ("How to answer: tick one option, except where it says “several answers”. "
                "“Does not apply” is left out of the score; “I don't know” counts as level 0 and "
                "is listed as something to find out. Answer what you do today, not what you plan."),
        "single": "One answer", "multiple": "Several answers",
        "answer_hint": "several answers: separate the ids with ;",
        "only_if": "Only if", "guidance": "For the advisor",
        "weight": "Dimension weight", "critical": "Critical dimension",
        "and": " and ", "or": " or ", "not": "it is not the case that ",
        "answered": "ticked {options} in {question}",
        "not_answered": "did not tick {options} in {question}",
        "question_ref": "question {ref}", "true": "yes", "false": "no",
        "is": "{field} is {values}", "is_not": "{field} is not {values}",
        "at_least": "{field} is at least {value}", "at_most": "{field} is at most {value}",
    },
}
# How a firm-profile field (questionnaires.profile.PROFILE_FIELDS) reads in a condition;
# booleans read as a statement and its negation. A test keeps this list complete.
FIELD_NAMES = {
    "sector": ("el sector", "the sector"), "ciiu": ("el código CIIU", "the CIIU code"),
    "size": ("el tamaño de la empresa", "the business size"),
    "employees": ("el número de trabajadores", "the number of employees"),
    "annual_sales_band": ("el rango de ventas anuales", "the annual sales band"),
    "department": ("el departamento", "the department"),
    "tax_regime": ("el régimen tributario", "the tax regime"),
    "association": ("la asociatividad", "the association type"),
    "years_operating": ("los años de operación", "the years in operation"),
}
BOOL_FIELDS = {
    "has_ruc": (("la empresa tiene RUC", "the business has a RUC"),
                ("la empresa no tiene RUC", "the business has no RUC")),
    "issues_e_invoices": (("la empresa emite comprobantes electrónicos", "the business issues e-invoices"),
                          ("la empresa no emite comprobantes electrónicos", "the business issues no e-invoices")),
    "exports": (("la empresa exporta", "the business exports"),
                ("la empresa no exporta", "the business does not export")),
    "export_intent": (("la empresa quiere exportar", "the business intends to export"),
                      ("la empresa no quiere exportar", "the business does not intend to export")),
}


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "es" else pair[1]


# --- conditions in plain words -------------------------------------------------------------------

Condition = Leaf | AllOf | AnyOf | Not


def describe_condition(condition: Condition, questionnaire: Questionnaire, lang: str,
                       ref: Callable[[Item], str] | None = None) -> str:
    """An `applies_if` in plain words, e.g. "marcó «Hospedaje…» en la pregunta P2".

    `ref` names a referenced item (default: its id); option labels are quoted as shown.
    """
    words = _WORDS[_lang(lang)]
    ref = ref or (lambda item: item.id)

    def quote(text: str) -> str:
        return f"«{text}»" if lang == "es" else f"“{text}”"

    def join(parts: Sequence[str], word: str) -> str:
        return word.join(parts)

    def leaf(node: Leaf) -> str:
        source, _, name = node.field.partition(".")
        values = node.value if isinstance(node.value, list) else [node.value]
        if source == "answer" and name in questionnaire:
            item = questionnaire.item(name)
            labels = [quote(item.option(v).label.get(lang)) if isinstance(v, str) and item.option(v)
                      else quote(str(v)) for v in values]
            template = words["not_answered"] if node.op == "ne" else words["answered"]
            return template.format(options=join(labels, words["or"]),
                                   question=words["question_ref"].format(ref=ref(item)))
        if name in BOOL_FIELDS and node.op in ("eq", "ne") and isinstance(node.value, bool):
            positive = node.value if node.op == "eq" else not node.value
            return _pick(BOOL_FIELDS[name][0 if positive else 1], lang)
        field = _pick(FIELD_NAMES.get(name, (name, name)), lang)
        shown = [words["true"] if v is True else words["false"] if v is False else str(v) for v in values]
        if node.op in (">=", "<="):
            return words["at_least" if node.op == ">=" else "at_most"].format(field=field, value=shown[0])
        template = words["is_not"] if node.op == "ne" else words["is"]
        return template.format(field=field, values=join(shown, words["or"]))

    def walk(node: Condition, nested: bool) -> str:
        if isinstance(node, Leaf):
            return leaf(node)
        if isinstance(node, Not):
            return words["not"] + walk(node.not_, True)
        children, word = (node.all_, words["and"]) if isinstance(node, AllOf) else (node.any_, words["or"])
        text = join([walk(c, True) for c in children], word)
        return f"({text})" if nested and len(children) > 1 else text

    return walk(condition, False)


# --- the answer template -------------------------------------------------------------------------

def options_text(item: Item, lang: str) -> str:
    """`id: label; id: label` in `lang`, reserved options (none, na, dk) included."""
    return "; ".join(f"{o.id}: {o.label.get(lang)}" for o in item.options)


def question_text(item: Item, questionnaire: Questionnaire, lang: str) -> str:
    """The question as the template shows it: the text, then when it applies and how to answer."""
    words = _WORDS[_lang(lang)]
    text = item.text.get(lang)
    if item.condition is not None:
        text += f" [{words['only_if']}: {describe_condition(item.condition, questionnaire, lang)}]"
    if item.multiple:
        text += f" [{words['answer_hint']}]"
    return text


def template_rows(questionnaire: Questionnaire, lang: str, firm: str = "") -> list[list[str]]:
    """The blank answer template: the header, then one row per item (profile items first)."""
    _lang(lang)
    rows = [list(COLUMNS)]
    for item in questionnaire.items:
        rows.append([firm, item.id, question_text(item, questionnaire, lang),
                     options_text(item, lang), "", "", ""])
    return rows


def defuse(value: Any) -> str:
    """A cell as plain text that no spreadsheet reads as a formula (a leading ' is added)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (RFC 4180, CRLF line ends, UTF-8 when encoded); every cell defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([defuse(cell) for cell in row])
    return buffer.getvalue()


def write_xlsx(rows: Sequence[Sequence[Any]], *, title: str = "answers",
               validations: dict[int, list[str]] | None = None, properties: dict[str, str] | None = None) -> bytes:
    """A workbook of `rows` (the first is the header): header styled and frozen with the first two
    columns, text wrapped, sensible widths; every cell stored as text (never a formula).

    `validations` maps a row index to the option ids its `answer` cell may take (a drop-down;
    lists longer than Excel's 255 characters are skipped).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for key, value in (properties or {}).items():
        setattr(workbook.properties, key, value)
    header = [str(c) for c in rows[0]] if rows else []
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = "" if value is None else str(value)
            cell.data_type = "s"          # text, even when it starts with "=": no formula
            if cell.value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True   # and Excel keeps it text when the cell is edited
            cell.alignment = wrap
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, grey
    for c, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = COLUMN_WIDTHS.get(name, 20)
    sheet.freeze_panes = "C2"
    if "answer" in header and validations:
        column = get_column_letter(header.index("answer") + 1)
        for r, ids in validations.items():
            formula = '"' + ",".join(ids) + '"'
            if len(formula) - 2 <= MAX_VALIDATION_LIST:
                rule = DataValidation(type="list", formula1=formula, allow_blank=True)
                rule.add(f"{column}{r + 1}")
                sheet.add_data_validation(rule)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(questionnaire: Questionnaire, lang: str, firm: str = "") -> str:
    """The answer template as CSV text."""
    return write_csv(template_rows(questionnaire, lang, firm))


def to_xlsx(questionnaire: Questionnaire, lang: str, firm: str = "") -> bytes:
    """The answer template as an XLSX workbook; single-answer items get a drop-down of option ids."""
    rows = template_rows(questionnaire, lang, firm)
    validations = {r: [o.id for o in item.options]
                   for r, item in enumerate(questionnaire.items, start=1) if not item.multiple}
    return write_xlsx(rows, title=questionnaire.id, validations=validations, properties={
        "title": questionnaire.title.get(lang), "subject": questionnaire.version,
        "language": lang, "creator": "Madurez 4.0"})


# --- the printable form --------------------------------------------------------------------------

def _md_line(text: str) -> str:
    # Keep our texts from turning into headings, lists or tables when they start a line.
    return "\\" + text if text.startswith(("#", "-", "+", "*", ">", "|")) else text


def to_markdown(questionnaire: Questionnaire, lang: str) -> str:
    """A readable, printable questionnaire: profile questions, then each dimension's items with
    help, advisor guidance, when they apply and their options (with ids, reserved ones too)."""
    words = _WORDS[_lang(lang)]
    numbers = {item.id: f"P{n}" for n, item in enumerate(questionnaire.items, start=1)}

    def ref(item: Item) -> str:
        return numbers[item.id]

    out = [f"# {questionnaire.title.get(lang)}", "",
           f"{words['version']}: `{questionnaire.version}` · {words['language']}: {lang}", "",
           _md_line(questionnaire.description.get(lang)), "", _md_line(words["how"]), ""]

    def item_block(item: Item) -> list[str]:
        kind = words["multiple"] if item.multiple else words["single"]
        lines = [f"### {numbers[item.id]}. {item.text.get(lang)}", "", f"`{item.id}` · {kind}", ""]
        if item.condition is not None:
            lines += [f"*{words['only_if']}: {describe_condition(item.condition, questionnaire, lang, ref)}.*", ""]
        if item.help is not None:
            lines += [_md_line(item.help.get(lang)), ""]
        if item.guidance is not None:
            lines += [f"> **{words['guidance']}:** {item.guidance.get(lang)}", ""]
        for option in item.options:
            label = option.label.get(lang)
            lines.append(f"- [ ] `{option.id}` — *{label}*" if option.id in (NA, DK, NONE) and option.reserved
                         else f"- [ ] `{option.id}` — {label}")
        return [*lines, ""]

    profile = [i for i in questionnaire.items if not i.scored]
    if profile:
        out += [f"## {words['profile']}", "", words["profile_intro"], ""]
        for item in profile:
            out += item_block(item)
    model = questionnaire.model
    for dimension in model.dimensions:
        items = questionnaire.dimension_items.get(dimension.id, ())
        if not items:
            continue
        out += [f"## {dimension.id} · {dimension.title.get(lang)}", "", _md_line(dimension.summary.get(lang)), ""]
        weight = questionnaire.dimension_weights[dimension.id]
        if dimension.id in questionnaire.weight_reasons:
            out += [f"**{words['weight']}: {weight:g}.** {questionnaire.weight_reasons[dimension.id].get(lang)}", ""]
        if dimension.id in questionnaire.critical_reasons:
            out += [f"**{words['critical']}.** {questionnaire.critical_reasons[dimension.id].get(lang)}", ""]
        elif dimension.id in questionnaire.critical:
            out += [f"**{words['critical']}.**", ""]
        for item in items:
            out += item_block(item)
    return "\n".join(out).rstrip("\n") + "\n"


FORMATS = {"md": to_markdown, "csv": to_csv, "xlsx": to_xlsx}


def export(questionnaire: Questionnaire, fmt: str, lang: str) -> str | bytes:
    """`md` or `csv` text, or `xlsx` bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return FORMATS[fmt](questionnaire, lang)
