# Builds samples/ctg-pays-fouesnantais.json (fictional content on a real territory).
# Kept as a script so the sample stays readable and easy to extend; the JSON is committed.
import json

def fiche(id, axe, titre, disposition, pilote, **kw):
    f = {
        "id": id, "axe": axe, "titre": titre, "disposition": disposition, "pilote": pilote,
        "diagnostic_initial": "", "points_forts": [], "points_faibles": [], "public_cible": "",
        "objectifs_operationnels": [], "description": "", "modalites": "", "outils": [],
        "services_mobilises": [], "partenaires": [], "resultats_attendus": [], "indicateurs": [],
        "echeancier": [], "specificites": [], "collectivites": [], "autres": [],
    }
    f.update(kw)
    return f

def ind(libelle, cible=None, unite=""):
    return {"libelle": libelle, "cible": cible, "unite": unite}

def ech(debut, fin, jalon):
    return {"debut": debut, "fin": fin, "jalon": jalon}

EPCI = "242900660"
communes = [
    ("29058", "Fouesnant", 10204, 10710, dict(recensement="exercee", information="transferee", planification="exercee", qualite="transferee")),
    ("29006", "Bénodet", 3878, 3957, dict(recensement="exercee", information="transferee", planification="exercee", qualite="transferee")),
    ("29247", "Saint-Évarzec", 3491, 3605, dict(recensement="exercee", information="transferee", planification="exercee", qualite="transferee")),
    ("29057", "La Forêt-Fouesnant", 3485, 3570, dict(recensement="exercee", information="transferee", planification="exercee", qualite="transferee")),
    ("29161", "Pleuven", 3298, 3386, dict(recensement="exercee", information="transferee", planification="non_exercee", qualite="transferee")),
    ("29060", "Gouesnach", 2765, 2845, dict(recensement="exercee", information="transferee", planification="non_exercee", qualite="transferee")),
    ("29032", "Clohars-Fouesnant", 2152, 2203, dict(recensement="transferee", information="transferee", planification="non_exercee", qualite="transferee")),
]
MILL = "@etalab/decoupage-administratif@6.0.0"
maires = ["Mme Gaëlle Quéré", "M. Erwan Le Bihan", "Mme Nolwenn Cariou", "M. Hervé Guillou", "Mme Soizic Tanguy", "M. Loïc Pennec", "Mme Maïwenn Riou"]
delibs = ["2025-12-04", "2025-12-08", "2025-12-02", "2025-12-11", "2025-12-09", "2025-11-27", "2025-12-15"]

signataires = [{
    "kind": "epci", "nom": "Communauté de communes du Pays Fouesnantais", "code": EPCI,
    "representant": "M. Jean-Marc Le Floc'h", "qualite": "Président",
    "deliberation": {"date": "2025-11-20", "reference": "Délibération du conseil communautaire n° 2025-118"},
}]
for (code, nom, *_), maire, d in zip(communes, maires, delibs):
    signataires.append({
        "kind": "commune", "nom": f"Commune de {nom}", "code": code, "representant": maire,
        "qualite": "Maire" if maire.startswith("M.") else "Maire",
        "deliberation": {"date": d, "reference": f"Délibération du conseil municipal du {d[8:]}/{d[5:7]}/{d[:4]}"},
    })

fiches = [
    fiche("1.1", "axe-1", "Créer douze places d'accueil collectif à Fouesnant", "modele_caf",
          "Commune de Fouesnant – service enfance",
          diagnostic_initial="Le multi-accueil de Fouesnant affiche une liste d'attente de 38 familles en 2025.\nUn tiers des demandes concerne des horaires atypiques liés au tourisme et à la santé.",
          public_cible="Familles avec enfants de moins de trois ans résidant ou travaillant sur la commune",
          objectifs_operationnels=["Porter la capacité du multi-accueil de 30 à 42 places", "Réserver quatre places aux horaires décalés (6 h 30 – 20 h)", "Garder un taux d'occupation supérieur à 70 %"],
          modalites="Extension du bâtiment existant sur la parcelle voisine ; recrutement progressif de l'équipe ; commission d'attribution commune avec le RPE.",
          services_mobilises=["Service enfance de Fouesnant (maîtrise d'ouvrage)", "Services techniques municipaux"],
          partenaires=["Caf du Finistère", "PMI du Finistère", "Communauté de communes du Pays Fouesnantais"],
          resultats_attendus=["Douze places nouvelles ouvertes à la rentrée 2028", "Liste d'attente divisée par deux"],
          indicateurs=[ind("Places agréées au multi-accueil", 42, "places"), ind("Taux d'occupation financier", 70, "%"), ind("Familles en liste d'attente au 1er septembre", 19, "familles")],
          echeancier=[ech(2026, 2026, "études de programmation et dépôt du dossier de financement"), ech(2027, 2027, "travaux d'extension"), ech(2028, 2028, "ouverture des douze places")],
          specificites=[{"ao": "29058", "texte": "La commune exerce la planification et porte l'investissement."}, {"ao": EPCI, "texte": "L'EPCI coordonne les attributions via le relais petite enfance."}],
          collectivites=["29058", EPCI]),
    fiche("1.2", "axe-1", "Ouvrir un guichet unique d'information petite enfance", "points_forts",
          "Relais petite enfance du Pays Fouesnantais",
          points_forts=["Relais petite enfance intercommunal bien identifié des familles", "Habitude de travail commune entre les quatre crèches du territoire"],
          points_faibles=["Pré-inscriptions multiples dans plusieurs structures", "Familles orientées tardivement vers les assistants maternels"],
          description="Centraliser les demandes d'accueil de tout le territoire au relais petite enfance et proposer à chaque famille un rendez-vous d'orientation.",
          outils=["Formulaire de pré-inscription en ligne unique", "Rendez-vous d'orientation au relais ou par téléphone", "Tableau partagé des disponibilités des assistants maternels"],
          partenaires=["Crèches du territoire", "Assistants maternels", "Communes"],
          indicateurs=[ind("Demandes centralisées par le relais", 250, "demandes/an"), ind("Part des familles reçues en rendez-vous d'orientation", 80, "%")],
          echeancier=[ech(2026, 2026, "formulaire en ligne et charte des crèches"), ech(2027, 2028, "extension aux micro-crèches et aux MAM"), ech(2029, 2030, "évaluation et ajustements")],
          collectivites=[EPCI, "29058", "29006", "29247", "29057", "29161", "29060", "29032"]),
    fiche("1.3", "axe-1", "Soutenir et valoriser le métier d'assistant maternel", "modele_caf",
          "Relais petite enfance du Pays Fouesnantais",
          diagnostic_initial="Le nombre d'assistants maternels en activité a baissé de 14 % en cinq ans ; un tiers partira en retraite d'ici 2030.",
          public_cible="Assistants maternels en activité et personnes en reconversion",
          objectifs_operationnels=["Faire connaître le métier aux demandeurs d'emploi", "Rompre l'isolement professionnel", "Accompagner les projets de MAM"],
          modalites="Réunions d'information trimestrielles avec France Travail ; ateliers d'éveil hebdomadaires ; accompagnement individuel des porteurs de MAM.",
          services_mobilises=["Relais petite enfance (2 animatrices)"],
          partenaires=["France Travail", "PMI du Finistère", "Caf du Finistère"],
          resultats_attendus=["Stabiliser le nombre de places chez les assistants maternels", "Deux MAM supplémentaires"],
          indicateurs=[ind("Assistants maternels agréés en activité", 210, "personnes"), ind("Participants aux réunions d'information métier", 40, "personnes/an")],
          echeancier=[ech(2026, 2030, "réunions d'information métier chaque trimestre"), ech(2027, 2027, "ouverture d'une MAM à Pleuven")],
          collectivites=[EPCI, "29161"]),
    fiche("1.4", "axe-1", "Construire des passerelles entre la crèche et l'école", "points_forts",
          "Commune de Bénodet – service enfance-jeunesse",
          points_forts=["Action passerelle déjà menée à Bénodet avec l'école maternelle"],
          points_faibles=["Pratiques différentes d'une école à l'autre", "Peu de temps d'échange entre professionnels"],
          description="Permettre aux enfants qui entreront en maternelle de découvrir l'école et le temps périscolaire au printemps précédant la rentrée.",
          outils=["Visites accompagnées en mai et juin", "Livret de liaison crèche – école remis aux familles"],
          partenaires=["Éducation nationale", "Crèches", "Accueils périscolaires"],
          indicateurs=[ind("Enfants ayant bénéficié d'une passerelle", 60, "enfants/an")],
          echeancier=[ech(2026, 2026, "bilan de l'expérience de Bénodet"), ech(2027, 2028, "extension aux écoles de Fouesnant et Saint-Évarzec"), ech(2029, None, "pérennisation sur tout le territoire")],
          collectivites=["29006", "29058", "29247"],
          autres=[{"libelle": "Remarque du comité technique", "texte": "Prévoir un temps de restitution avec les enseignants en juin."}]),
    fiche("2.1", "axe-2", "Proposer un programme d'ateliers parents sur tout le territoire", "modele_caf",
          "Communauté de communes du Pays Fouesnantais – coordination parentalité",
          diagnostic_initial="Les actions de soutien à la parentalité sont concentrées à Fouesnant ; les communes rurales en sont éloignées.",
          public_cible="Parents d'enfants de 0 à 17 ans",
          objectifs_operationnels=["Organiser au moins un atelier par commune et par an", "Aborder l'adolescence et les écrans"],
          modalites="Programme annuel construit avec les associations ; ateliers en soirée et le samedi matin ; garde d'enfants sur place.",
          services_mobilises=["Coordinatrice parentalité de l'EPCI"],
          partenaires=["Associations familiales", "Centre social", "Caf du Finistère (REAAP)"],
          resultats_attendus=["Une offre de proximité dans chaque commune"],
          indicateurs=[ind("Ateliers organisés", 25, "ateliers/an"), ind("Communes ayant accueilli un atelier", 7, "communes")],
          echeancier=[ech(2026, 2026, "premier programme annuel"), ech(2027, 2030, "programme reconduit et évalué chaque année")],
          collectivites=[EPCI]),
    fiche("2.2", "axe-2", "Faire circuler le lieu d'accueil enfants-parents", "points_forts",
          "Lieu d'accueil enfants-parents La Parenthèse",
          points_forts=["LAEP apprécié des familles de Fouesnant", "Accueillantes formées et stables"],
          points_faibles=["Un seul lieu, peu accessible sans voiture", "Fréquentation faible des pères"],
          description="Ouvrir le LAEP une demi-journée par semaine dans une autre commune, par rotation.",
          outils=["Salles municipales prêtées par les communes", "Malle de jeux itinérante"],
          partenaires=["Communes d'accueil", "Caf du Finistère"],
          indicateurs=[ind("Familles accueillies au LAEP", 120, "familles/an"), ind("Séances hors de Fouesnant", 40, "séances/an")],
          echeancier=[ech(2026, 2027, "itinérance à Pleuven et Gouesnach"), ech(2028, 2030, "itinérance dans toutes les communes")],
          collectivites=[EPCI, "29161", "29060"]),
    fiche("2.3", "axe-2", "Prévenir l'isolement des jeunes parents", "points_forts",
          "Centre social intercommunal",
          points_forts=["Visites à domicile de la PMI après la naissance"],
          points_faibles=["Familles nouvellement installées sans réseau", "Peu de lieux de rencontre hors saison touristique"],
          description="Créer un café des parents mensuel et un accueil des nouveaux arrivants avec enfants.",
          outils=["Café des parents", "Livret d'accueil des familles"],
          partenaires=["PMI du Finistère", "Maternités de Quimper", "Associations"],
          indicateurs=[ind("Participants au café des parents", 15, "parents/séance")],
          echeancier=[ech(2026, 2026, "lancement du café des parents"), ech(2027, 2030, "animation mensuelle")],
          collectivites=[EPCI]),
    fiche("3.1", "axe-3", "Harmoniser la tarification des accueils de loisirs", "modele_caf",
          "Communauté de communes du Pays Fouesnantais – service jeunesse",
          diagnostic_initial="Sept grilles tarifaires différentes coexistent ; certaines familles changent d'accueil de loisirs selon le prix.",
          public_cible="Familles dont les enfants fréquentent les accueils de loisirs",
          objectifs_operationnels=["Adopter une grille commune au quotient familial", "Réduire le reste à charge des familles modestes"],
          modalites="Étude comparative en 2026 ; délibérations concordantes des communes en 2027.",
          services_mobilises=["Service jeunesse de l'EPCI", "Services enfance des communes"],
          partenaires=["Caf du Finistère", "Associations gestionnaires"],
          resultats_attendus=["Une grille unique appliquée dans tous les accueils de loisirs"],
          indicateurs=[ind("Accueils de loisirs appliquant la grille commune", 7, "accueils")],
          echeancier=[ech(2026, 2026, "étude comparative"), ech(2027, 2027, "adoption de la grille commune")],
          collectivites=[EPCI, "29058", "29006", "29247", "29057", "29161", "29060", "29032"]),
    fiche("3.2", "axe-3", "Accueillir les enfants en situation de handicap en accueil de loisirs", "points_forts",
          "Commune de Saint-Évarzec – accueil de loisirs",
          points_forts=["Animateurs volontaires", "Pôle ressources handicap départemental"],
          points_faibles=["Manque de formation des équipes", "Locaux partiellement accessibles"],
          description="Former les équipes d'animation et financer un renfort d'encadrement lorsque l'accueil d'un enfant le demande.",
          outils=["Formation de deux jours par équipe", "Renfort d'animation financé au cas par cas"],
          partenaires=["Pôle ressources handicap", "Caf du Finistère", "MDPH"],
          indicateurs=[ind("Enfants en situation de handicap accueillis", 12, "enfants/an"), ind("Animateurs formés", 30, "animateurs")],
          echeancier=[ech(2026, 2027, "formation des équipes"), ech(2028, 2030, "renforts d'encadrement")],
          collectivites=["29247", EPCI]),
    fiche("3.3", "axe-3", "Construire avec les jeunes de 11 à 17 ans leurs projets", "modele_caf",
          "Espace jeunes intercommunal",
          diagnostic_initial="Les jeunes de 11 à 17 ans fréquentent peu les structures en dehors de l'été.",
          public_cible="Jeunes de 11 à 17 ans",
          objectifs_operationnels=["Monter chaque année trois projets portés par des jeunes", "Ouvrir l'espace jeunes le mercredi dans deux communes"],
          modalites="Conseil de jeunes intercommunal ; accompagnement des projets par un animateur référent.",
          services_mobilises=["Espace jeunes intercommunal"],
          partenaires=["Collèges", "Associations sportives et culturelles"],
          resultats_attendus=["Davantage de jeunes impliqués toute l'année"],
          indicateurs=[ind("Projets de jeunes accompagnés", 3, "projets/an"), ind("Jeunes inscrits à l'espace jeunes", 150, "jeunes")],
          echeancier=[ech(2026, 2026, "installation du conseil de jeunes"), ech(2027, 2030, "trois projets par an")],
          collectivites=[EPCI]),
    fiche("4.1", "axe-4", "Accompagner les habitants dans leurs démarches en ligne", "points_forts",
          "France Services du Pays Fouesnantais",
          points_forts=["France Services labellisée et fréquentée", "Conseillère numérique en poste"],
          points_faibles=["Publics âgés peu mobiles", "Horaires peu compatibles avec le travail"],
          description="Tenir des ateliers numériques dans chaque commune et une permanence le samedi matin.",
          outils=["Ateliers de prise en main", "Permanences itinérantes", "Accompagnement au compte en ligne Caf"],
          partenaires=["Caf du Finistère", "CPAM", "France Travail", "Communes"],
          indicateurs=[ind("Personnes accompagnées", 900, "personnes/an"), ind("Ateliers numériques", 48, "ateliers/an")],
          echeancier=[ech(2026, 2030, "ateliers et permanences")],
          collectivites=[EPCI]),
    fiche("4.2", "axe-4", "Tenir des permanences d'accès aux droits au plus près des familles", "modele_caf",
          "Caf du Finistère – conseillère de territoire",
          diagnostic_initial="Le taux de non-recours aux prestations est estimé supérieur à la moyenne départementale chez les familles monoparentales.",
          public_cible="Familles monoparentales et allocataires fragiles",
          objectifs_operationnels=["Organiser un rendez-vous des droits dans chaque commune chaque année"],
          modalites="Rendez-vous des droits sur orientation des CCAS et de France Services.",
          services_mobilises=["Travailleurs sociaux de la Caf", "CCAS des communes"],
          partenaires=["Conseil départemental", "CCAS"],
          resultats_attendus=["Baisse du non-recours"],
          indicateurs=[ind("Rendez-vous des droits réalisés", 80, "rendez-vous/an")],
          echeancier=[ech(2026, 2030, "rendez-vous des droits")],
          collectivites=[EPCI, "29058"]),
    fiche("5.1", "axe-5", "Piloter, suivre et évaluer la CTG", "points_forts",
          "Communauté de communes du Pays Fouesnantais – chargée de coopération",
          points_forts=["Diagnostic partagé construit avec les sept communes"],
          points_faibles=["Peu de données communales consolidées"],
          description="Réunir le comité de pilotage deux fois par an, tenir le tableau de suivi trimestriel et préparer les bilans.",
          outils=["Tableau de suivi partagé", "Comité technique trimestriel", "Bilan à mi-parcours en 2028"],
          partenaires=["Caf du Finistère", "Communes", "Partenaires associatifs"],
          indicateurs=[ind("Comités de pilotage tenus", 10, "réunions"), ind("Fiches renseignées à chaque trimestre", 100, "%")],
          echeancier=[ech(2026, 2030, "deux comités de pilotage par an"), ech(2028, 2028, "bilan à mi-parcours"), ech(2030, 2030, "bilan final")],
          collectivites=[EPCI]),
]

def line(mode, actuel, values, **kw):
    l = {"mode": mode, "actuel": actuel,
         "annees": [{"annee": 2026 + i, "valeur": v} for i, v in enumerate(values)],
         "emplois": {"etp_vacants": None, "etp_a_creer": None, "metiers": ""},
         "autres_besoins": "", "investissements": []}
    l.update(kw)
    return l

projections = [
    {"ao": "29058", "zone": "", "lignes": [
        line("eaje_psu", 30, [30, 30, 42, 42, 42],
             emplois={"etp_vacants": 1, "etp_a_creer": 3.5, "metiers": "2 auxiliaires de puériculture, 1 éducatrice de jeunes enfants, 0,5 agent d'entretien"},
             autres_besoins="Places en horaires décalés pour les familles travaillant dans le tourisme et la santé",
             investissements=[{"type_projet": "extension", "description": "Extension du multi-accueil Les Petits Mousses (+12 places)",
                               "cout": 960000, "calendrier": "Études 2026, travaux 2027, ouverture en septembre 2028",
                               "ingenierie": "Assistance à maîtrise d'ouvrage ; appui du chargé de coopération de la Caf"}]),
        line("micro_creche_paje", 10, [10, 10, 10, 20, 20], autres_besoins="Projet privé signalé pour 2029"),
        line("mam", 8, [8, 8, 12, 12, 12]),
        line("assistants_maternels", 96, [94, 92, 92, 90, 90], emplois={"etp_vacants": None, "etp_a_creer": None, "metiers": "Départs en retraite à compenser : environ 6 assistants maternels"}),
        line("rpe", 0.5, [0.5, 0.5, 0.5, 0.5, 0.5], autres_besoins="Permanence du relais intercommunal à Fouesnant"),
        line("passerelles", 1, [1, 1, 2, 2, 2]),
    ]},
    {"ao": "29006", "zone": "", "lignes": [
        line("mam", 12, [12, 12, 12, 12, 12]),
        line("assistants_maternels", 34, [34, 33, 33, 32, 32]),
        line("passerelles", 1, [1, 1, 1, 1, 1]),
    ]},
]

suivi = []
for fid, t, etat, av, com, vals in [
    ("1.1", "2026-T1", "en_cours", 10, "Programmiste retenu ; visite du site avec la PMI.", [("Places agréées au multi-accueil", 30)]),
    ("1.2", "2026-T1", "en_cours", 25, "Charte signée par trois crèches sur quatre.", [("Demandes centralisées par le relais", 41)]),
    ("2.1", "2026-T1", "non_demarree", 0, "Programme en cours de construction avec les associations.", []),
    ("5.1", "2026-T1", "en_cours", 20, "Premier comité de pilotage tenu le 12 mars.", [("Comités de pilotage tenus", 1)]),
    ("1.1", "2026-T2", "en_cours", 20, "Dossier de financement déposé.", [("Places agréées au multi-accueil", 30)]),
    ("1.2", "2026-T2", "en_cours", 50, "Formulaire en ligne ouvert le 2 mai.", [("Demandes centralisées par le relais", 97)]),
    ("2.1", "2026-T2", "en_cours", 15, "Deux ateliers tenus à Pleuven et Clohars-Fouesnant.", [("Ateliers organisés", 2)]),
    ("3.1", "2026-T2", "reportee", 0, "Étude repoussée au second semestre faute de données tarifaires complètes.", []),
    ("5.1", "2026-T2", "en_cours", 30, "Comité technique du 18 juin.", [("Comités de pilotage tenus", 1)]),
]:
    suivi.append({"fiche": fid, "trimestre": t, "collectivite": "29058" if fid == "1.1" else EPCI, "etat": etat,
                  "avancement": av, "commentaire": com,
                  "indicateurs": [{"libelle": l, "valeur": v} for l, v in vals]})

def eq(coll, type_, nom, adresse, commune, autre=""):
    return {"collectivite": coll, "type_structure": type_, "libelle_autre": autre, "nom": nom, "adresse": adresse, "commune": commune}

equipements = [
    eq("29058", "eaje_psu", "Multi-accueil Les Petits Mousses", "4 allée des Embruns, 29170 Fouesnant", "29058"),
    eq("29058", "micro_creche_paje", "Micro-crèche Ty Bihan", "17 route de Beg-Meil, 29170 Fouesnant", "29058"),
    eq("29058", "alsh", "Accueil de loisirs de Kervilien", "2 rue des Écoliers, 29170 Fouesnant", "29058"),
    eq("29006", "mam", "MAM Les Goélands", "9 rue du Port, 29950 Bénodet", "29006"),
    eq("29006", "alsh", "Accueil de loisirs de la Pointe", "1 place de la Mairie, 29950 Bénodet", "29006"),
    eq("29247", "eaje_psu", "Multi-accueil Les Lutins", "6 rue de Quimper, 29170 Saint-Évarzec", "29247"),
    eq("29247", "alsh", "Accueil de loisirs Les Korrigans", "Complexe sportif, 29170 Saint-Évarzec", "29247"),
    eq("29057", "micro_creche_paje", "Micro-crèche Les Moussaillons", "3 chemin du Vallon, 29940 La Forêt-Fouesnant", "29057"),
    eq("29161", "alsh", "Accueil périscolaire de Pleuven", "Rue de l'École, 29170 Pleuven", "29161"),
    eq(EPCI, "rpe", "Relais petite enfance du Pays Fouesnantais", "Maison de l'enfance, 29170 Fouesnant", "29058"),
    eq(EPCI, "laep", "Lieu d'accueil enfants-parents La Parenthèse", "Maison de l'enfance, 29170 Fouesnant", "29058"),
    eq(EPCI, "accueil_jeunes", "Espace jeunes intercommunal", "12 rue de Cornouaille, 29170 Fouesnant", "29058"),
    eq(EPCI, "soutien_parentalite", "Programme intercommunal d'ateliers parents", "Itinérant dans les sept communes", ""),
    eq(EPCI, "autre", "France Services du Pays Fouesnantais", "Espace Kernévez, 29170 Fouesnant", "29058", autre="France Services"),
]

ctg = {
    "version": 1,
    "convention": {
        "id": "ctg-242900660-2026",
        "titre": "Convention territoriale globale du Pays Fouesnantais 2026-2030",
        "caf": {"nom": "Caisse d'allocations familiales du Finistère", "departement": "29",
                "president": "Mme Armelle Kervella", "directeur": "M. Tugdual Le Meur"},
        "signataires": signataires,
        "periode": {"debut": "2026-01-01", "fin": "2030-12-31"},
        "signature": {"lieu": "Fouesnant", "date": "2026-01-22"},
        "preambule": [
            {"titre": "Caractéristiques du territoire", "texte": "Sept communes littorales et rétro-littorales au sud de Quimper, une population qui augmente d'environ 1 % par an et dont la part des plus de 60 ans progresse vite.\nLa saison touristique double la population l'été et pèse sur l'emploi des parents."},
            {"titre": "Offre de services aux familles", "texte": "Une offre d'accueil du jeune enfant concentrée à Fouesnant et Saint-Évarzec, un relais petite enfance intercommunal, des accueils de loisirs dans chaque commune et une France Services."},
            {"titre": "Priorités retenues", "texte": "Accueil du jeune enfant, soutien aux parents, loisirs accessibles des enfants et des jeunes, accès aux droits."},
        ],
        "enjeux": [
            "Répondre à la demande d'accueil des moins de trois ans, y compris en horaires décalés",
            "Rapprocher les actions de soutien à la parentalité des communes rurales",
            "Rendre les loisirs des enfants et des jeunes accessibles à tous",
            "Réduire le non-recours aux droits des familles fragiles",
        ],
        "objectifs_partages": [
            {"domaine": "accueil_jeune_enfant", "texte": "Créer des places d'accueil et informer chaque famille sur l'ensemble des modes d'accueil."},
            {"domaine": "parentalite", "texte": "Offrir dans chaque commune au moins une action de soutien à la parentalité par an."},
            {"domaine": "peri_extrascolaire", "texte": "Harmoniser l'accès aux accueils de loisirs et y accueillir les enfants en situation de handicap."},
            {"domaine": "acces_droits", "texte": "Accompagner les démarches en ligne et aller au-devant des familles qui ne recourent pas à leurs droits."},
            {"domaine": "cooperation", "texte": "Piloter ensemble la CTG et en mesurer les effets."},
        ],
        "options": {"comite_pilotage": "copilotage", "secretariat": "collectivite", "suivi_numerique": True},
    },
    "territoire": {
        "epci": {"siren": EPCI, "nom": "CC du Pays Fouesnantais", "population_municipale": 29273, "population_totale": 30276, "millesime": MILL},
        "communes": [{"insee": c, "nom": n, "population_municipale": pm, "population_totale": pt, "millesime": MILL, "competences": comp}
                     for c, n, pm, pt, comp in communes],
    },
    "diagnostic": [
        {"code": "I", "titre": "Présentation du territoire", "texte": "Territoire de 7 communes et 30 276 habitants (population totale), entre l'Odet et la baie de La Forêt."},
        {"code": "II.a", "titre": "Population générale", "texte": "Population en hausse, vieillissement marqué sur le littoral ; 1 050 enfants de moins de trois ans."},
        {"code": "II.b", "titre": "Population allocataires", "texte": "4 300 foyers allocataires, dont 11 % de familles monoparentales."},
        {"code": "III.a", "titre": "Petite enfance", "texte": "Besoins : 38 familles en attente à Fouesnant, des demandes en horaires décalés, une baisse du nombre d'assistants maternels.\nZones moins bien desservies : Clohars-Fouesnant et Gouesnach, sans accueil collectif."},
        {"code": "III.b", "titre": "Parentalité", "texte": "Actions concentrées à Fouesnant ; les familles rurales y accèdent peu."},
        {"code": "III.c", "titre": "Enfance-Jeunesse", "texte": "Sept accueils de loisirs, des tarifs hétérogènes ; une fréquentation des 11-17 ans faible hors été."},
        {"code": "III.f", "titre": "L'accès aux droits et aux services", "texte": "Une France Services fréquentée ; un non-recours estimé élevé chez les familles monoparentales."},
    ],
    "equipements": equipements,
    "axes": [
        {"id": "axe-1", "titre": "Développer et diversifier l'accueil du jeune enfant", "objectif": "accueil_jeune_enfant", "socle": True},
        {"id": "axe-2", "titre": "Accompagner les parents à chaque âge de l'enfant", "objectif": "parentalite", "socle": False},
        {"id": "axe-3", "titre": "Offrir aux enfants et aux jeunes des loisirs accessibles", "objectif": "peri_extrascolaire", "socle": False},
        {"id": "axe-4", "titre": "Faciliter l'accès aux droits et aux services", "objectif": "acces_droits", "socle": False},
        {"id": "axe-5", "titre": "Coordonner et faire vivre la CTG", "objectif": "cooperation", "socle": False},
    ],
    "fiches": fiches,
    "projections": projections,
    "pilotage": [
        {"kind": "comite_pilotage", "nom": "Comité de pilotage de la CTG", "composition": "Élus de l'EPCI et des sept communes, administrateurs et direction de la Caf", "frequence": "Deux fois par an", "role": "Valide le plan d'actions, suit sa réalisation et décide des ajustements."},
        {"kind": "comite_technique", "nom": "Comité technique", "composition": "Chargée de coopération, conseillère de territoire Caf, responsables enfance-jeunesse des communes", "frequence": "Chaque trimestre", "role": "Prépare les comités de pilotage et tient le tableau de suivi."},
        {"kind": "commission", "nom": "Commission petite enfance et parentalité", "composition": "Crèches, relais petite enfance, LAEP, PMI", "frequence": "Trois fois par an", "role": "Met en œuvre les axes 1 et 2."},
        {"kind": "commission", "nom": "Commission enfance-jeunesse et accès aux droits", "composition": "Accueils de loisirs, espace jeunes, France Services, CCAS", "frequence": "Trois fois par an", "role": "Met en œuvre les axes 3 et 4."},
        {"kind": "cooperation", "nom": "Chargés de coopération", "composition": "Chargée de coopération de l'EPCI et conseillère de territoire de la Caf", "frequence": "En continu", "role": "Animent la démarche, conduisent le diagnostic et l'évaluation."},
    ],
    "suivi": suivi,
}

with open(__file__.replace("gen_sample.py", "ctg-pays-fouesnantais.json"), "w", encoding="utf-8") as f:
    json.dump(ctg, f, ensure_ascii=False, indent=2)
    f.write("\n")
