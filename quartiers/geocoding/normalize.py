"""Text normalisation shared by the BAN index and the queries.

Both sides go through the same functions, so « Bd Jean-Baptiste Lebas », « BOULEVARD J.B. LEBAS » and
« boulevard jean baptiste lebas » meet on the same tokens. Everything is table-driven (`str.translate`,
dict look-ups) because it runs once per query and once per street at import: it must stay cheap.
"""

import re
import unicodedata


def _build_fold_table():
    """Lower case, accents off, ligatures split, every non-alphanumeric character turned into a space."""
    table = {}
    for code in range(0x250):
        char = chr(code)
        if char.isalnum():
            base = unicodedata.normalize("NFKD", char.lower())
            base = "".join(c for c in base if not unicodedata.combining(c))
            if base != char:
                table[code] = base
        elif char != " ":
            table[code] = " "
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    # Typographic apostrophes and dashes are frequent in copied addresses.
    for char in "’‘‛`´«»–—‐‑“”„…·":
        table[ord(char)] = " "
    table[ord("°")] = " "
    return table


FOLD = _build_fold_table()


def fold(text: str) -> str:
    """« Rue de l'Église-Saint-Éloi » → « rue de l eglise saint eloi » (single spaces)."""
    return " ".join(text.translate(FOLD).split())


# Street types and the usual ways people shorten them (La Poste's and everyone else's).
STREET_TYPES = {
    "rue": ("r", "ru"),
    "avenue": ("av", "ave", "avn", "aven", "avenu", "avnue"),
    "boulevard": ("bd", "bld", "blvd", "bvd", "boul", "bl", "boulev", "bouleva"),
    "place": ("pl", "plce"),
    "chemin": ("ch", "chem", "chm", "che", "chmn"),
    "impasse": ("imp", "impa", "ipasse"),
    "allee": ("all", "al", "alle", "allees"),
    "faubourg": ("fbg", "fg", "faub", "fbourg"),
    "route": ("rte", "rt"),
    "square": ("sq", "squ", "sqr"),
    "quai": ("qu", "q", "qai"),
    "residence": ("res", "resid", "rsd", "resi"),
    "sentier": ("sent", "sen", "sntr"),
    "cours": ("crs",),
    "passage": ("pass", "psg", "pge"),
    "promenade": ("prom",),
    "lotissement": ("lotiss", "lot"),
    "hameau": ("ham", "hame"),
    "cite": ("cit",),
    "voie": (),
    "ruelle": ("rle", "ruel"),
    "carrefour": ("carr", "crf"),
    "rond": (),
    "point": (),
    "parvis": ("parv",),
    "esplanade": ("esp", "espl"),
    "villa": ("vla",),
    "venelle": ("venel",),
    "domaine": ("dom", "dmne"),
    "chaussee": ("chs", "chau", "chaus"),
    "mail": (),
    "quartier": ("quart", "qrt"),
    "rocade": (),
    "clos": (),
    "cour": (),
    "terrasse": ("terr",),
    "galerie": ("gale",),
    "parc": (),
    "port": (),
    "zone": (),
    "hlm": (),
}

# Words inside names that people abbreviate.
NAME_ABBREVIATIONS = {
    "saint": ("st",),
    "sainte": ("ste",),
    "saints": ("sts",),
    "saintes": ("stes",),
    "general": ("gal", "gen", "gl", "genl"),
    "marechal": ("mal", "mar", "marech", "mchl"),
    "commandant": ("cdt", "cmdt", "cmt", "comdt"),
    "capitaine": ("cne", "cap", "capit", "cpt", "capt", "cap"),
    "colonel": ("col", "cel"),
    "lieutenant": ("lt", "ltn", "lieut"),
    "docteur": ("dr", "doct", "doc"),
    "professeur": ("pr", "prof"),
    "president": ("pdt", "pres", "presid"),
    "monseigneur": ("mgr",),
    "abbe": (),
    "chanoine": ("chan",),
    "notre": ("n",),
    "dame": ("d",),
    "frere": ("fr",),
    "freres": ("frs",),
    "sergent": ("sgt", "sgnt"),
    "adjudant": ("adj",),
    "amiral": ("am", "amr"),
    "ingenieur": ("ing",),
    "maitre": ("me",),
    "madame": ("mme",),
    "monsieur": ("mr", "m"),
    "mademoiselle": ("mlle", "melle"),
    "grande": ("gde", "gr"),
    "grand": ("gd", "grd"),
    "petite": ("pte",),
    "petit": ("pt",),
    "haut": (),
    "zone": (),
    "industrielle": ("ind", "indus"),
    "artisanale": ("art",),
    "centre": ("ctre", "cent"),
    "commercial": ("cial", "com"),
    "nationale": ("nat", "n"),
    "departementale": ("dep", "d"),
    "anciens": ("anc",),
    "combattants": ("comb", "combat"),
}

# Abbreviations that are safe everywhere in a query (a lone « r » is always « rue » in an address).
_TYPE_ABBREV = {abbr: full for full, abbrs in STREET_TYPES.items() for abbr in abbrs}
_NAME_ABBREV = {
    abbr: full
    for full, abbrs in NAME_ABBREVIATIONS.items()
    for abbr in abbrs
    if len(abbr) > 1 and abbr not in _TYPE_ABBREV
}
_NAME_ABBREV.update({"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"})
# Ambiguous short ones (« n », « d », « m », « pt », « ter »…) are only expanded by the street-type rule.
for _ambiguous in ("me", "am", "cap", "com", "art", "pres", "doc", "dep", "nat", "gr", "fr", "ind", "cent"):
    _NAME_ABBREV.pop(_ambiguous, None)

TYPE_WORDS = frozenset(STREET_TYPES)
STOP_WORDS = frozenset("de du des la le les l d a au aux en et sur sous lez les s un une the of".split())
_ELISION = re.compile(r"\b([ldjnms]|qu)'", re.IGNORECASE)

REPS = {
    "bis": "bis",
    "b": "bis",
    "ter": "ter",
    "t": "ter",
    "quater": "quater",
    "qua": "quater",
    "quat": "quater",
    "q": "quater",
    "quinquies": "quinquies",
    "c": "c",
    "a": "a",
    "d": "d",
}
REP_WORDS = frozenset({"bis", "ter", "quater", "quinquies"})


def expand_token(token: str, first: bool) -> str:
    """Expand one folded token: street types anywhere (first or not), name abbreviations anywhere."""
    full = _TYPE_ABBREV.get(token)
    if full is not None and (first or len(token) > 1):
        return full
    return _NAME_ABBREV.get(token, token)


def street_tokens(name: str) -> list[str]:
    """Tokens of a street name as stored in the index: folded, abbreviations expanded."""
    tokens = fold(name).split()
    return [expand_token(tok, i == 0) for i, tok in enumerate(tokens)]


def normalize_street(name: str) -> str:
    return " ".join(street_tokens(name))


def city_key(name: str) -> str:
    """« Villeneuve-d'Ascq », « VILLENEUVE D ASCQ », « St-Omer », « Boulogne s/ Mer » → one key."""
    tokens = fold(name).split()
    out = []
    last = len(tokens) - 1
    for i, tok in enumerate(tokens):
        if tok == "cedex":
            break
        if tok in CITY_WORDS:
            tok = CITY_WORDS[tok]
        elif tok == "s" and 0 < i < last:
            tok = "sur"  # « s/ »
        out.append(tok)
    return " ".join(out)


CITY_WORDS = {"st": "saint", "ste": "sainte", "lez": "les", "sts": "saints", "stes": "saintes"}


def rep_code(text: str) -> str:
    """BAN `rep` column (« bis », « B », « ter », « a »…) → the canonical suffix used in ids and matching."""
    token = fold(text)
    if not token:
        return ""
    return REPS.get(token, token)
