"""Regenerates adresses-test.csv: a tiny BAN-format file for the geocoder tests.

TEST MATERIAL: the commune codes, names and postcodes are real, the streets, numbers and positions
are made up for the tests (some street names exist in these towns, their positions here are not
theirs). Never use this file as reference data. Run: python tests/geocoding/fixtures_ban/make_fixture.py
"""

import csv
from pathlib import Path

from pyproj import Transformer

HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
    "source_position;source_nom_voie;certification_commune;cad_parcelles;id_ban_adresse;id_ban_toponyme;"
    "id_ban_commune"
).split(";")

# (insee, commune, postcode, old insee, old name, street key, street name, numbers, origin lon/lat, nom_ld)
STREETS = [
    (
        "62193",
        "Calais",
        "62100",
        "",
        "",
        "0010",
        "Rue Royale",
        ["1", "2", "3", "5", "10", "10 bis", "12"],
        (1.8510, 50.9590),
        "",
    ),
    (
        "62193",
        "Calais",
        "62100",
        "",
        "",
        "0020",
        "Boulevard Jacquard",
        ["1", "4", "8", "15", "20"],
        (1.8560, 50.9520),
        "",
    ),
    (
        "62193",
        "Calais",
        "62100",
        "",
        "",
        "0030",
        "Rue Victor Hugo",
        ["2", "4", "12", "12 ter", "14"],
        (1.8700, 50.9480),
        "",
    ),
    ("62193", "Calais", "62100", "", "", "0040", "Place d'Armes", ["1", "6"], (1.8500, 50.9600), ""),
    ("62193", "Calais", "62100", "", "", "0050", "Avenue du Général Leclerc", ["5", "7", "9"], (1.8620, 50.9450), ""),
    ("62193", "Calais", "62100", "", "", "0060", "Impasse des Glycines", ["3"], (1.8800, 50.9420), ""),
    ("62193", "Calais", "62100", "", "", "0070", "Rue du 11 Novembre", ["3", "8"], (1.8650, 50.9550), ""),
    ("62193", "Calais", "62100", "", "", "0080", "Rue de Dunkerque", ["21", "23"], (1.8750, 50.9570), ""),
    ("62193", "Calais", "62100", "", "", "0090", "Rue Saint-Exupéry", ["18"], (1.8820, 50.9500), ""),
    ("62193", "Calais", "62100", "", "", "0100", "Chemin du Petit Courgain", ["4", "6"], (1.8300, 50.9500), ""),
    ("62193", "Calais", "62100", "", "", "0110", "Le Fort Nieulay", ["99999"], (1.8250, 50.9540), ""),
    ("62193", "Calais", "62100", "", "", "0120", "Rue des Prés", ["2"], (1.8350, 50.9530), "Le Beau Marais"),
    ("59183", "Dunkerque", "59140", "", "", "0200", "Rue Victor Hugo", ["1", "3", "12"], (2.3700, 51.0340), ""),
    ("59183", "Dunkerque", "59140", "", "", "0210", "Boulevard Sainte-Barbe", ["2", "4", "6"], (2.3650, 51.0300), ""),
    (
        "59183",
        "Dunkerque",
        "59430",
        "59540",
        "Saint-Pol-sur-Mer",
        "0220",
        "Rue de la République",
        ["7", "9"],
        (2.3450, 51.0300),
        "",
    ),
    (
        "59183",
        "Dunkerque",
        "59640",
        "59459",
        "Petite-Synthe",
        "0230",
        "Rue de la République",
        ["7", "40"],
        (2.3300, 51.0200),
        "",
    ),
    ("59183", "Dunkerque", "59140", "", "", "0240", "Quai des Hollandais", ["1", "2"], (2.3750, 51.0380), ""),
]


def rows():
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    for insee, commune, postcode, old_insee, old_name, key, name, numbers, (lon0, lat0), nom_ld in STREETS:
        for i, text in enumerate(numbers):
            number, _, rep = text.partition(" ")
            lon, lat = round(lon0 + 0.0004 * i, 6), round(lat0 + 0.0001 * i, 6)
            x, y = to_l93.transform(lon, lat)
            street = f"{insee}_{key}"
            ban_id = f"{street}_{int(number):05d}" + (f"_{rep}" if rep else "")
            yield [
                ban_id,
                street,
                number,
                rep,
                name,
                postcode,
                insee,
                commune,
                old_insee,
                old_name,
                f"{x:.2f}",
                f"{y:.2f}",
                f"{lon:.6f}",
                f"{lat:.6f}",
                "entrée",
                "",
                nom_ld,
                commune.upper(),
                name.upper(),
                "commune",
                "commune",
                "1",
                "",
                "",
                "",
                "",
            ]


if __name__ == "__main__":
    target = Path(__file__).with_name("adresses-test.csv")
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows())
    print(target)
