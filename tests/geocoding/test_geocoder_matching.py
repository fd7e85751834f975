"""Each kind of damage real beneficiary files show, on the small BAN-format test file."""

import threading

import pytest

from quartiers.geocoding.geocoder import Geocoder, get_geocoder, invalidate
from tests.geocoding.ban_fixture import load_test_ban, test_ban  # noqa: F401


def ids(geocoder, *queries):
    return [getattr(geocoder.geocode(*q if isinstance(q, tuple) else (q,)), "id", None) for q in queries]


@pytest.mark.parametrize(
    "query, postcode, city, expected",
    [
        ("10 bis Rue Royale", "62100", "Calais", "62193_0010_00010_bis"),  # clean
        ("10 BIS RUE ROYALE", "62100", "CALAIS", "62193_0010_00010_bis"),  # upper case
        ("10b r royale", "62100", "calais", "62193_0010_00010_bis"),  # glued suffix, abbreviation
        ("10 b, R. Royale", "", "Calais", "62193_0010_00010_bis"),  # spaced letter suffix
        ("12 ter rue victor hugo", "62100", "Calais", "62193_0030_00012_ter"),
        ("12 Rue Victr Hugo", "62100", "Calais", "62193_0030_00012"),  # typo
        ("12 Rue Vicotr Hugoo", "62100", "Calais", "62193_0030_00012"),  # two typos
        ("12 Rue Hugo Victor", "62100", "Calais", "62193_0030_00012"),  # swapped words
        ("15 Bd Jacquard", "62100", "Calais", "62193_0020_00015"),  # abbreviation
        ("15 bvd jacquard", "", "calais", "62193_0020_00015"),
        ("5 av du Gal Leclerc", "62100", "Calais", "62193_0050_00005"),  # name abbreviation
        ("5 Avenue du General Leclerc", "62100", "Calais", "62193_0050_00005"),  # no accents
        ("18 r St Exupery", "62100", "Calais", "62193_0090_00018"),
        ("3 imp des Glycines", "62100", "Calais", "62193_0060_00003"),
        ("2 qu des Hollandais", "59140", "Dunkerque", "59183_0240_00002"),
        ("Bât. B appt 12, 2e étage, 12 Rue Victor Hugo", "62100", "Calais", "62193_0030_00012"),  # extra words
        ("chez M. Dupont 4 bd Jacquard", "62100", "Calais", "62193_0020_00004"),
        ("Rue Victor Hugo 12", "62100", "Calais", "62193_0030_00012"),  # number after the street
        ("Rue Victor Hugo 12", "59140", "Dunkerque", "59183_0200_00012"),  # same street, other town
        ("12 rue Victor Hugo 59140 Dunkerque", "", "", "59183_0200_00012"),  # all in the text
        ("12 rue Victor Hugo, Calais", "", "", "62193_0030_00012"),  # city in the text only
        ("62100 Calais, 12 rue Victor Hugo", "", "", "62193_0030_00012"),  # city first
        ("12 rue Victor Hugo", "62100", "", "62193_0030_00012"),  # postcode only
        ("12 rue Victor Hugo", "59999", "Calais", "62193_0030_00012"),  # wrong postcode
        ("12 rue Victor Hugo 59140", "", "Calais", "62193_0030_00012"),  # wrong postcode in the text
        ("9 rue de la République", "", "Saint-Pol-sur-Mer", "59183_0220_00009"),  # old commune name
        ("7 rue de la Republique", "59640", "Petite-Synthe", "59183_0230_00007"),
        ("23 rue de Dunkerque", "62100", "Calais", "62193_0080_00023"),  # a town name inside the street
        ("3 rue du 11 Novembre", "62100", "Calais", "62193_0070_00003"),  # a number inside the street
        ("Rue du 11 Novembre", "62100", "Calais", "62193_0070"),
        ("12rue victor hugo", "", "Calais", "62193_0030_00012"),  # number glued to the street type
        ("12 rue victor hugo", "", "Dunkerke", "59183_0200_00012"),  # commune written as heard
        ("12 rue victor hugo dunkerke", "", "", "59183_0200_00012"),
        ("12 rue victor hugo", "59140 Dunkerque", "", "59183_0200_00012"),  # both in one column
        ("12 rue victor hugo", "", "59140 Dunkerque", "59183_0200_00012"),
        ("n° 12, rue V. Hugo", "62100", "Calais", "62193_0030_00012"),  # initial
        ("Résidence les Mouettes, 4 bd Jacquard", "62100", "Calais", "62193_0020_00004"),  # building name
        ("20 bd Jacquard résidence Royale", "62100", "Calais", "62193_0020_00020"),
        ("12, RUE VICTOR HUGO - 62100 - CALAIS", "", "", "62193_0030_00012"),
        ("Appt 12 Bât B Résidence Les Mouettes 4 boulevard Jacquard 62100 CALAIS CEDEX", "", "", "62193_0020_00004"),
        ("4 Bld Jacquart BP 45", "62100", "Calais", "62193_0020_00004"),
        ("4 boulevard jaquard", "", "CALAIS CEDEX", "62193_0020_00004"),
    ],
)
def test_damaged_queries_find_the_address(test_ban, query, postcode, city, expected):  # noqa: F811
    result = test_ban.geocode(query, postcode, city)
    assert result is not None
    assert result.id == expected, result


def test_result_fields(test_ban):  # noqa: F811
    result = test_ban.geocode("10 bis rue royale", "62100", "Calais")
    assert result.type == "numéro"
    assert result.label == "10 bis Rue Royale 62100 Calais"
    assert (result.postcode, result.citycode, result.city) == ("62100", "62193", "Calais")
    assert result.lon == pytest.approx(1.853, abs=1e-6)
    assert result.lat == pytest.approx(50.9595, abs=1e-6)
    assert 0.9 <= result.score <= 1.0
    assert result.note == ""


def test_missing_number_falls_back_to_the_street_and_says_so(test_ban):  # noqa: F811
    result = test_ban.geocode("99 rue Royale", "62100", "Calais")
    assert (result.id, result.type) == ("62193_0010", "voie")
    assert result.note == "numéro absent de la base : position de la voie"
    assert result.score < 0.95
    no_number = test_ban.geocode("rue Royale", "62100", "Calais")
    assert (no_number.id, no_number.type) == ("62193_0010", "voie")


def test_missing_suffix_falls_back_to_the_plain_number(test_ban):  # noqa: F811
    result = test_ban.geocode("5 ter rue Royale", "62100", "Calais")
    assert result.id == "62193_0010_00005"
    assert "ter" in result.note


def test_unknown_street_falls_back_to_the_commune(test_ban):  # noqa: F811
    result = test_ban.geocode("8 rue des Zinnias Bleus", "62100", "Calais")
    assert (result.id, result.type) == ("62193", "commune")
    assert result.note == "voie introuvable : position de la commune"


def test_lieu_dit(test_ban):  # noqa: F811
    result = test_ban.geocode("Le Fort Nieulay", "", "Calais")
    assert (result.id, result.type) == ("62193_0110", "lieu-dit")
    assert result.lon == pytest.approx(1.825)
    by_complement = test_ban.geocode("2 Le Beau Marais", "62100", "Calais")
    assert by_complement.id == "62193_0120_00002"


def test_nothing_to_find(test_ban):  # noqa: F811
    assert test_ban.geocode("") is None
    assert test_ban.geocode("   ", "", "") is None
    assert test_ban.geocode("Zzzz qqqq") is None


def test_geocode_many_keeps_order(test_ban):  # noqa: F811
    results = test_ban.geocode_many(
        [("12 rue Victor Hugo", "59140", "Dunkerque"), ("", "", ""), ("1 rue royale", "", "Calais")]
    )
    assert [r.id if r else None for r in results] == ["59183_0200_00012", None, "62193_0010_00001"]


def test_completion(test_ban):  # noqa: F811
    labels = [r.label for r in test_ban.complete("12 rue vict")]
    assert "12 Rue Victor Hugo 62100 Calais" in labels
    assert "12 Rue Victor Hugo 59140 Dunkerque" in labels
    only_calais = [r.label for r in test_ban.complete("rue victor hugo cal")]
    assert only_calais == ["Rue Victor Hugo 62100 Calais"]
    assert test_ban.complete("") == []
    assert len(test_ban.complete("rue", limit=3)) == 3


def test_empty_base_answers_nothing(db):
    invalidate()
    assert get_geocoder().geocode("12 rue Victor Hugo", "62100", "Calais") is None
    assert Geocoder().complete("rue") == []


def test_singleton_reloads_after_import_and_is_shared_by_threads(db, settings):
    invalidate()
    empty = get_geocoder()
    assert empty.address_count == 0
    load_test_ban()
    loaded = get_geocoder()
    assert loaded is not empty and loaded.address_count > 40
    settings.GEOCODING_INDEX_CHECK_SECONDS = 3600  # the threads below must not need the database
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get_geocoder())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(g is loaded for g in seen)
    invalidate()


def test_arrondissements(db, tmp_path):
    """Paris, Lyon and Marseille are in the BAN by arrondissement; people write « Paris » or « Paris 15 »."""
    from quartiers.geocoding import ban
    from tests.geocoding.ban_fixture import TEST_BAN

    header = TEST_BAN.read_text(encoding="utf-8").splitlines()[0]
    row = "{id};{key};{num};;Rue de Vaugirard;{pc};{insee};{name};;;;;{lon};48.84;entrée;;;PARIS;;;;;;;;"
    lines = [
        header,
        row.format(
            id="75115_9757_00300",
            key="75115_9757",
            num=300,
            pc="75015",
            insee="75115",
            name="Paris 15e Arrondissement",
            lon=2.30,
        ),
        row.format(
            id="75106_9757_00020",
            key="75106_9757",
            num=20,
            pc="75006",
            insee="75106",
            name="Paris 6e Arrondissement",
            lon=2.33,
        ),
        row.format(
            id="75101_1000_00002",
            key="75101_1000",
            num=2,
            pc="75001",
            insee="75101",
            name="Paris 1er Arrondissement",
            lon=2.34,
        ).replace("Rue de Vaugirard", "Rue de Rivoli"),
    ]
    path = tmp_path / "adresses-75.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ban.import_file(path)
    geocoder = get_geocoder()
    assert geocoder.geocode("300 rue de Vaugirard", "", "Paris").id == "75115_9757_00300"
    assert geocoder.geocode("20 rue de Vaugirard", "75006", "PARIS").id == "75106_9757_00020"
    assert geocoder.geocode("300 rue de Vaugirard Paris 15").id == "75115_9757_00300"
    assert geocoder.geocode("2 rue de Rivoli", "", "Paris 1er").id == "75101_1000_00002"
