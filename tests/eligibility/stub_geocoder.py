"""A stand-in for the offline geocoder in view/batch tests: answers from a small dict, test addresses only.

It has the contract of `quartiers.geocoding.geocoder` (geocode, geocode_many, complete) so the eligibility
code is exercised exactly as with the real one; the real geocoder is tested with its own BAN fixture.
"""

from dataclasses import dataclass


@dataclass
class Result:
    id: str
    label: str
    score: float
    type: str
    lon: float
    lat: float
    postcode: str = "99100"
    citycode: str = "99001"
    city: str = "Testville"
    note: str = ""


ADDRESSES = {
    "12 rue du carre": Result("99001_0001_00012", "12 Rue du Carré 99100 Testville", 0.95, "numéro", 1.003, 45.003),
    "5 place du trou": Result("99001_0002_00005", "5 Place du Trou 99100 Testville", 0.93, "numéro", 1.005, 45.005),
    "3 chemin de l'ilot": Result(
        "99001_0003_00003", "3 Chemin de l'Îlot 99100 Testville", 0.9, "numéro", 1.032, 45.002
    ),
    "rue de l'ouest": Result(
        "99001_0004", "Rue de l'Ouest 99100 Testville", 0.7, "voie", 0.998, 45.005, note="numéro introuvable"
    ),
    "testville": Result("99001", "Testville", 0.5, "commune", 1.01, 45.01),
    "1 rue loin": Result("99002_0001_00001", "1 Rue Loin 99200 Ailleurs", 0.9, "numéro", 1.5, 45.5, citycode="99002"),
    "1 rue de calais": Result(
        "62193_0001_00001", "1 Rue de Calais 62100 Calais", 0.9, "numéro", 1.85, 50.95, "62100", "62193", "Calais"
    ),
    "1 avenue du large": Result("99003_0001_00001", "1 Avenue du Large", 0.9, "numéro", -30.0, 45.0),
}


def _key(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace(",", " ").split())


class StubGeocoder:
    def __init__(self):
        self.calls = 0

    def geocode(self, query, postcode="", city=""):
        self.calls += 1
        return ADDRESSES.get(_key(query))

    def geocode_many(self, queries):
        return [self.geocode(q, pc, c) for q, pc, c in queries]

    def complete(self, prefix, limit=8):
        key = _key(prefix)
        return [r for k, r in ADDRESSES.items() if k.startswith(key) or key in k][:limit]
