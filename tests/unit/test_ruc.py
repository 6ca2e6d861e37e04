"""RUC validation with python-stdnum, normalisation and masking."""
import pytest

from maturity.firms.ruc import RucError, is_personal_ruc, mask_ruc, normalise_ruc


@pytest.mark.parametrize(("raw", "expected"), [
    ("20131312955", "20131312955"),            # SUNAT's own RUC
    (" 20131312955 ", "20131312955"),
    ("20-131312955", "20131312955"),
    ("2013 1312 955", "20131312955"),
    ("２０１３１３１２９５５", "20131312955"),  # full-width digits from a phone keyboard
    ("10400000048", "10400000048"),            # a natural person with business
])
def test_valid_rucs_are_normalised(raw, expected):
    assert normalise_ruc(raw) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("20131312954", "checksum"),   # wrong check digit
    ("30131312955", "prefix"),     # no such prefix
    ("2013131295", "length"),      # ten digits
    ("201313129555", "length"),    # twelve digits
    ("2013131295a", "format"),     # a letter
    ("RUC20131312955", "format"),
    ("", "format"),
    ("٢٠١٣١٣١٢٩٥٥", "format"),     # Arabic-Indic digits are digits, but not a RUC anyone types
    ("20131312955\x00", "format"),
])
def test_invalid_rucs_are_refused_with_a_reason(raw, code):
    with pytest.raises(RucError) as err:
        normalise_ruc(raw)
    assert err.value.code == code


def test_personal_rucs_are_masked_company_rucs_are_not():
    assert is_personal_ruc("10400000048") and not is_personal_ruc("20131312955")
    assert mask_ruc("10400000048") == "10*******48"
    assert mask_ruc("20131312955") == "20131312955"
    assert mask_ruc(None) == "-"
