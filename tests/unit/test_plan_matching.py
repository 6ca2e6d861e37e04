"""Programme matching: firm profiles → programmes that MUST and MUST NOT be recommended (programmes.md).

Expectations are worked out by hand from the matching rules and the registry's eligibility data;
every firm answers at level 1 so each dimension needs help and only the gates decide.
"""
from __future__ import annotations

import pytest
from plan_support import TODAY, firm, plan_for, shipped

from maturity.plans import build_plan
from maturity.plans.facts import ANSWER_OPTIONS, firm_facts
from maturity.plans.inputs import DimensionState, PlanInput

QUESTIONNAIRES, CONTENT = shipped()

CASES = {
    # An informal micro-trader: formalise first; nothing that needs a RUC.
    "informal micro, no RUC": (
        firm(sector="retail", has_ruc=False, tax_regime="none", issues_e_invoices=False, years_operating=1),
        {"sunat-cpe", "tu-empresa", "ruta-digital"},
        {"pac", "peru-marketplace", "impulso-myperu", "factura-negociable", "proinnovate", "fondo-crecer",
         "drawback", "ruta-exportadora", "pai", "procompite", "startup-peru", "cite-produccion"}),
    # A RUC but paper receipts: CPE still recommended; factoring only one step away.
    "formal micro, no e-invoicing": (
        firm(issues_e_invoices=False),
        {"sunat-cpe", "impulso-myperu", "cite-textil-camelidos", "tu-empresa", "ruta-digital", "proinnovate",
         "fondo-crecer"},
        {"factura-negociable", "pac", "procompite", "drawback", "peru-marketplace", "cite-produccion"}),
    # A small agro-exporter in Ica with CPE: every export programme, drawback with its warning.
    "exporter": (
        firm(sector="agrifood", size="small", annual_sales_band="le1700uit", department="11", exports=True,
             years_operating=6),
        {"drawback", "ruta-exportadora", "peru-marketplace", "pai", "factura-negociable", "cite-agroindustrial",
         "impulso-myperu"},
        {"sunat-cpe", "cite-produccion", "procompite", "pac"}),
    # Declares the intent only: export-readiness programmes, never drawback (nothing exported yet).
    "export intent": (
        firm(sector="manufacturing", size="small", annual_sales_band="le1700uit", department="04",
             export_intent=True),
        {"ruta-exportadora", "peru-marketplace", "pai", "cite-produccion"},
        {"drawback"}),
    # A formal cheese cooperative in Cajamarca: group programmes open; no export ones.
    "cheese cooperative, Cajamarca": (
        firm(sector="agrifood", size="small", annual_sales_band="le1700uit", department="06",
             association="cooperative", issues_e_invoices=False, years_operating=10),
        {"procompite", "cite-agroindustrial", "pac", "sunat-cpe"},
        {"drawback", "peru-marketplace", "ruta-exportadora", "pai", "factura-negociable", "cite-produccion"}),
    # Informal alpaca artisans, organised in an association in Puno.
    "alpaca artisans' association, Puno": (
        firm(sector="handicrafts", department="21", association="association", has_ruc=False, tax_regime="none",
             issues_e_invoices=False),
        {"cite-artesania", "cite-textil-camelidos", "procompite", "sunat-cpe", "tu-empresa"},
        {"pac", "impulso-myperu", "peru-marketplace", "factura-negociable", "proinnovate", "cite-produccion"}),
    # A medium manufacturer in Lima: MIPYME programmes yes, MYPE-only ones no.
    "medium formal manufacturer, Lima": (
        firm(sector="manufacturing", size="medium", annual_sales_band="le2300uit", employees=60),
        {"cite-produccion", "proinnovate", "factura-negociable", "fondo-crecer"},
        {"impulso-myperu", "ruta-digital", "tu-empresa", "procompite", "pac", "drawback", "ruta-exportadora",
         "startup-peru"}),
    # A large exporter in a cluster: only what has no size limit.
    "large firm": (
        firm(sector="manufacturing", size="large", annual_sales_band="gt2300uit", employees=400, exports=True,
             association="cluster", tax_regime="rg"),
        {"factura-negociable", "drawback", "peru-marketplace"},
        {"impulso-myperu", "ruta-digital", "tu-empresa", "proinnovate", "pac", "pai", "cite-produccion",
         "fondo-crecer", "procompite", "ruta-exportadora", "startup-peru"}),
    # A tour operator in Cusco: the tourism CITE, no Red CITE fallback.
    "tourism, Cusco": (
        firm(sector="tourism", department="08"),
        {"cite-turismo", "impulso-myperu", "proinnovate", "factura-negociable"},
        {"cite-produccion", "citeccal", "drawback", "sunat-cpe", "cite-textil-camelidos"}),
    # A footwear workshop in La Libertad (El Porvenir): CITEccal, named in Trujillo.
    "footwear, La Libertad": (
        firm(sector="footwear", size="small", annual_sales_band="le1700uit", department="13"),
        {"citeccal", "factura-negociable", "impulso-myperu"},
        {"cite-produccion", "cite-madera", "pac", "procompite", "cite-textil-camelidos"}),
}


def _plan(profile):
    return plan_for(QUESTIONNAIRES, CONTENT, profile)


@pytest.mark.parametrize("name", CASES)
def test_profiles_get_exactly_the_programmes_they_can_enter(name):
    profile, must, must_not = CASES[name]
    shown = {m.programme.id for m in _plan(profile).programmes}
    assert must <= shown, f"{name}: missing {must - shown}"
    assert not must_not & shown, f"{name}: must not show {must_not & shown}"


def test_an_informal_firm_is_first_shown_how_to_formalise():
    plan = _plan(CASES["informal micro, no RUC"][0])
    assert [m.programme.id for m in plan.programmes[:2]] == ["sunat-cpe", "tu-empresa"]
    assert plan.programmes[0].reason.en.startswith("You do not have a RUC yet, so getting a RUC")
    assert plan.programmes[0].reason.es.startswith("Todavía no tiene RUC, así que sacar su RUC")


def test_one_step_away_names_the_step_and_never_two_steps():
    informal = _plan(CASES["informal micro, no RUC"][0])
    steps = {u.programme.id: u.step for u in informal.unlockable}
    assert steps["impulso-myperu"] == "ruc" and steps["procompite"] == "group"
    assert "pac" not in steps                  # RUC *and* a group: two steps
    assert "factura-negociable" not in steps   # RUC *and* e-invoicing: two steps
    assert "drawback" not in steps             # export is not a step the plan can suggest

    no_cpe = _plan(CASES["formal micro, no e-invoicing"][0])
    steps = {u.programme.id: u.step for u in no_cpe.unlockable}
    assert steps["factura-negociable"] == "e_invoicing"
    assert steps["pac"] == "group" and steps["procompite"] == "group"


def test_a_firm_working_alone_is_told_what_joining_a_group_opens_and_the_group_size_pac_needs():
    plan = _plan(CASES["medium formal manufacturer, Lima"][0])
    pac = next(u for u in plan.unlockable if u.programme.id == "pac")
    assert pac.step == "group"
    assert "You work alone today" in pac.text.en and "at least 5 formal businesses" in pac.text.en
    assert "Hoy trabaja solo" in pac.text.es and "al menos 5 empresas formales" in pac.text.es
    # PROCOMPITE is for MYPE groups: a medium firm is not told it is one step away.
    assert "procompite" not in {u.programme.id for u in plan.unlockable}


def test_reasons_say_which_conditions_the_firm_met():
    exporter = {m.programme.id: m for m in _plan(CASES["exporter"][0]).programmes}
    factoring = exporter["factura-negociable"]
    assert factoring.reason.en.startswith("You have a RUC and you issue electronic invoices and receipts, so ")
    assert factoring.reason.es.startswith("Tiene RUC y emite comprobantes electrónicos, así que ")
    assert factoring.gap == "M6"
    assert "there is a centre in your department (Ica)" in exporter["cite-agroindustrial"].reason.en
    assert exporter["ruta-exportadora"].reason.en.startswith("You already sell abroad, so ")

    intent = {m.programme.id: m for m in _plan(CASES["export intent"][0]).programmes}
    assert "you want to sell abroad" in intent["pai"].reason.en

    coop = {m.programme.id: m for m in _plan(CASES["cheese cooperative, Cajamarca"][0]).programmes}
    assert "you belong to a cooperative" in coop["procompite"].reason.en
    assert "forma parte de una cooperativa" in coop["procompite"].reason.es
    assert "its centres are in Oxapampa and Ica" in coop["cite-agroindustrial"].reason.en


def test_the_regional_cite_is_named_where_it_is_known():
    puno = {m.programme.id: m for m in _plan(CASES["alpaca artisans' association, Puno"][0]).programmes}
    assert "there is a centre in your department (Puno)" in puno["cite-textil-camelidos"].reason.en
    assert "hay una sede en su departamento (Puno)" in puno["cite-textil-camelidos"].reason.es
    trujillo = {m.programme.id: m for m in _plan(CASES["footwear, La Libertad"][0]).programmes}
    assert "(Trujillo)" in trujillo["citeccal"].reason.en
    lima_textiles = {m.programme.id: m for m in _plan(firm()).programmes}
    assert "its centres are in Arequipa, Cusco and Puno" in lima_textiles["cite-textil-camelidos"].reason.en


def test_check_entries_carry_a_warning_with_their_date_and_drawback_its_rate_check():
    plan = _plan(CASES["exporter"][0])
    for match in plan.programmes:
        if match.programme.status == "check":
            assert match.warning is not None
            assert "15 Feb 2026" in match.warning.en and "15/02/2026" in match.warning.es
    drawback = next(m for m in plan.programmes if m.programme.id == "drawback")
    assert "Check the current rate" in drawback.warning.en and "Verifique la tasa vigente" in drawback.warning.es
    active = next(m for m in plan.programmes if m.programme.id == "factura-negociable")
    assert active.programme.status == "active" and active.warning is None


def test_closed_programmes_are_never_shown():
    closed = CONTENT.programmes[0].model_copy(update={"status": "closed"})
    content = type(CONTENT)(**{**CONTENT.__dict__, "programmes": (closed, *CONTENT.programmes[1:])})
    profile = CASES["informal micro, no RUC"][0]
    assert "sunat-cpe" in {m.programme.id for m in _plan(profile).programmes}
    plan = plan_for(QUESTIONNAIRES, content, profile)
    assert "sunat-cpe" not in {m.programme.id for m in plan.programmes}


def test_a_programme_is_recommended_only_where_it_helps_a_gap():
    # Finance at the top of the ladder (plan level 4): the finance-only programmes have nothing to add.
    dims = tuple(DimensionState(d, "scored", 90.0 if d == "M6" else 30.0, 4 if d == "M6" else 1,
                                5 if d == "M6" else 2) for d in ("T3", "M6", "T5"))
    plan_input = PlanInput(sector="footwear", dimensions=dims, firm=firm(sector="footwear"))
    shown = {m.programme.id for m in build_plan(CONTENT, plan_input, today=TODAY).programmes}
    assert not shown & {"factura-negociable", "impulso-myperu", "fondo-crecer"}
    assert "citeccal" in shown


def test_unknown_profile_fields_are_read_from_the_answers():
    general = QUESTIONNAIRES["general"]
    assert all(set(options) <= {o.id for o in general.item(item).options} for item, options in ANSWER_OPTIONS.items())
    facts = firm_facts({}, {"common.m6.formality": "no_ruc", "common.m5.association": "member",
                            "common.m5.markets": "exports_some"}, "general")
    assert (facts.has_ruc, facts.e_invoicing, facts.association, facts.exports) == (False, False, "association", True)
    facts = firm_facts({"has_ruc": True}, {"common.t3.invoices": "software", "common.m6.formality": "no_ruc"}, "general")
    assert facts.has_ruc is True and facts.e_invoicing is True   # the profile wins over an answer
    assert firm_facts({}, {"common.m6.formality": "dk"}, "general").has_ruc is None
