"""What a geocoder answers: one `GeocodeResult`, the same for the offline index and the online backend."""

from dataclasses import dataclass

NOTE_NO_NUMBER = "numéro absent de la base : position de la voie"
NOTE_NO_STREET = "voie introuvable : position de la commune"
NOTE_STREET_ONLY = "pas de numéro dans l'adresse : position de la voie"
NOTE_REP_MISSING = "indice de répétition ({rep}) absent de la base : numéro sans indice"


@dataclass
class GeocodeResult:
    id: str
    label: str
    score: float
    type: str  # « numéro », « voie », « lieu-dit » or « commune »
    lon: float
    lat: float
    postcode: str
    citycode: str
    city: str
    note: str = ""
