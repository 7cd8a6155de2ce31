# Builds samples/ctg-ergue-gaberic.json: a second, single-commune CTG (fictional content on a
# real commune) whose name needs elision («la commune d'Ergué-Gabéric») and whose maire is a
# woman. Derived from the intercommunal sample's structure; the JSON is committed.
import copy, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
base = json.load(open(os.path.join(HERE, "ctg-pays-fouesnantais.json"), encoding="utf-8"))
INSEE, NOM = "29051", "Ergué-Gabéric"

c = copy.deepcopy(base)
conv = c["convention"]
conv["id"] = "ctg-ergue-gaberic-2026"
conv["titre"] = "Convention territoriale globale de la commune d'Ergué-Gabéric 2026-2030"
conv["signataires"] = [{
    "kind": "commune", "nom": NOM, "code": INSEE,
    "representant": "Mme Annaïg Le Berre", "qualite": "Maire",
    "deliberation": {"date": "2025-11-27", "reference": "n° 2025-094"},
}]
conv["signature"] = {"lieu": NOM, "date": "2026-02-05"}
c["territoire"] = {"epci": None, "communes": [{
    "insee": INSEE, "nom": NOM, "population_municipale": 8576, "population_totale": 8773,
    "millesime": base["territoire"]["communes"][0]["millesime"],
    "competences": {"recensement": "exercee", "information": "exercee",
                    "planification": "exercee", "qualite": "exercee"},
}]}
c["equipements"] = [
    {"collectivite": INSEE, "type_structure": "eaje_psu", "libelle_autre": "",
     "nom": "Multi-accueil Ti Liorzh", "adresse": "3 rue du Stade, 29500 Ergué-Gabéric", "commune": INSEE},
    {"collectivite": INSEE, "type_structure": "rpe", "libelle_autre": "",
     "nom": "Relais petite enfance de Lestonan", "adresse": "12 route de Coray, 29500 Ergué-Gabéric", "commune": INSEE},
    {"collectivite": INSEE, "type_structure": "alsh", "libelle_autre": "",
     "nom": "Accueil de loisirs Ar Vro", "adresse": "1 allée Per-Jakez-Hélias, 29500 Ergué-Gabéric", "commune": INSEE},
]
fiches = []
for f in base["fiches"]:
    if f["id"] in ("1.1", "1.2", "2.1", "3.1"):
        f = copy.deepcopy(f)
        f["collectivites"] = [INSEE]
        f["specificites"] = [{"ao": INSEE, "texte": s["texte"]} for s in f["specificites"][:1]]
        f["pilote"] = "Commune d'Ergué-Gabéric, service enfance-jeunesse"
        fiches.append(f)
c["fiches"] = fiches
used = {f["axe"] for f in fiches}
c["axes"] = [a for a in base["axes"] if a["id"] in used or a.get("socle")]
p = copy.deepcopy(base["projections"][0])
p["ao"] = INSEE
c["projections"] = [p]
c["suivi"] = []
json.dump(c, open(os.path.join(HERE, "ctg-ergue-gaberic.json"), "w", encoding="utf-8"),
          ensure_ascii=False, indent=2)
print("samples/ctg-ergue-gaberic.json")
