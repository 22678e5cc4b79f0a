"""JSON shapes of the fleet objects, field names exactly as in the Océan docs."""

from __future__ import annotations

from datetime import datetime, timedelta

from .dates import PARIS, iso_z
from .fleet import Assignment, Driver, Fleet, Place, Step, Vehicle

LIBELLE_TYPE_ASSET = {"id": 1, "libelle": "Véhicule léger", "code": "VL"}


def individu(d: Driver) -> dict:
    return {
        "id": d.id,
        "nomInd": d.nom,
        "prenomInd": d.prenom,
        "matriculeInd": d.matricule,
        "initialesInd": d.initiales,
        "gsm": d.gsm,
        "email": d.email,
        "idCivilite": d.civilite,
        "suppressionLogique": d.deleted,
    }


def entite(fleet: Fleet, entity_id: int | None) -> dict | None:
    if entity_id is None:
        return None
    return {"id": entity_id, "nom": fleet.entities[entity_id][0], "suppressionLogique": False}


def utilisateur(d: Driver) -> dict | None:
    if d.user_id is None:
        return None
    return {
        "id": d.user_id,
        "loginUti": f"{d.prenom[0]}{d.nom}".lower(),
        "nomUti": d.nom,
        "prenomUti": d.prenom,
        "emailUti": d.email,
        "individu": individu(d),
        "dateFinValidite": None,
        "suppressionLogique": False,
        "utilisateurType": "CLASSIC",
    }


def api_user(login: str) -> dict:
    """The account the simulator's login belongs to (author of exceptional periods)."""
    return {
        "id": 9000,
        "loginUti": login,
        "nomUti": "DEMO",
        "prenomUti": "Gestionnaire",
        "emailUti": "gestionnaire@transports-demo.fr",
        "dateFinValidite": None,
        "suppressionLogique": False,
        "utilisateurType": "SUPERUSER",
    }


def vehicle_fields(v: Vehicle) -> dict:
    return {
        "id": v.id,
        "immatriculation": v.immat,
        "numeroEmbarque": v.numero_embarque,
        "privacyEnabled": v.privacy_enabled,
        "numeroSerie": f"VF1{v.id:014d}",
        "numeroParc": f"P{v.idx + 1:03d}",
        "marque": v.marque,
        "modele": v.modele,
        "couleur": "Blanc",
        "description": f"{v.marque} {v.modele} {v.immat}",
        "typeMotorisation": "ELECTRIQUE" if v.electric else "MONO",
        "categorie": "VL",
        "odirectMode": False,
        "geolocalise": v.geolocalise,
        "suppressionLogique": False,
        "libelleTypeAsset": LIBELLE_TYPE_ASSET,
        "geosecuriteEnabled": False,
        "dioEnabled": False,
        "apcMode": "GPS",
    }


def individus_item(fleet: Fleet, d: Driver, now: datetime) -> dict:
    v = fleet.current_vehicle(d.id, now)
    return {
        "individu": individu(d),
        "entite": entite(fleet, d.entity_id),
        "utilisateur": utilisateur(d),
        "groupe": {"id": d.group_id, "descriptionGrp": fleet.groups[d.group_id], "suppressionLogique": False},
        "fonctionnalites": [{"idFonctionnalite": 12}, {"idFonctionnalite": 40}],
        "propSpecifiqueDTO": {
            "id": 60000 + d.idx,
            "idClient": fleet.customer_id,
            "idObjetRef": d.id,
            "typeObjet": "CLIENT",
            "proprietesSpecifiquesClient": {"psValues": {}},
            "adresse": None,
            "codePostal": None,
            "ville": None,
            "dateNaissance": None,
            "lieuNaissance": None,
            "numeroPermis": None,
            "categoriePermis": ["B"],
            "dateObtentionPermis": None,
            "dateVisiteMedicale": None,
            "dateFCO": None,
            "objectifHebdo": None,
            "objectifMensuel": None,
            "keyUser": None,
        },
        "vehicleFieldsDTO": vehicle_fields(v) if v else None,
    }


def vehicles_item(fleet: Fleet, v: Vehicle, now: datetime) -> dict:
    drv = fleet.current_driver(v.id, now)
    vehicle = vehicle_fields(v) | {
        "vin": f"VF1{v.id:014d}",
        "idEnergie": 4 if v.electric else 1 + v.idx % 2,
        "valeurConsommation": v.rate / 10 if v.electric else v.rate / 100,
        "emissionCo2": 0 if v.electric else 95 + v.idx,
        "date1ereMec": iso_z(
            datetime(v.date1ere_mec.year, v.date1ere_mec.month, v.date1ere_mec.day, tzinfo=PARIS)
        ),
    }
    midnight = datetime.combine(now.astimezone(PARIS).date(), datetime.min.time(), tzinfo=PARIS)
    return {
        "boitier": {
            "id": v.boitier_id,
            "numeroSerieBoi": f"OB{v.boitier_id}",
            "sn": f"SN{v.boitier_id}",
            "imeiBoi": f"35{v.boitier_id:013d}",
            "adBoi": None,
            "coreGsmBoi": None,
            "commentaireBoi": None,
            "idEtatBoitier": 1,
            "debutGarantie": None,
            "finGarantie": None,
        },
        "chauffeur": individu(drv) if drv else None,
        "emissionCo2": vehicle["emissionCo2"],
        "entite": entite(fleet, v.entity_id),
        "releve": {"id": 70000 + v.idx, "dateReleve": iso_z(midnight), "value": 20000 + 1731 * v.idx},
        "releveAjuste": {"id": 71000 + v.idx, "dateReleve": iso_z(midnight), "value": 20000 + 1731 * v.idx},
        "vehicle": vehicle,
        "visites": [
            {
                "idVisiteEntretien": 80000 + v.idx,
                "datePrevue": iso_z(midnight + timedelta(days=30 + v.idx)),
                "compteurPrevu": 30000 + 1731 * v.idx,
                "description": "Révision annuelle",
            }
        ],
    }


def light_vehicle(v: Vehicle) -> dict:
    return {
        "id": v.id,
        "immatriculation": v.immat,
        "numeroEmbarque": v.numero_embarque,
        "description": f"{v.marque} {v.modele} {v.immat}",
        "privacyEnabled": v.privacy_enabled,
        "boutonEvenementEnabled": False,
    }


def affectation(fleet: Fleet, a: Assignment) -> dict:
    return {
        "vehicule": light_vehicle(fleet.vehicle_by_id[a.vehicle_id]),
        "chauffeur": individu(fleet.driver_by_id[a.driver_id]),
        "chauffeurVehicule": {
            "id": a.id,
            "idVehicule": a.vehicle_id,
            "idIndividu": a.driver_id,
            "dateDebut": iso_z(a.debut),
            "dateFin": iso_z(a.fin),
            "isVehiculeFonction": a.fonction,
        },
    }


def _pos(at: datetime, p: Place, etat: str, cap: int, d: Driver | None) -> dict:
    local = at.astimezone(PARIS)
    return {
        "date": local.strftime("%d/%m/%Y"),
        "heure": local.strftime("%H:%M:%S"),
        "etat": etat,
        "cap": cap,
        "latitudeY": p.lat,
        "longitudeX": p.lon,
        "gpsCale": True,
        "driver": {
            "matricule": d.matricule if d else None,
            "nom": d.nom if d else None,
            "prenom": d.prenom if d else None,
            "tel": d.gsm if d else None,
        },
        "fullAddress": {"address": p.address, "postalCode": p.postal, "town": p.town, "country": "France"},
        "poi": {"nom": p.poi, "nomType": "Agence", "couleurHTML": "#FF7900"} if p.poi else None,
    }


def fj_row(fleet: Fleet, s: Step) -> dict:
    d = fleet.drivers[s.driver_idx] if s.driver_idx is not None else None
    return {
        "id": s.id,
        "type": "T",
        "anomalyType": "NONE",
        "distanceMeter": s.distance,
        "dureeMs": s.dur_s * 1000,
        "posDeb": _pos(s.start, s.frm, "D", s.cap_deb, d),
        "posFin": _pos(s.end, s.to, "A", s.cap_fin, d),
    }
