"""Generate a BAN-format address file and damaged queries for the geocoding benchmark.

    python bench/eligibility/make_ban.py OUT_DIR [--adresses 220000] [--requetes 12000] [--seed 7]

Writes OUT_DIR/adresses-bench.csv.gz (the exact header of the official `adresses-DD.csv`, `;`,
UTF-8), OUT_DIR/requetes.csv (`qid;query;postcode;city;expected_id;expected_street_key;tags`).

TEST MATERIAL. Communes are real (codes, names, postcodes, former « communes déléguées » and
positions from quartiers/data/admin/communes.json.gz, Loire-Atlantique and Maine-et-Loire, far from
the 59/62 development set); streets, numbers and positions are synthetic. Never use them as
addresses of these communes.

Damage is applied the way beneficiary files show it: abbreviations, missing accents, case, typos
(substitution, deletion, insertion, transposition, doubled letter), swapped first/last names, extra
words (bâtiment, appartement, étage, résidence, chez X, cedex), missing postcode, postcode or commune
only in the text, wrong postcode, number after the street, commune first, glued or spaced bis/ter,
wrong house number or none (then the expected answer is the street), former commune names.
"""

import argparse
import csv
import gzip
import json
import math
import random
import unicodedata
from pathlib import Path

from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = ROOT / "quartiers" / "data" / "admin" / "communes.json.gz"
HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
    "source_position;source_nom_voie;certification_commune;cad_parcelles"
).split(";")

TYPES = [
    ("Rue", 52),
    ("Avenue", 8),
    ("Impasse", 8),
    ("Chemin", 7),
    ("Allée", 6),
    ("Place", 4),
    ("Boulevard", 4),
    ("Route", 3),
    ("Résidence", 2),
    ("Square", 1.5),
    ("Quai", 1),
    ("Sentier", 1),
    ("Cours", 0.7),
    ("Passage", 0.7),
    ("Faubourg", 0.4),
    ("Rond-Point", 0.4),
    ("Venelle", 0.3),
]
FIRST = (
    "Jean Pierre Louis Paul Jacques Victor Émile Jules Henri Charles Georges André Marcel Auguste "
    "François Édouard Eugène Léon Gustave Albert Camille Marie Louise Jeanne Simone Suzanne Hélène "
    "Marguerite Lucie Germaine Anne Madeleine Berthe Joséphine Irène Yvonne Denise Aristide Ambroise"
).split()
LAST = (
    "Hugo Jaurès Pasteur Moulin Zola Gambetta Ferry Curie Clemenceau Briand Blum Péguy Daudet Racine "
    "Corneille Molière Voltaire Rousseau Lamartine Musset Verlaine Rimbaud Baudelaire Apollinaire "
    "Chateaubriand Flaubert Balzac Stendhal Proust Bizet Ravel Debussy Berlioz Massenet Fauré Renoir "
    "Monet Manet Cézanne Delacroix Courbet Rodin Carnot Grévy Doumer Poincaré Fallières Dupleix Cartier "
    "Surcouf Duguay-Trouin Bougainville Lapérouse Vauban Colbert Turgot Condorcet Lavoisier Ampère Arago "
    "Branly Marconi Tesla Fleming Calmette Guérin Roux Laennec Bichat Pinel Charcot Babinski Brétonneau "
    "Guist'hau Bréa Sarradin Goulaine Lecointre Bérengère Chevreul Gaudin Lemasson Pichery Tertre Gautier "
    "Rivière Boissière Lebreton Morvan Guérineau Métayer Bouvet Pasquier Marchand Cormerais Delaunay"
).split()
TITLES = [
    "Général de Gaulle",
    "Maréchal Leclerc",
    "Maréchal Foch",
    "Maréchal Juin",
    "Président Wilson",
    "Président Kennedy",
    "Commandant Charcot",
    "Capitaine Dreyfus",
    "Colonel Rémy",
    "Docteur Schweitzer",
    "Abbé Pierre",
    "Amiral Courbet",
    "Lieutenant Guillet",
    "Professeur Calmette",
]
SAINTS = "Jacques Nicolas Pierre Martin Michel Louis Joseph Antoine Laurent Clément Sébastien Julien".split()
SAINTES = "Anne Catherine Thérèse Marguerite Radegonde Geneviève".split()
NATURE = (
    "des Lilas|des Acacias|des Tilleuls|des Peupliers|des Chênes|des Érables|des Bouleaux|des Marronniers|"
    "des Roses|des Violettes|des Glycines|des Mimosas|des Hortensias|des Camélias|des Magnolias|des Saules|"
    "des Noisetiers|des Genêts|des Ajoncs|des Bruyères|des Pins|des Cèdres|des Pommiers|des Cerisiers|"
    "du Moulin|de la Gare|de l'Église|de la Mairie|des Écoles|du Château|de la Fontaine|du Lavoir|du Port|"
    "de la Poste|du Stade|du Marché|de la Liberté|de la République|de la Paix|de l'Égalité|des Vignes|"
    "du Bois|de la Forêt|des Prés|des Champs|du Coteau|de la Vallée|du Ruisseau|de la Rivière|des Sables|"
    "de la Croix|du Calvaire|du Prieuré|de l'Abbaye|des Mouettes|des Goélands|de la Loire|du Val|des Fours|"
    "de la Tannerie|des Tisserands|des Forges|des Artisans|du Commerce|de l'Industrie|des Vergers|du Pressoir"
).split("|")
DATES = ["du 8 Mai 1945", "du 11 Novembre", "du 14 Juillet", "du 19 Mars 1962", "du 4 Septembre", "du 18 Juin 1940"]
LIEUX = (
    "La Grande Noë|Le Bourg|La Haute Forêt|Les Landes|La Gaudinière|Le Plessis|La Métairie|Le Pâtis|La Croix "
    "Blanche|Les Rochettes|La Garenne|Le Chêne Vert|La Bréjonnière|Les Granges|La Ville au Chêne|Le Tertre"
).split("|")


def pick_type(rng):
    total = sum(w for _, w in TYPES)
    r = rng.uniform(0, total)
    for name, weight in TYPES:
        r -= weight
        if r <= 0:
            return name
    return "Rue"


def street_name(rng, other_communes):
    kind = rng.random()
    street_type = pick_type(rng)
    if kind < 0.38:
        body = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    elif kind < 0.48:
        body = rng.choice(LAST)
    elif kind < 0.56:
        body = rng.choice(TITLES)
    elif kind < 0.62:
        body = "Saint-" + rng.choice(SAINTS) if rng.random() < 0.7 else "Sainte-" + rng.choice(SAINTES)
    elif kind < 0.88:
        return f"{street_type} {rng.choice(NATURE)}"
    elif kind < 0.92:
        return f"{street_type} {rng.choice(DATES)}"
    else:
        target = rng.choice(other_communes)
        prep = "d'" if target[0] in "AEIOUÉÈ" else "de "
        return f"{street_type} {prep}{target}"
    prep = "du " if body.startswith(("Général", "Maréchal", "Président", "Commandant", "Capitaine", "Colonel")) else ""
    if body.startswith(("Docteur", "Professeur", "Lieutenant")):
        prep = "du "
    if body.startswith(("Abbé", "Amiral")):
        prep = "de l'"
    return f"{street_type} {prep}{body}"


def load_communes(count):
    import gzip as _gz

    data = json.load(_gz.open(COMMUNES))
    actual = [r for r in data if r["type"] == "commune-actuelle" and r["departement"] in ("44", "49") and r["lat"]]
    delegated = {}
    for r in data:
        if r["type"] == "commune-deleguee" and r.get("parent") and r["code"] != r["parent"]:
            delegated.setdefault(r["parent"], []).append(r)
    actual.sort(key=lambda r: -(r["population"] or 0))
    chosen = actual[: count - 10]
    with_old = [r for r in actual[count - 10 :] if r["code"] in delegated][:10]
    chosen += with_old
    return chosen, delegated


def generate(out_dir: Path, n_addresses=220_000, n_queries=12_000, seed=7, communes=60, departements_out=None):
    rng = random.Random(seed)
    chosen, delegated = load_communes(communes)
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    weights = [max(r["population"] or 1000, 1500) ** 0.8 for r in chosen]
    scale = n_addresses / sum(weights)
    names = [r["nom"] for r in chosen]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "adresses-bench.csv.gz"
    addresses = []  # (id, street key, number, rep, name, pc, insee, city, old insee, old name, lon, lat)
    streets = []
    fantoir_seen = set()
    for commune in chosen:
        target = int(weights.pop(0) * scale)
        olds = [o for o in delegated.get(commune["code"], []) if o["nom"]]
        pcs = commune["codesPostaux"] or ["00000"]
        used_names = set()
        made = 0
        while made < target:
            name = street_name(rng, [n for n in names if n != commune["nom"]])
            old = rng.choice(olds) if olds and rng.random() < 0.35 else None
            scope = old["code"] if old else commune["code"]
            if (scope, name) in used_names:
                continue
            used_names.add((scope, name))
            while True:
                key = f"{commune['code']}_{rng.choice('0123456789AB')}{rng.randrange(1000):03d}"
                if key not in fantoir_seen:
                    fantoir_seen.add(key)
                    break
            length = min(int(rng.paretovariate(1.3) * 6), 180)
            if name.split()[0] in ("Impasse", "Square", "Venelle", "Sentier", "Résidence"):
                length = min(length, 25)
            lon0 = commune["lon"] + rng.gauss(0, 0.012)
            lat0 = commune["lat"] + rng.gauss(0, 0.008)
            heading = rng.uniform(0, 6.283)
            pc = rng.choice(pcs)
            if old and len(pcs) > 1:
                pc = pcs[int(old["code"][-3:]) % len(pcs)]
            numbers = []
            n = 1 if rng.random() < 0.5 else 2
            while len(numbers) < max(length, 1):
                numbers.append((n, ""))
                r = rng.random()
                if r < 0.04:
                    numbers.append((n, "bis"))
                elif r < 0.05:
                    numbers.append((n, "ter"))
                n += rng.choice((1, 2, 2, 2, 2, 4, 6))
            for i, (number, rep) in enumerate(numbers):
                step = 0.00012 * i
                lon = round(lon0 + step * math.cos(heading) + rng.gauss(0, 0.00003), 6)
                lat = round(lat0 + step * math.sin(heading) * 0.65 + rng.gauss(0, 0.00002), 6)
                ban_id = f"{key}_{number:05d}" + (f"_{rep}" if rep else "")
                addresses.append((ban_id, key, number, rep, name, pc, commune["code"], commune["nom"], old, lon, lat))
            streets.append((key, name, commune, old, pc, [a for a in numbers]))
            made += len(numbers)
        # A few lieux-dits without any address (the BAN writes them with number 99999).
        for lieu in rng.sample(LIEUX, 2):
            key = f"{commune['code']}_{rng.choice('CDEF')}{rng.randrange(1000):03d}"
            if key in fantoir_seen:
                continue
            fantoir_seen.add(key)
            lon, lat = commune["lon"] + rng.gauss(0, 0.02), commune["lat"] + rng.gauss(0, 0.015)
            addresses.append(
                (
                    f"{key}_99999",
                    key,
                    99999,
                    "",
                    lieu,
                    pcs[0],
                    commune["code"],
                    commune["nom"],
                    None,
                    round(lon, 6),
                    round(lat, 6),
                )
            )
    with gzip.open(path, "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        for ban_id, key, number, rep, name, pc, insee, city, old, lon, lat in addresses:
            x, y = to_l93.transform(lon, lat)
            writer.writerow(
                [
                    ban_id,
                    key,
                    number,
                    rep,
                    name,
                    pc,
                    insee,
                    city,
                    old["code"] if old else "",
                    old["nom"] if old else "",
                    f"{x:.2f}",
                    f"{y:.2f}",
                    f"{lon:.6f}",
                    f"{lat:.6f}",
                    "entrée",
                    "",
                    "",
                    _afnor(city),
                    _afnor(name),
                    rng.choice(("commune", "cadastre", "arcep")),
                    "commune",
                    "1",
                    "",
                ]
            )
    real = sum(1 for a in addresses if a[2] != 99999)
    queries = make_queries(rng, streets, chosen, n_queries)
    with (out_dir / "requetes.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["qid", "query", "postcode", "city", "expected_id", "expected_street_key", "tags"])
        writer.writerows(queries)
    return path, out_dir / "requetes.csv", real, len(chosen)


def _afnor(text):
    return _strip(text).upper().replace("-", " ").replace("'", " ")


def _strip(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("œ", "oe")


ABBREV = {
    "Rue": ["R.", "R", "r"],
    "Avenue": ["Av.", "AV", "av", "Ave"],
    "Boulevard": ["Bd", "BD", "bd", "Bld", "Bvd", "boul."],
    "Place": ["Pl.", "PL", "pl"],
    "Impasse": ["Imp.", "IMP", "imp"],
    "Chemin": ["Ch.", "Chem.", "CHE", "chem"],
    "Allée": ["All.", "Al.", "all"],
    "Route": ["Rte", "RTE", "rte"],
    "Square": ["Sq.", "SQ", "sq"],
    "Quai": ["Qu.", "QU", "Q."],
    "Faubourg": ["Fbg", "FG", "fbg"],
    "Résidence": ["Rés.", "RES", "Resid."],
    "Sentier": ["Sent.", "SENT"],
    "Saint": ["St"],
    "Sainte": ["Ste"],
    "Général": ["Gal", "Gén.", "Gl"],
    "Maréchal": ["Mal", "Mar."],
    "Docteur": ["Dr"],
    "Professeur": ["Pr", "Prof."],
    "Président": ["Pdt", "Pdt."],
    "Commandant": ["Cdt", "Cmdt"],
    "Capitaine": ["Cne", "Capt."],
}
EXTRA_BEFORE = [
    "Bât. B",
    "Bâtiment C",
    "BAT A",
    "Appt 12",
    "appartement 3",
    "Résidence les Tilleuls",
    "Rés. du Parc",
    "Esc. 2",
    "chez M. Martin",
    "chez Mme Dupont",
    "C/O Mme Bernard",
    "Logement 14",
    "Entrée B",
]
EXTRA_AFTER = [
    "3e étage",
    "2ème étage",
    "RDC",
    "appt 4",
    "porte 12",
    "Bât. D",
    "esc B",
    "boîte 5",
    "CEDEX",
    "chez M. Petit",
]


def _typo(word, rng):
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    letters = "abcdefghijklmnoprstuv"
    if kind < 0.25:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if kind < 0.45:
        return word[:i] + word[i + 1 :]
    if kind < 0.65:
        return word[:i] + rng.choice(letters) + word[i:]
    if kind < 0.85:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def make_queries(rng, streets, communes, count):
    by_commune_pc = {c["code"]: c["codesPostaux"] for c in communes}
    all_pcs = sorted({pc for c in communes for pc in c["codesPostaux"]})
    rows = []
    for q in range(count):
        key, name, commune, old, pc, numbers = rng.choice(streets)
        tags = []
        number, rep = rng.choice(numbers)
        expected = f"{key}_{number:05d}" + (f"_{rep}" if rep else "")
        r = rng.random()
        if r < 0.06:
            number_text = ""
            expected = key
            tags.append("no_number")
        elif r < 0.10:
            existing = {n for n, _ in numbers}
            number = max(existing) + rng.randrange(2, 60)
            rep = ""
            expected = key
            tags.append("wrong_number")
        number_text = "" if "no_number" in tags else str(number)
        if rep and number_text:
            style = rng.random()
            if style < 0.4:
                number_text += " " + rep
            elif style < 0.7:
                number_text += rep[0].upper() if rng.random() < 0.5 else rep
                tags.append("rep_glued")
            else:
                number_text += " " + rep[0]
                tags.append("rep_spaced")
        street = name
        if rng.random() < 0.3:
            words = street.split(" ")
            for full, abbrs in ABBREV.items():
                for j, w in enumerate(words):
                    if w == full or w.startswith(full + "-"):
                        words[j] = w.replace(full, rng.choice(abbrs), 1)
            new = " ".join(words)
            if new != street:
                street = new
                tags.append("abbrev")
        if rng.random() < 0.2:
            words = street.split(" ")
            cands = [j for j, w in enumerate(words) if len(w) >= 4 and j > 0]
            if cands:
                j = rng.choice(cands)
                words[j] = _typo(words[j], rng)
                if rng.random() < 0.15 and len(cands) > 1:
                    k = rng.choice(cands)
                    words[k] = _typo(words[k], rng)
                street = " ".join(words)
                tags.append("typo")
        if rng.random() < 0.04:
            words = street.split(" ")
            if len(words) == 3 and words[1][0].isupper() and words[2][0].isupper():
                street = f"{words[0]} {words[2]} {words[1]}"
                tags.append("swap_words")
        city = commune["nom"]
        if old and rng.random() < 0.5:
            city = old["nom"]
            tags.append("old_city_name")
        postcode = pc
        if rng.random() < 0.03:
            postcode = rng.choice([p for p in all_pcs if p not in by_commune_pc[commune["code"]]] or [pc])
            tags.append("wrong_postcode")
        after = number_text and rng.random() < 0.05
        line = (
            f"{street} {number_text}"
            if after
            else (
                f"{number_text}, {street}" if number_text and rng.random() < 0.3 else f"{number_text} {street}".strip()
            )
        )
        if after:
            tags.append("order_num_after")
        if rng.random() < 0.12:
            if rng.random() < 0.5:
                line = (
                    f"{rng.choice(EXTRA_BEFORE)} {line}"
                    if rng.random() < 0.5
                    else f"{rng.choice(EXTRA_BEFORE)}, {line}"
                )
            else:
                line = f"{line} {rng.choice(EXTRA_AFTER)}"
            tags.append("extra_words")
        layout = rng.random()
        pc_col, city_col = postcode, city
        if layout < 0.15:
            line = f"{line} {postcode} {city}" if rng.random() < 0.8 else f"{postcode} {city}, {line}"
            pc_col = city_col = ""
            tags.append("loc_all_text")
        elif layout < 0.25:
            pc_col = ""
            tags.append("loc_city_col_only")
        elif layout < 0.32:
            city_col = ""
            tags.append("loc_pc_col_only")
        elif layout < 0.38:
            line = f"{line}, {city}"
            pc_col = city_col = ""
            tags.append("loc_city_text_only")
        if "wrong_postcode" in tags and "loc_pc_col_only" in tags:
            pc_col = pc  # a wrong postcode and no commune: nobody could find it
            tags.remove("wrong_postcode")
        case = rng.random()
        if case < 0.15:
            line, city_col = _strip(line), _strip(city_col)
            tags.append("no_accents")
        if case > 0.85:
            line, city_col = line.upper(), city_col.upper()
            tags.append("upper")
        elif 0.8 < case <= 0.85:
            line, city_col = line.lower(), city_col.lower()
            tags.append("lower")
        rows.append([f"g-{q + 1:05d}", line, pc_col, city_col, expected, key, "|".join(tags) or "clean"])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--adresses", type=int, default=220_000)
    parser.add_argument("--requetes", type=int, default=12_000)
    parser.add_argument("--communes", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path, queries, n, c = generate(args.out_dir, args.adresses, args.requetes, args.seed, args.communes)
    print(f"{path} : {n} adresses, {c} communes ; {queries}")


if __name__ == "__main__":
    main()
