"""The geocoding engine: BAN import, address reading and matching, point → QPV. No pages, forms or templates
(the eligibility product that uses it is `quartiers.eligibility`). Public surface: `geocoder` (get_geocoder,
Geocoder, GeocodeResult, invalidate), `ban` (imports), `spatial` (point → QPV), `coverage` (what is loaded)."""
