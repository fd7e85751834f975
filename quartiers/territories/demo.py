"""Reference data for `quartiers demo`: the whole bundled geography, loaded once per vintage.

`load_reference` is run by every `make demo`: it fingerprints the bundled files and returns at once
when that exact vintage is already loaded. Nothing here is invented: see quartiers/data/README.md.
"""

import hashlib
import time

from django.db import transaction

from quartiers.territories import importers
from quartiers.territories.models import QPV, IndicatorDefinition, IndicatorValue, Label, ReferenceLoad

LOADER_VERSION = "3"  # 3: commune values of pop_com and pop_com_qp
KEY = "territories.bundle"
# Vintages stated by the source of the Occitanie indicators (INSEE population 2015, Filosofi income 2017);
# the other columns carry no vintage in the source and are shown as « millésime non précisé ».
OCCITANIE_YEARS = {
    **dict.fromkeys(["pop_mun", "pop_com_qp", "pop_com"], 2015),
    **dict.fromkeys(["decuc_q2", "decuc_d1", "decuc_d9", "disp_q2", "disp_d1", "disp_d9", "tp60"], 2017),
}
OCCITANIE_SOURCE = "INSEE, CAF, Pôle emploi via ToulouseDataViz (Hackaviz 2021), Licence Ouverte 2.0"


def bundle_files():
    return sorted(p for p in importers.DATA.rglob("*") if p.is_file() and p.suffix != ".py")


def fingerprint():
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for path in bundle_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_reference(stdout):
    current = fingerprint()
    done = ReferenceLoad.objects.filter(key=KEY, fingerprint=current).first()
    if done is not None:
        stdout.write(f"Territoires : données de référence déjà chargées ({done.loaded_at:%d/%m/%Y %H:%M}).")
        return []
    started = time.monotonic()
    with transaction.atomic():
        reports = load_bundle()
        ReferenceLoad.objects.update_or_create(
            key=KEY, defaults={"fingerprint": current, "report": "\n".join(str(r) for r in reports)}
        )
    for report in reports:
        stdout.write(str(report))
    stdout.write(f"Territoires : données de référence chargées en {time.monotonic() - started:.1f} s.")
    return reports


def load_bundle():
    data = importers.DATA
    reports = list(importers.import_territoires())
    reports.append(importers.import_qpv(data / "qpv" / "qpv2024_liste.csv", 2024, source_label="ANCT, liste 2024"))
    reports.append(
        importers.import_qpv(
            data / "qpv" / "qpv2015_occitanie.geojson", 2015, source_label="ANCT via ToulouseDataViz (Occitanie)"
        )
    )
    reports.append(importers.import_npnru())
    reports.append(importers.import_contrats())
    reports.append(importers.import_labels(data / "programmes" / "cites_educatives.geojson", Label.Kind.CITE_EDUCATIVE))
    reports.append(importers.import_labels(data / "programmes" / "cites_emploi.geojson", Label.Kind.CITE_EMPLOI))
    reports.append(
        importers.import_indicateurs(
            data / "qpv" / "qpv2015_occitanie_indicateurs.csv", source_label=OCCITANIE_SOURCE, annees=OCCITANIE_YEARS
        )
    )
    add_commune_population()
    return reports


# Columns of the Occitanie file that describe the QPV's commune, not the QPV (same census, 2015): for a
# single-commune QPV they are that commune's values — `pop_com` is also the commune value of `pop_mun`.
COMMUNE_COLUMNS = {"pop_com": ("pop_mun", "pop_com"), "pop_com_qp": ("pop_com_qp",)}


def add_commune_population():
    """Commune values read from the file itself: the commune's population and its population in QPV."""
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=["pop_mun", "pop_com", "pop_com_qp"])}
    single = {
        q.code: q.communes.all()[0].insee
        for q in QPV.objects.filter(generation=2015).prefetch_related("communes")
        if len(q.communes.all()) == 1
    }
    values = IndicatorValue.objects.filter(indicator__code__in=COMMUNE_COLUMNS, level="qpv", code__in=single)
    rows = {}
    for v in values.select_related("indicator"):
        if v.valeur is None:
            continue
        for target in COMMUNE_COLUMNS[v.indicator.code]:
            if target in definitions:  # several QPVs of one commune carry the same commune figures
                rows[(target, single[v.code])] = IndicatorValue(
                    indicator=definitions[target], level="commune", code=single[v.code], valeur=v.valeur, annee=v.annee
                )
    IndicatorValue.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["indicator", "level", "code"],
        update_fields=["valeur", "annee"],
    )


def load_demo(stdout):
    count = QPV.objects.filter(code__in=["QN06253M", "QN06254M"]).count()
    stdout.write(f"Territoires : {count}/2 QPV de Calais de la démonstration présents (données de référence).")
