"""The offline geocoder: reads a query (`query`), finds its commune (`cities`), its street (`streets`)
and its number (`addresses`) in the `AddressBase` built from the imported BAN (`index`)."""

import logging
from collections.abc import Iterable

from . import addresses, cities, completion, streets
from .index import AddressBase
from .normalize import city_key
from .query import read_query, split_columns
from .results import GeocodeResult


class Geocoder(AddressBase):
    """Immutable once built: safe to share between threads."""

    def geocode(self, query: str, postcode: str = "", city: str = "") -> GeocodeResult | None:
        try:
            return self._geocode(query or "", postcode or "", city or "")
        except Exception:  # a query must never crash a batch of 100,000 rows
            logging.getLogger(__name__).exception("géocodage impossible pour %r", query)
            return None

    def geocode_many(self, rows: Iterable[tuple[str, str, str]]) -> list[GeocodeResult | None]:
        return [self.geocode(*row) for row in rows]

    def complete(self, prefix: str, limit: int = 8) -> list[GeocodeResult]:
        """Suggestions while typing: the last word may be an incomplete street word or commune name."""
        try:
            return completion.suggest(self, prefix, limit)
        except Exception:  # typing must never break the page
            logging.getLogger(__name__).exception("complétion impossible pour %r", prefix)
            return []

    # ------------------------------------------------------------------ query reading

    def _geocode(self, query, postcode, city):
        if not self.street_key:
            return None
        tokens, pc_positions, text_pcs = read_query(query)
        col_pcs, city = split_columns(postcode, city)
        col_city = city_key(city) if city else ""
        pcs = col_pcs + text_pcs
        pc_communes = {c for pc in pcs for c in self.postcode_index.get(pc, ())}
        col_communes = cities.city_communes(self, col_city, pc_communes) if col_city else []
        span = cities.find_city_span(self, tokens, pc_positions, misspelt=not col_city and not pcs)
        attempts = self._attempts(tokens, span, pc_positions, col_communes, pc_communes)
        best = None
        for street_tokens, communes in attempts:
            found = streets.match(self, street_tokens, communes, pc_communes, pcs=pcs)
            if found and (best is None or found[0] > best[0]):
                best = found
            if best and best[0] >= 0.82:
                break
        if best is None or best[0] < 0.85:
            # No commune known, or nothing good in it: the whole base, the communes named first.
            named = {c for c, _ in col_communes} | ({c for c, _ in span[2]} if span else set())
            evidence = (named | pc_communes, bool(named))
            found = streets.match(self, attempts[0][0] if attempts else tokens, None, pc_communes, evidence, pcs)
            if found and (best is None or found[0] > best[0] + 0.05):
                best = found
        if best is None or best[0] < 0.5:
            commune = cities.commune_guess(col_communes, span, pc_communes)
            return addresses.commune_result(self, commune, pcs) if commune is not None else None
        return addresses.street_result(self, best)

    def _attempts(self, tokens, span, pc_positions, col_communes, pc_communes):
        """(street words, communes) to try in turn. A commune name found in the text is taken out of
        the street words unless the columns name another commune (then it may be part of the street:
        « rue de Lille » in Roubaix)."""
        by_postcode = [(c, "") for c in sorted(pc_communes)]
        attempts = []
        if span is not None:
            start, end, span_communes = span
            stripped = tokens[:start] + tokens[end:]
            span_set = {c for c, _ in span_communes}
            adjacent = start in pc_positions or end in pc_positions
            if col_communes:
                agree = span_set & {c for c, _ in col_communes}
                if agree or adjacent:
                    attempts.append((stripped, col_communes if agree else span_communes))
                attempts.append((tokens, col_communes))
                if not agree:
                    attempts.append((stripped, span_communes))
            elif adjacent or not pc_communes or span_set & pc_communes or start == 0:
                attempts.append((stripped, span_communes))
            else:
                attempts.append((tokens, by_postcode))
                attempts.append((stripped, span_communes))
        elif col_communes:
            attempts.append((tokens, col_communes))
        if pc_communes:
            # A wrong commune, or one outside the base: the postcode's communes are the next guess.
            attempts.append((tokens, by_postcode))
        return attempts
