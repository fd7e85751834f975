"""Benchmark of the resource library's French full-text search, on SQLite (FTS5) and PostgreSQL.

    .venv/bin/python bench/search/run.py [--docs 20000] [--queries 200] [--engines sqlite,postgresql]

For each engine, in a throw-away database (SQLite file under /tmp; PostgreSQL database
`quartiers_bench_search` on postgres://postgres@127.0.0.1:5432/, dropped and recreated):
generates N French documents (~2 KB each, politique de la ville vocabulary, Zipf-like word
frequencies, fixed seed), times the index build (`services.rebuild_index`), then runs Q queries
(1–3 words, phrases, accents and plurals) through the real QuerySet API —
`Document.objects.visible_to(user).search(q)[:20]` with excerpts, plus the count of the results
page up to its cap (`count_upto(201)`: « plus de 200 résultats »), as the list page runs it —
against a plain `icontains` scan (every word in title, summary or
text) in the same run.
Prints p50 / p95 latencies (ms), their ratio to the icontains peer, the mean number of matches, and on how
many queries the top 20 (and the capped count) equal an exhaustive ranking of every match computed
independently (every posting read without LIMIT, scored and sorted in Python).
The search is timed twice: first as a fresh process meets the queries (each word's postings read from the
database by its first query, resources/postings.py), then in steady state (kept in memory; the p50 / p95 of
the table), with the memory they take.
Targets: top 20 identical on every query, search p95 < 30 ms on both engines.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_DB = os.environ.get("BENCH_PG_DB", "quartiers_bench_search")
COUNT_CAP = 200  # as resources.listing.COUNT_CAP: the list page counts « plus de 200 »
SQLITE_FILE = Path(os.environ.get("BENCH_SQLITE", "/tmp/quartiers-bench-search/bench.sqlite3"))

FIELD = """quartier quartiers prioritaire prioritaires politique ville villes contrat contrats cohésion sociale
renouvellement urbain urbaine rénovation NPNRU ANRU démolition reconstitution offre requalification
résidentialisation relogement ménages bailleur bailleurs social sociaux logement logements habitat
gestion proximité GUP diagnostic marchant signalement propreté tranquillité TFPB abattement convention
emploi emplois francs insertion formation apprentissage jeunes jeunesse décrochage scolaire éducation
cités éducatives réussite éducative santé accès droits mobilité transport commerce développement
économique entreprises PAQTE achats inclusifs stages troisième égalité femmes hommes discriminations
citoyenneté conseil citoyens participation habitants associations appel projets programmation
subvention financement crédits droit commun engagement engagements signataires préfet délégué
intercommunalité EPCI commune communes agglomération métropole département région État partenaires
évaluation indicateurs observatoire revenus pauvreté chômage population diagnostic territorial
protocole PERR avenant révision pilotage comité technique animation réseau chefs projet rencontre
centre ressources mobilisation nationale pacte Dijon circulaire instruction orientations priorités
adultes relais médiation sécurité prévention délinquance culture sport vie associative numérique
inclusion illectronisme parentalité petite enfance crèche école collège lycée REP dédoublement classes""".split()
PLACES = """Calais Dunkerque Boulogne Hazebrouck Saint-Omer Lille Roubaix Tourcoing Lens Liévin Arras Amiens
Beauvais Creil Valenciennes Maubeuge Denain Douai Béthune Bruay Hénin-Beaumont Armentières Grande-Synthe
Outreau Saint-Quentin Soissons Laon Compiègne Abbeville Cambrai""".split()
COMMON = """le la les de des du un une et en à au aux pour par sur dans avec plus est sont a été être ont
qui que ce cette ces leur leurs son sa ses nous vous il elle ils elles se ne pas aussi ainsi afin lors
entre depuis dont où mais donc car comme tout tous toute toutes chaque autre autres même très bien
fait faire mise place œuvre suite cadre niveau partie ensemble travail action actions dispositif
dispositifs objectif objectifs mesure mesures année années temps situation besoin besoins question
questions réponse service services public publics acteur acteurs local locale locaux locales""".split()
PHRASES = [
    "contrat de ville",
    "quartier prioritaire",
    "gestion urbaine de proximité",
    "renouvellement urbain",
    "cités éducatives",
    "emplois francs",
    "droit commun",
    "conseil citoyens",
    "diagnostic en marchant",
    "appel à projets",
    "pacte de Dijon",
    "centre de ressources",
]
TYPES = ["compte_rendu", "point_actualite", "circulaire", "guide", "etude", "presentation", "autre"]


def zipf_sampler(words, rng, exponent=1.05):
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(words))]
    return lambda k: rng.choices(words, weights=weights, k=k)


def generate(n, seed=42):
    rng = random.Random(seed)
    field = FIELD[:]
    rng.shuffle(field)  # which field word is frequent is random, but fixed by the seed
    pick_field = zipf_sampler(field, rng)
    pick_common = zipf_sampler(COMMON, rng, 0.9)
    for _ in range(n):
        parts, size = [], 0
        while size < 1900:
            words = []
            for _ in range(rng.randint(10, 22)):
                r = rng.random()
                if r < 0.55:
                    words.append(pick_common(1)[0])
                elif r < 0.93:
                    words.append(pick_field(1)[0])
                elif r < 0.97:
                    words.append(rng.choice(PLACES))
                else:
                    words.append(rng.choice(PHRASES))
            sentence = " ".join(words).capitalize() + "."
            parts.append(sentence)
            size += len(sentence) + 1
        text = " ".join(parts)
        title = " ".join(pick_field(rng.randint(3, 7))).capitalize() + f" — {rng.choice(PLACES)}"
        summary = " ".join(pick_common(6) + pick_field(10))[:240].capitalize() + "."
        yield {
            "title": title[:300],
            "summary": summary,
            "text": text,
            "type": rng.choice(TYPES),
            "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "public": rng.random() < 0.7,
        }


def make_queries(n, seed=7):
    rng = random.Random(seed)
    variants = {"quartiers": "quartier", "prioritaires": "prioritaire", "rénovation": "renovation"}
    queries = []
    for i in range(n):
        kind = i % 10
        if kind < 4:
            q = rng.choice(FIELD)
        elif kind < 8:
            q = " ".join(rng.sample(FIELD, 2))
        elif kind == 8:
            q = f'"{rng.choice(PHRASES)}"'
        else:
            q = " ".join(rng.sample(FIELD, 2) + [rng.choice(PLACES)])
        for a, b in variants.items():
            if rng.random() < 0.3:
                q = q.replace(a, b)
        queries.append(q)
    return queries


# ---------------------------------------------------------------- one engine, in its own process


class BenchUser:
    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = 0


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_engine(engine, n_docs, n_queries, peer_queries=None, reuse=False):
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "quartiers.settings"
    os.environ.setdefault("QUARTIERS_VAR_DIR", "/tmp/quartiers-bench-search/var")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from quartiers.resources import services
    from quartiers.resources.models import Document

    call_command("migrate", "resources", verbosity=0)
    if reuse and Document.objects.count() == n_docs:
        return _measure(engine, n_docs, n_queries, peer_queries, 0.0, None)
    t0 = time.perf_counter()
    batch = []
    with transaction.atomic():
        for row in generate(n_docs):
            batch.append(Document(**row))
            if len(batch) == 2000:
                Document.objects.bulk_create(batch)
                batch = []
        Document.objects.bulk_create(batch)
    text_bytes = sum(len(d["text"].encode()) for d in generate(50)) / 50

    t0 = time.perf_counter()
    services.rebuild_index()
    index_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics and visibility maps (index-only scans of the postings), as autovacuum would give.
            for table in ("resources_document", "resources_searchposting", "resources_searchterm"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return _measure(engine, n_docs, n_queries, peer_queries, index_s, text_bytes)


def _measure(engine, n_docs, n_queries, peer_queries, index_s, text_bytes):
    from django.db import connection
    from django.db.models import Q

    from quartiers.resources.models import Document

    indexed = Document.objects.count()
    user = BenchUser()
    queries = make_queries(n_queries)

    def search_page(q):
        # As the list page does: long text deferred, 20 results with excerpts, then the total up to the cap.
        qs = Document.objects.visible_to(user).defer("text", "extracted_text").search(q)
        docs = list(qs[:20])
        for d in docs:
            str(d.excerpt)
        return qs.count_upto(COUNT_CAP + 1), docs

    def icontains_page(q):
        from quartiers.resources.text import parse_query

        words = [w for _kind, ws in parse_query(q) for w in ws] or [q]
        qs = Document.objects.visible_to(user)
        for w in words:
            qs = qs.filter(Q(title__icontains=w) | Q(summary__icontains=w) | Q(text__icontains=w))
        docs = list(qs.order_by("-date")[:20])
        return qs.count(), docs

    def exhaustive_top20(q):
        # Independent of search()'s page path: every posting of the query's words read without LIMIT, every
        # match scored and sorted here in Python (the phrases checked by the engine over the whole library).
        from quartiers.resources import ranking, search, text

        parsed = text.parse_query(q)
        stems = {text.stem(w) for _kind, words in parsed for w in words if w not in text.STOPWORDS}
        weights = ranking.term_weights(stems)
        if len(weights) < len(stems):
            return [], 0
        ids = {term.id: term.idf for term in weights.values()}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.document_id, p.term_id, p.impact, d.date FROM {ranking.POSTINGS} p "
                f"JOIN resources_document d ON d.id = p.document_id WHERE p.term_id IN ({', '.join(map(str, ids))})"
            )
            held = {}
            for pk, term_id, impact, day in cursor.fetchall():
                held.setdefault((pk, day), {})[term_id] = impact
            rows = [(sum(ids[t] * w[t] for t in ids), day, pk) for (pk, day), w in held.items() if len(w) == len(ids)]
            for _kind, words in parsed:
                if len(words) > 1:
                    phrase = search._engine_phrase(words, "default")
                    if connection.vendor == "postgresql":
                        tsquery = f"websearch_to_tsquery('{search.PG_CONFIG}', %s)"
                        sql = f"SELECT id FROM resources_document WHERE search_vector @@ {tsquery}"
                    else:
                        sql = f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s"
                    cursor.execute(sql, [phrase])
                    found = {r[0] for r in cursor.fetchall()}
                    rows = [r for r in rows if r[2] in found]
        rows.sort(reverse=True)
        return [r[2] for r in rows[:20]], len(rows)

    # A fresh process: every word's postings read from the database the first time a query needs them.
    from quartiers.resources import postings

    postings.clear()
    cold = []
    for q in queries:
        t0 = time.perf_counter()
        search_page(q)
        cold.append((time.perf_counter() - t0) * 1000)

    identical, totals = 0, []
    for q in queries:
        expected, total = exhaustive_top20(q)
        qs = Document.objects.visible_to(user).search(q)
        if [d.pk for d in qs[:20]] == expected and qs.count_upto(COUNT_CAP + 1) == min(total, COUNT_CAP + 1):
            identical += 1
        totals.append(total)

    results = {
        "identical": identical,
        "mean_matches": statistics.mean(totals),
        "cold": {"p50": percentile(cold, 50), "p95": percentile(cold, 95), "max": max(cold)},
    }
    for label, func in (("search", search_page), ("icontains", icontains_page)):
        for q in queries[:10]:
            func(q)  # warm caches
        times, hits = [], []
        # The peer scans every row: at 200,000 documents a few queries are enough for its figure.
        for q in queries if label == "search" else queries[:peer_queries]:
            t0 = time.perf_counter()
            count, _docs = func(q)
            times.append((time.perf_counter() - t0) * 1000)
            hits.append(count)
        if label == "search":
            slowest = sorted(zip(times, queries, strict=True), reverse=True)[:8]
            results["slowest"] = [(round(t, 1), q) for t, q in slowest]
        results[label] = {
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "max": max(times),
            "mean_hits": statistics.mean(hits),
        }
    results["kept_mb"] = postings.kept_bytes() / 2**20
    return {
        "engine": engine,
        "version": connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
        if engine == "sqlite"
        else _pg_version(connection),
        "docs": indexed,
        "avg_text_bytes": text_bytes,
        "index_s": index_s,
        **results,
    }


def _pg_version(connection):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def prepare_database(engine, reuse=False):
    if engine == "sqlite":
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm") if not reuse else ():
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_FILE}"
    import psycopg

    if not reuse:
        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_SERVER + PG_DB


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--peer-queries", type=int, default=None, help="icontains on the first N queries only")
    parser.add_argument("--reuse", action="store_true", help="keep a base already filled with --docs documents")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_engine(args.worker, args.docs, args.queries, args.peer_queries, args.reuse)))
        return

    rows = []
    for engine in args.engines.split(","):
        env = {**os.environ, "DATABASE_URL": prepare_database(engine, args.reuse), "DEBUG": "true"}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", engine, "--docs", str(args.docs), "--queries", str(args.queries)]
            + (["--peer-queries", str(args.peer_queries)] if args.peer_queries else [])
            + (["--reuse"] if args.reuse else []),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            sys.exit(f"échec du banc d'essai sur {engine}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"Recherche plein texte — {args.docs} documents (~2 Ko de texte chacun), {args.queries} requêtes\n")
    header = (
        f"{'moteur':<22}{'index':>10}{'recherche p50':>15}{'p95':>9}{'icontains p50':>15}{'p95':>9}"
        f"{'résultats moy.':>16}"
    )
    print(f"machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f}\n")
    print(header)
    print("-" * len(header))
    for r in rows:
        name = f"{r['engine']} {r['version']}"
        print(
            f"{name:<22}{r['index_s']:>9.1f}s{r['search']['p50']:>13.1f}ms{r['search']['p95']:>7.1f}ms"
            f"{r['icontains']['p50']:>13.1f}ms{r['icontains']['p95']:>7.1f}ms{r['mean_matches']:>16.0f}"
        )
    print("\n(recherche = 20 premiers résultats classés avec extraits surlignés + nombre de résultats jusqu'à 201 ;")
    print(" icontains = même filtre mot à mot sans index, trié par date ; insertion des documents non comptée)")
    if args.peer_queries:
        print(f"(icontains mesuré sur les {args.peer_queries} premières requêtes seulement)")
    for r in rows:
        print(
            f"{r['engine']} : top 20 identique au classement exhaustif sur {r['identical']}/{args.queries} requêtes"
            f" ; recherche p95 = {r['search']['p95'] / r['icontains']['p95']:.2f} × icontains p95"
        )
    for r in rows:
        print(
            f"{r['engine']} : premières recherches d'un processus neuf (entrées de chaque mot lues en base à sa "
            f"première requête) p50 {r['cold']['p50']:.1f} ms, p95 {r['cold']['p95']:.1f} ms, "
            f"max {r['cold']['max']:.1f} ms"
            f" ; entrées gardées en mémoire ensuite : {r['kept_mb']:.0f} Mo"
        )
    for r in rows:
        print(f"{r['engine']} : requêtes les plus lentes " + " ; ".join(f"{q} {t} ms" for t, q in r["slowest"]))
    ok = all(r["search"]["p95"] < 30 for r in rows)
    print(f"Objectif p95 < 30 ms (régime établi) : {'atteint' if ok else 'NON atteint'}")
    if os.environ.get("BENCH_DROP", "1") == "1" and "postgresql" in args.engines:
        import psycopg

        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
