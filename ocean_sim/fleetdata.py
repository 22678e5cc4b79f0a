"""Static reference data for the demo fleet (names, towns, streets, vehicle models)."""

from __future__ import annotations

CUSTOMER_NAME = "Transports Démo"

# (id, nom, region key)
ENTITIES = ((121, "Agence Lyon", "lyon"), (122, "Agence Paris", "paris"), (123, "Agence Nantes", "nantes"))

GROUPS = ((1001, "Commerciaux"), (1002, "Techniciens"), (1003, "Direction"))

# region -> towns (town, postal code, latitude, longitude); the first town holds the agency depot
TOWNS = {
    "lyon": (
        ("Lyon", "69003", 45.7597, 4.8590),
        ("Villeurbanne", "69100", 45.7719, 4.8902),
        ("Vénissieux", "69200", 45.6975, 4.8867),
        ("Bron", "69500", 45.7386, 4.9131),
        ("Écully", "69130", 45.7745, 4.7770),
        ("Caluire-et-Cuire", "69300", 45.7953, 4.8467),
        ("Villefranche-sur-Saône", "69400", 45.9897, 4.7187),
        ("Vienne", "38200", 45.5255, 4.8745),
    ),
    "paris": (
        ("Paris", "75011", 48.8590, 2.3800),
        ("Paris", "75015", 48.8412, 2.3003),
        ("Boulogne-Billancourt", "92100", 48.8352, 2.2410),
        ("Montreuil", "93100", 48.8638, 2.4485),
        ("Créteil", "94000", 48.7904, 2.4556),
        ("Nanterre", "92000", 48.8924, 2.2069),
        ("Saint-Denis", "93200", 48.9362, 2.3574),
        ("Versailles", "78000", 48.8049, 2.1204),
    ),
    "nantes": (
        ("Nantes", "44000", 47.2184, -1.5536),
        ("Saint-Herblain", "44800", 47.2122, -1.6497),
        ("Rezé", "44400", 47.1833, -1.5500),
        ("Orvault", "44700", 47.2711, -1.6225),
        ("Carquefou", "44470", 47.2975, -1.4914),
        ("Vertou", "44120", 47.1689, -1.4697),
        ("La Chapelle-sur-Erdre", "44240", 47.2994, -1.5511),
        ("Saint-Nazaire", "44600", 47.2735, -2.2138),
    ),
}

STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "rue du Général de Gaulle",
    "place de la Mairie",
    "rue des Lilas",
    "avenue de la Libération",
    "rue Émile Zola",
    "chemin des Vignes",
    "rue Voltaire",
    "allée des Tilleuls",
    "rue de la Gare",
    "avenue Foch",
    "rue Jules Ferry",
    "quai de la Loire",
)

FIRST_NAMES_M = (
    "Jean",
    "Pierre",
    "Nicolas",
    "Julien",
    "Thomas",
    "Antoine",
    "Mathieu",
    "Olivier",
    "Sébastien",
    "François",
    "Karim",
    "Mehdi",
    "Laurent",
    "Hugo",
    "Yannick",
)
FIRST_NAMES_F = (
    "Marie",
    "Sophie",
    "Camille",
    "Julie",
    "Nathalie",
    "Isabelle",
    "Aurélie",
    "Émilie",
    "Céline",
    "Sandrine",
    "Fatima",
    "Claire",
    "Léa",
    "Chloé",
    "Hélène",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
)

THERMAL_MODELS = (
    ("Renault", "Clio"),
    ("Peugeot", "208"),
    ("Citroën", "Berlingo"),
    ("Renault", "Kangoo"),
    ("Peugeot", "308"),
    ("Dacia", "Sandero"),
    ("Toyota", "Yaris"),
    ("Peugeot", "Partner"),
)
ELECTRIC_MODELS = (
    ("Renault", "Zoe"),
    ("Peugeot", "e-208"),
    ("Tesla", "Model 3"),
    ("Renault", "Megane E-Tech"),
)

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"  # no I, O, U as on French SIV plates

POI_DEPOT = {"nomType": "Agence", "couleurHTML": "#FF7900"}

# Fuel/energy prices used for the analysis "cost" (euro cents per litre / per kWh)
FUEL_PRICE_CENTS_PER_L = 185
ELEC_PRICE_CENTS_PER_KWH = 25
