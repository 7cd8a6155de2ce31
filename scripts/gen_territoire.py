"""Converts the @etalab/decoupage-administratif package into data/territoire.tsv.

Format (tab-separated, UTF-8, one record a line, sorted for determinism):
  #	millesime	<package name>@<version>
  E	siren	nom	type	population_municipale	population_totale
  C	insee	siren	nom	departement	population_municipale	population_totale	epci_siren
Populations of communes come from the EPCI member lists (municipale and totale of one
millésime); a commune outside any EPCI keeps the `population` of communes.json as
municipale and an empty totale. Only `commune-actuelle` records are kept.
"""
import json
import sys
from pathlib import Path

pkg = Path(sys.argv[1])
out = Path(sys.argv[2])
meta = json.loads((pkg / "package.json").read_text())
communes = json.loads((pkg / "data" / "communes.json").read_text())
epcis = json.loads((pkg / "data" / "epci.json").read_text())

def clean(s):
    return str(s).replace("\t", " ").replace("\n", " ")

members = {}
lines = [f"#\tmillesime\t{meta['name']}@{meta['version']}"]
for e in sorted(epcis, key=lambda e: e["code"]):
    lines.append("\t".join(["E", e["code"], clean(e["nom"]), e["type"],
                            str(e.get("populationMunicipale", "")), str(e.get("populationTotale", ""))]))
    for m in e["membres"]:
        members[m["code"]] = (e["code"], m.get("populationMunicipale"), m.get("populationTotale"))

for c in sorted((c for c in communes if c["type"] == "commune-actuelle"), key=lambda c: c["code"]):
    epci, pm, pt = members.get(c["code"], ("", c.get("population"), None))
    lines.append("\t".join(["C", c["code"], c.get("siren", ""), clean(c["nom"]), c["departement"],
                            "" if pm is None else str(pm), "" if pt is None else str(pt), epci]))

out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{out}: {len(lines) - 1} records from {meta['name']}@{meta['version']}")
