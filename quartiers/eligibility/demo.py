"""Eligibility demo: real Occitanie QPV 2015 outlines answer real lookups; a small FICTIONAL address base lets
the batch page run end to end.

The address file is generated here, in the official BAN layout, for three real communes (Toulouse,
Montpellier, Perpignan) with fictional street names (« Rue de la Démonstration »…): it is demo material,
never addresses of these communes. It is imported only when no real BAN of these départements is loaded.
A sample beneficiaries file for the batch page is built from it (`sample_beneficiaries_csv`).
"""

import csv
import io
import math
import random
from pathlib import Path

from django.conf import settings

from quartiers.eligibility import answers
from quartiers.geocoding import spatial

DEMO_SOURCE = "adresses-demo-quartiers.csv"
BAN_HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;"
    "source_nom_voie;certification_commune;cad_parcelles"
).split(";")
# Real communes and real QPV 2015 codes (outlines shipped in quartiers/data/qpv/); fictional streets.
COMMUNES = [
    ("31555", "Toulouse", "31100", ["QP031007", "QP031006"]),
    ("34172", "Montpellier", "34080", ["QP034005", "QP034004"]),
    ("66136", "Perpignan", "66000", ["QP066007", "QP066005"]),
]
STREETS = [
    "Rue de la Démonstration",
    "Allée des Exemples",
    "Avenue du Jeu d'Essai",
    "Chemin de l'Échantillon",
    "Place de la Maquette",
    "Boulevard du Prototype",
    "Impasse de la Simulation",
    "Rue du Banc d'Essai",
]
MIRAIL = "QP031007"


def load_demo(stdout):
    index = spatial.get_index()
    if 2015 not in index.loaded:
        stdout.write(
            "Éligibilité : aucun contour de QPV 2015 chargé (données de référence des territoires) ; "
            "démonstration ignorée. Chargez-les avec « quartiers import-qpv --officiel »."
        )
        return
    _say_mirail(stdout, index)
    _load_demo_ban(stdout, index)


def _say_mirail(stdout, index):
    gen = index.generations[2015]
    if MIRAIL not in gen.codes:
        stdout.write(f"Éligibilité : le QPV {MIRAIL} (Grand Mirail) n'est pas chargé ; exemple ignoré.")
        return
    point = gen.geoms[gen.codes.index(MIRAIL)].representative_point()
    # The demo's outlines are Occitanie 2015 (see the GUIDE's demo geography): ask that generation.
    answer = answers.check_point(point.x, point.y, generation=2015)
    stdout.write(f"Éligibilité : au point ({point.x:.5f}, {point.y:.5f}) du Mirail — " + " ".join(answer.sentences))


def _load_demo_ban(stdout, index):
    from quartiers.geocoding import ban
    from quartiers.geocoding.models import BanDepartement

    deps = {insee[:2] for insee, *_ in COMMUNES}
    real = BanDepartement.objects.filter(code__in=deps).exclude(source=DEMO_SOURCE)
    if real.exists():
        stdout.write(
            "Éligibilité : une base d'adresses réelle est chargée pour 31/34/66 ; adresses fictives non importées."
        )
        return
    rows = demo_ban_rows(index)
    if not rows:
        stdout.write("Éligibilité : contours des QPV de démonstration absents ; adresses fictives non importées.")
        return
    folder = Path(settings.VAR_DIR) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_SOURCE
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(BAN_HEADER)
        writer.writerows(rows)
    ban.import_file(path)
    stdout.write(
        f"Éligibilité : {len(rows)} adresses FICTIVES (format BAN) importées pour Toulouse, Montpellier et Perpignan ; "
        "la page « Éligibilité » propose un fichier d'exemple à déposer."
    )


def demo_ban_rows(index=None):
    """Rows in the official BAN layout: for each commune, streets starting inside one of its QPVs and
    running outwards (so some numbers are in the QPV and some are not), deterministic."""
    from pyproj import Transformer

    index = index or spatial.get_index()
    gen = index.generations.get(2015)
    if gen is None:
        return []
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    rng = random.Random(20190125)
    rows = []
    for insee, name, postcode, qpvs in COMMUNES:
        starts = [gen.geoms[gen.codes.index(code)].representative_point() for code in qpvs if code in gen.codes]
        if not starts:
            continue
        for s, street in enumerate(STREETS):
            origin = starts[s % len(starts)]
            angle = rng.uniform(0, 2 * math.pi)
            fantoir = f"{insee}_d{s + 1:03d}"
            for number in range(1, 61):
                # 12 m between numbers, along the street; odd and even sides 15 m apart.
                along, side = (number // 2) * 12.0, 7.5 if number % 2 else -7.5
                dx = along * math.cos(angle) - side * math.sin(angle)
                dy = along * math.sin(angle) + side * math.cos(angle)
                lat = origin.y + dy / 111_320.0
                lon = origin.x + dx / (111_320.0 * math.cos(math.radians(origin.y)))
                x, y = to_l93.transform(lon, lat)
                rep = "bis" if number % 17 == 0 else ""
                rows.append(
                    [
                        f"{fantoir}_{number:05d}" + (f"_{rep}" if rep else ""),
                        fantoir,
                        number,
                        rep,
                        street,
                        postcode,
                        insee,
                        name,
                        "",
                        "",
                        f"{x:.2f}",
                        f"{y:.2f}",
                        f"{lon:.6f}",
                        f"{lat:.6f}",
                        "entrée",
                        "",
                        "",
                        name.upper(),
                        answers.normalise_header(street).replace("_", " ").upper(),
                        "commune",
                        "commune",
                        "0",
                        "",
                    ]
                )
    return rows


def sample_beneficiaries_csv():
    """A small beneficiaries file (CP1252, `;`, as Excel writes it) over the fictional demo addresses,
    damaged the way real files are (abbreviations, no accents, extra words, missing postcode)."""
    rng = random.Random(25)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Nom", "Prénom", "Adresse", "CP", "Ville", "Action"])
    first = ["Camille", "Dominique", "Karim", "Léa", "Mamadou", "Inès", "Hugo", "Yasmina", "Théo", "Nadia"]
    forms = [
        lambda n, s: f"{n} {s}",
        lambda n, s: f"{n} {s.replace('Rue', 'r.').replace('Avenue', 'av').replace('Boulevard', 'bd')}",
        lambda n, s: f"{n} {answers.normalise_header(s).replace('_', ' ')}",
        lambda n, s: f"Bât. B, appt {n + 3}, {n} {s}",
        lambda n, s: f"{s} {n}",
    ]
    for i in range(30):
        insee, city, postcode, _ = COMMUNES[i % len(COMMUNES)]
        street = STREETS[rng.randrange(len(STREETS))]
        number = rng.randint(1, 60)
        address = forms[i % len(forms)](number, street)
        writer.writerow(
            [
                f"Bénéficiaire {i + 1}",
                rng.choice(first),
                address,
                "" if i % 7 == 3 else postcode,
                city.upper(),
                "Atelier",
            ]
        )
    writer.writerow(["Bénéficiaire 31", "Sans", "", "", "", "Atelier"])
    return out.getvalue().encode("cp1252")
