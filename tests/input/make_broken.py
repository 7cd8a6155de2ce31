# Generates the broken variants of the sample used by tests/cli_verifier.rs, and
# broken/expected.tsv (file, exit code, expected rule codes). Run from anywhere:
#   python3 tests/input/make_broken.py
import copy, json, pathlib

here = pathlib.Path(__file__).parent
sample = json.loads((here.parent.parent / "samples" / "ctg-pays-fouesnantais.json").read_text())
out = here / "broken"
rows = []

def variant(name, codes, mutate):
    ctg = copy.deepcopy(sample)
    mutate(ctg)
    (out / f"{name}.json").write_text(json.dumps(ctg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rows.append(f"{name}.json\t1\t{','.join(codes)}")

def commune(ctg, insee):
    return next(c for c in ctg["territoire"]["communes"] if c["insee"] == insee)

def fiche(ctg, fid):
    return next(f for f in ctg["fiches"] if f["id"] == fid)

variant("periode-fin-avant-debut", ["CTG-E001"], lambda c: c["convention"]["periode"].update(fin="2025-12-31"))
variant("periode-au-dela-n-plus-4", ["CTG-E002", "CTG-W003"], lambda c: c["convention"]["periode"].update(fin="2031-06-30"))
variant("periode-sans-debut", ["CTG-E004"], lambda c: c["convention"]["periode"].update(debut=None))
variant("ao-recensement-non-exerce", ["CTG-E010"], lambda c: commune(c, "29032")["competences"].update(recensement="non_exercee"))
variant("ao-information-non-exercee", ["CTG-E011"], lambda c: commune(c, "29060")["competences"].update(information="non_exercee"))
variant("ao-plus-de-3500-sans-planification", ["CTG-E012"], lambda c: commune(c, "29006")["competences"].update(planification="non_exercee", qualite="non_exercee"))
variant("ao-sans-rpe", ["CTG-E013"], lambda c: c.update(equipements=[e for e in c["equipements"] if e["type_structure"] != "rpe"]))
def schema(c):
    c["projections"] = [p for p in c["projections"] if p["ao"] != "29058"]
    c["diagnostic"] = [s for s in c["diagnostic"] if s["titre"] != "Petite enfance"]
variant("ao-schema-incomplet", ["CTG-E014"], schema)
variant("ao-transfert-sans-epci", ["CTG-E017"], lambda c: c["territoire"].update(epci=None))
variant("identite-insee-mal-forme", ["CTG-E020"], lambda c: commune(c, "29161").update(insee="29 161"))
variant("identite-insee-inconnu", ["CTG-E021"], lambda c: commune(c, "29161").update(insee="29999"))
variant("identite-siren-invalide", ["CTG-E022"], lambda c: c["territoire"]["epci"].update(siren="242900661"))
def outside(c):
    commune(c, "29032").update(insee="29019", nom="Brest", population_municipale=None, population_totale=None)
variant("identite-commune-hors-epci", ["CTG-E024", "CTG-W027"], outside)
def no_axe1(c):
    c["axes"] = [a for a in c["axes"] if a["id"] != "axe-1"]
    c["fiches"] = [f for f in c["fiches"] if f["axe"] != "axe-1"]
    c["suivi"] = [s for s in c["suivi"] if s["fiche"] in {f["id"] for f in c["fiches"]}]
variant("plan-sans-axe-1", ["CTG-E030", "CTG-E014"], no_axe1)
variant("plan-fiche-en-double", ["CTG-E031"], lambda c: fiche(c, "2.2").update(id="2.1"))
variant("plan-fiche-incomplete", ["CTG-E032", "CTG-E033", "CTG-E035"], lambda c: fiche(c, "3.3").update(titre="", pilote="", indicateurs=[]))
variant("plan-axe-inconnu", ["CTG-E034"], lambda c: fiche(c, "4.1").update(axe="axe-9"))
variant("plan-echeance-hors-periode", ["CTG-E036"], lambda c: fiche(c, "1.3")["echeancier"].append({"debut": 2031, "fin": 2033, "jalon": "trop tard"}))
def suivi(c):
    c["suivi"][0]["fiche"] = "9.9"
    c["suivi"][1]["trimestre"] = "2026-T5"
    c["suivi"][2]["trimestre"] = "2031-T1"
    c["suivi"][3]["avancement"] = 140
variant("suivi-lignes-invalides", ["CTG-E037", "CTG-E038", "CTG-E039"], suivi)
def proj(c):
    lines = c["projections"][0]["lignes"]
    lines[0]["annees"][1]["valeur"] = 30.5
    lines[0]["annees"].append({"annee": 2032, "valeur": 42})
    lines[4]["actuel"] = -0.5
variant("projections-valeurs-invalides", ["CTG-E040", "CTG-E041", "CTG-E042"], proj)
def proj_ao(c):
    c["projections"][1]["ao"] = "29019"
    c["projections"][0]["lignes"][0]["investissements"][0]["cout"] = -1000
variant("projections-ao-inconnue-cout-negatif", ["CTG-E043", "CTG-E044"], proj_ao)
variant("equipement-autre-sans-precision", ["CTG-E045"], lambda c: c["equipements"][-1].update(libelle_autre=""))
def delib(c):
    c["convention"]["signataires"][1]["deliberation"]["date"] = None
    c["convention"]["signataires"][2]["deliberation"]["date"] = "2026-03-01"
variant("signataires-deliberations", ["CTG-E050", "CTG-E051"], delib)

# Files the command cannot read at all: exit 2.
(out / "json-invalide.json").write_text('{\n  "version": 1,\n  "convention": {\n    "id": "x",\n  }\n}\n')
rows.append("json-invalide.json\t2\t")
bad_field = copy.deepcopy(sample)
bad_field["convention"]["options"]["comite_pilotage"] = "presidence_tournante"
(out / "option-inconnue.json").write_text(json.dumps(bad_field, ensure_ascii=False, indent=2) + "\n")
rows.append("option-inconnue.json\t2\t")

(out / "expected.tsv").write_text("file\texit\tcodes\n" + "\n".join(rows) + "\n")
print(f"{len(rows)} variants written to {out}")
