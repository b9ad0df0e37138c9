"""Real cities at their real coordinates, and points scattered around them."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat: float
    lng: float
    currency: str
    areas: tuple[str, ...]


#: Real cities with real coordinates (city centres, WGS84 degrees).
CITIES: tuple[City, ...] = (
    City("Dublin", "IE", 53.349805, -6.260310, "EUR", ("Temple Bar", "Portobello", "Smithfield")),
    City("Cork", "IE", 51.896892, -8.486316, "EUR", ("Shandon", "Docklands", "Blackrock")),
    City("Galway", "IE", 53.270668, -9.056791, "EUR", ("Salthill", "Latin Quarter")),
    City("London", "GB", 51.507351, -0.127758, "GBP", ("Shoreditch", "Peckham", "Camden")),
    City("Manchester", "GB", 53.480759, -2.242631, "GBP", ("Ancoats", "Northern Quarter")),
    City("Paris", "FR", 48.856614, 2.352222, "EUR", ("Le Marais", "Montmartre", "Belleville")),
    City("Berlin", "DE", 52.520007, 13.404954, "EUR", ("Kreuzberg", "Mitte", "Neukölln")),
    City("Lisbon", "PT", 38.722252, -9.139337, "EUR", ("Alfama", "Bairro Alto", "Belém")),
    City("Barcelona", "ES", 41.385064, 2.173403, "EUR", ("El Born", "Gràcia", "Poblenou")),
    City("New York", "US", 40.712784, -74.005941, "USD", ("Brooklyn", "SoHo", "Harlem")),
)
#: Most of the demo community lives in the first cities; the rest travel for shoots.
CITY_WEIGHTS: tuple[int, ...] = (24, 8, 4, 16, 6, 12, 10, 8, 6, 6)


def weighted_city(rng: random.Random) -> City:
    return rng.choices(CITIES, weights=CITY_WEIGHTS, k=1)[0]


def jitter_point(rng: random.Random, city: City, max_km: float = 8.0) -> tuple[Decimal, Decimal]:
    """A point within ``max_km`` of the city centre (uniform over the disc)."""
    distance = max_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = (distance * math.cos(bearing)) / 111.32
    dlng = (distance * math.sin(bearing)) / (111.32 * math.cos(math.radians(city.lat)))
    return (
        Decimal(f"{city.lat + dlat:.6f}"),
        Decimal(f"{city.lng + dlng:.6f}"),
    )
