"""`quartiers eligibilite IN.csv -o OUT.csv`: QPV eligibility of a whole file, however large, on this machine."""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.core.tabular import TabularError
from quartiers.eligibility import answers
from quartiers.eligibility.batch import run_table
from quartiers.eligibility.files import StreamTable
from quartiers.geocoding import spatial

OPTIONS = {
    "adresse": "--adresse",
    "numero": "--numero",
    "code_postal": "--code-postal",
    "commune": "--commune",
    "lon": "--lon",
    "lat": "--lat",
}


def _n(value):
    return f"{value:,.0f}".replace(",", "\u202f")


class Progress:
    """A one-line progress bar on stderr (percent of the file read, rows, rows per second)."""

    def __init__(self, table, stream, enabled=True):
        self.table, self.stream, self.enabled = table, stream, enabled  # stream: the command's OutputWrapper
        self.size = max(1, table.path.stat().st_size)
        self.started = time.monotonic()

    def __call__(self, done, summary, names):
        if not self.enabled:
            return
        if self.table.xlsx:
            fraction = min(1.0, done / self.table.declared_rows) if self.table.declared_rows else 0.0
        else:
            fraction = min(1.0, self.table.bytes_read() / self.size)
        width = 30
        filled = int(fraction * width)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            ending="",
            msg=f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f} % — {_n(done)} lignes, "
            f"{_n(summary['en_qpv'])} en QPV, {_n(rate)} lignes/s",
        )
        self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Dit pour chaque adresse d'un fichier CSV ou XLSX si elle est dans un QPV (géocodage hors ligne). "
        "Les colonnes d'adresse sont reconnues par leur nom (adresse, numero, voie, code_postal, cp, commune, "
        "ville…) ou indiquées par les options. Le fichier est lu en flux : pas de limite de taille."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier CSV (tout encodage, séparateur détecté) ou XLSX")
        parser.add_argument("-o", "--sortie", required=True, help="Fichier CSV résultat (UTF-8, « ; »)")
        for key, flag in OPTIONS.items():
            parser.add_argument(flag, dest=key, default=None, help=f"Nom de la colonne « {key} »")
        parser.add_argument("--generation", type=int, default=None, help="Géographie : 2024 (par défaut) ou 2015")
        parser.add_argument("--separateur", default=None, help="Séparateur du CSV d'entrée (détecté sinon)")
        parser.add_argument(
            "--ligne-entetes", type=int, default=None, help="Numéro de la ligne des en-têtes (détectée sinon)"
        )
        parser.add_argument("--sans-progression", action="store_true", help="Pas de barre de progression")

    def handle(self, *args, **options):
        source = Path(options["fichier"])
        target = Path(options["sortie"])
        if not source.exists():
            raise CommandError(f"Fichier introuvable : {source}")
        try:
            table = StreamTable(source, delimiter=options["separateur"], header_line=options["ligne_entetes"])
        except TabularError as exc:
            raise CommandError(str(exc)) from None
        if table.header_line > 1:
            self.stderr.write(f"En-têtes lus à la ligne {table.header_line} (lignes de titre au-dessus ignorées).")
        if table.nul_bytes:
            self.stderr.write(f"Octets nuls (NUL) supprimés du fichier : {table.nul_bytes}.")
        mapping = self._mapping(table.headers, options)
        generation = self._generation(options["generation"])
        partial = target.with_name(target.name + ".part")
        progress = Progress(table, self.stderr, enabled=not options["sans_progression"])
        try:
            with open(partial, "wb") as out:
                summary = run_table(table, mapping, generation, out, on_chunk=progress)
        except TabularError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{exc} Aucun résultat n'a été écrit.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            progress.close()
        os.replace(partial, target)
        self.stdout.write(
            f"{summary['lignes']} lignes : {summary['en_qpv']} en QPV, {summary['hors_qpv']} hors QPV, "
            f"{summary['non_determine']} non déterminées (voir la colonne statut). Résultat : {target}"
        )
        if summary.get("indetermine"):
            self.stdout.write(
                f"{summary['indetermine']} indéterminée(s) faute de contours des QPV ({answers.IMPORT_QPV}) : "
                f"départements {', '.join(sorted(d or '?' for d in summary['sans_contours']))}."
            )
        if summary.get("ban_manquante"):
            self.stdout.write(
                f"{summary['ban_manquante']} introuvable(s) faute de BAN importée : "
                + " ; ".join(f"quartiers import-ban {d}" for d in sorted(summary["sans_ban"]) if d)
                + "."
            )
        for statut, n in sorted(summary["par_statut"].items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {statut} : {n} ({answers.STATUTS.get(statut, statut)})")

    def _mapping(self, headers, options):
        mapping = answers.detect_columns(headers)
        for key in OPTIONS:
            if options.get(key):
                if options[key] not in headers:
                    raise CommandError(
                        f"Colonne « {options[key]} » absente du fichier. Colonnes : {', '.join(headers)}."
                    )
                mapping[key] = options[key]
        if not (mapping.get("adresse") or mapping.get("commune") or (mapping.get("lon") and mapping.get("lat"))):
            raise CommandError(
                "Aucune colonne d'adresse reconnue : indiquez-la avec --adresse (et --code-postal, --commune). "
                f"Colonnes du fichier : {', '.join(headers)}."
            )
        self.stderr.write("Colonnes utilisées : " + ", ".join(f"{k} = « {v} »" for k, v in mapping.items()))
        return mapping

    def _generation(self, requested):
        generation = requested or answers.DEFAULT_GENERATION
        if generation not in answers.GENERATIONS:
            raise CommandError(f"Géographie {generation} non chargée ni proposée : 2024 (par défaut) ou 2015.")
        loaded = spatial.get_index().loaded
        if generation not in loaded:
            others = [str(g) for g in sorted(loaded, reverse=True)]
            self.stderr.write(
                f"Attention : aucun contour de QPV de la géographie {generation} n'est chargé "
                f"({answers.IMPORT_QPV}) ; les adresses seront indéterminées (statut contours_manquants)."
                + (f" Géographies chargées : {', '.join(others)} (--generation)." if others else "")
            )
        return generation
