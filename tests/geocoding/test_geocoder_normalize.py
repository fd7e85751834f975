from quartiers.geocoding.normalize import city_key, fold, normalize_street, rep_code
from quartiers.geocoding.query import drop_noise, split_number


def test_fold_removes_case_accents_punctuation_and_ligatures():
    assert fold("Rue de l'Église-Saint-Éloi") == "rue de l eglise saint eloi"
    assert fold("MARCQ-EN-BARŒUL") == "marcq en baroeul"
    assert fold("  Bd.   Jean–Baptiste  ") == "bd jean baptiste"


def test_abbreviations_are_expanded():
    assert normalize_street("Bd J. Jaurès") == "boulevard j jaures"
    assert normalize_street("av. du Gal de Gaulle") == "avenue du general de gaulle"
    assert normalize_street("R. St Pierre") == "rue saint pierre"
    assert normalize_street("pl Ste Barbe") == "place sainte barbe"
    assert normalize_street("chem. des Prés") == "chemin des pres"
    assert normalize_street("imp des Lilas") == "impasse des lilas"
    assert normalize_street("all. des Tilleuls") == "allee des tilleuls"
    assert normalize_street("fbg de Paris") == "faubourg de paris"
    assert normalize_street("rte de Lille") == "route de lille"
    assert normalize_street("sq Vauban") == "square vauban"
    assert normalize_street("qu des Hollandais") == "quai des hollandais"


def test_a_lone_letter_is_only_a_street_type_in_first_position():
    assert normalize_street("r Royale") == "rue royale"
    assert normalize_street("Rue Jean R") == "rue jean r"


def test_city_keys_meet():
    assert city_key("Villeneuve-d'Ascq") == city_key("VILLENEUVE D ASCQ") == "villeneuve d ascq"
    assert city_key("St-Omer") == city_key("Saint Omer")
    assert city_key("Calais Cedex") == "calais"
    assert city_key("Boulogne s/ Mer") == city_key("Boulogne-sur-Mer")
    assert city_key("Marcq-lez-Lille") == city_key("Marcq les Lille")


def test_rep_codes():
    assert rep_code("BIS") == "bis"
    assert rep_code("b") == "bis"
    assert rep_code("Ter") == "ter"
    assert rep_code("") == ""


def test_extra_words_are_dropped():
    words = "bat b appt 12 2e etage chez m et mme dupont 12 rue royale cedex bp 12".split()
    assert drop_noise(words) == ["12", "rue", "royale"]
    assert drop_noise("residence les lilas escalier 4 rue royale".split()) == [
        "residence",
        "les",
        "lilas",
        "rue",
        "royale",
    ]


def test_house_number_and_suffix_wherever_they_are():
    assert split_number("12 bis rue royale".split()) == (12, "bis", ["rue", "royale"], 0)
    assert split_number("12b rue royale".split()) == (12, "bis", ["rue", "royale"], 0)
    assert split_number("rue royale 12".split()) == (12, "", ["rue", "royale"], 0)
    assert split_number("rue royale 12 ter".split()) == (12, "ter", ["rue", "royale"], 0)
    assert split_number("rue du 11 novembre".split()) == (None, "", ["rue", "du", "11", "novembre"], 0)
    number, rep, words, lead = split_number("residence les lilas 18 rue roger".split())
    assert (number, rep, words, lead) == (18, "", ["rue", "roger", "residence", "les", "lilas"], 3)
