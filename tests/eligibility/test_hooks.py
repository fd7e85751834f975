"""eligibility.hooks: the counts other modules ask for (programming's QPV share of a bilan's beneficiaries)."""

from quartiers.eligibility import hooks
from tests.eligibility.stub_geocoder import ADDRESSES


def test_detect_address_columns_keeps_only_the_address_keys():
    assert hooks.detect_address_columns(["Nom", "Adresse", "CP", "Ville", "Latitude"]) == {
        "adresse": "Adresse",
        "code_postal": "CP",
        "commune": "Ville",
    }


def test_counts_inside_outside_and_undetermined(outlines, stub_geocoder):
    assert "12 rue du carre" in ADDRESSES and "rue de l'ouest" in ADDRESSES
    rows = [
        {"a": "12 rue du Carré"},  # inside the test square
        {"a": "5 place du Trou"},  # in its hole: outside
        {"a": "1 rue de Calais"},  # département 62: its outlines are not loaded
        {"a": ""},  # empty
    ]
    seen = []
    counts = hooks.count_in_qpv(rows, {"adresse": "a"}, on_progress=seen.append)
    assert (counts.inside, counts.outside, counts.undetermined, counts.total) == (1, 1, 2, 4)
    assert counts.missing_outlines == {"62": 1}
    assert counts.commands() == ["quartiers import-qpv --officiel"]
    assert seen == [4]


def test_without_any_address_base_everything_is_undetermined(db):
    counts = hooks.count_in_qpv(
        [{"adresse": "10 bis rue Royale", "cp": "62100"}], {"adresse": "adresse", "code_postal": "cp"}
    )
    assert (counts.inside, counts.outside, counts.undetermined) == (0, 0, 1)
