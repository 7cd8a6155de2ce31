// Drives the page (dist/ctg.html, opened from disk, network off) in Debian's Chromium as a
// user would: fills the Caf profile, drops returns, consolidates, prepares the forms, writes
// the convention, imports a Word CTG, verifies a CTG; saves every download and what the page
// shows into OUT, where tests/it/page.rs compares them with the command line's outputs.
// Usage: node e2e.mjs CONFIG.json   (keys: page, out, retours[], ctg, logo, word, profil{}, date)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = (name) => path.join(cfg.out, name);
const browser = await chromium.launch({
  executablePath: process.env.CTG_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-quic', '--disable-sync'],
});
const context = await browser.newContext({ acceptDownloads: true });
await context.setOffline(true);
const requests = [];
const errors = [];
context.on('request', (r) => { if (!/^(file|blob|data):/.test(r.url())) requests.push(r.url()); });

async function open(hash = '') {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(cfg.page) + hash);
  await page.waitForSelector('body[data-pret="1"]', { state: 'attached', timeout: 30000 });
  return { page, readyMs: Date.now() - t0 };
}

async function save(page, selector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120000 }), page.click(selector)]);
  await dl.saveAs(out(name));
  return dl.suggestedFilename();
}

async function tab(page, id) { await page.click('#tab-' + id); }
async function waitState(page, id, prefix, timeout = 120000) {
  await page.waitForFunction(([i, p]) => document.getElementById(i).textContent.startsWith(p), [id, prefix], { timeout });
  return page.textContent('#' + id);
}

// What the page shows of each file's diagnostics: the file, the sheet heading, the cells.
async function shown(page) {
  return page.$$eval('details.fichier-diagnostics', (ds) => ds.map((d) => ({
    fichier: d.dataset.fichier,
    lignes: [...d.querySelectorAll('h4')].flatMap((h) => {
      const table = h.nextElementSibling;
      return [...table.querySelectorAll('tbody tr')].map((tr) => ({
        titre: h.textContent, code: tr.dataset.code, cellule: tr.dataset.cellule,
        valeur: tr.children[4].textContent, message: tr.children[3].textContent,
      }));
    }),
  })));
}

const result = { errors, requests };
const { page, readyMs } = await open();
result.pret_ms = readyMs;

// The Caf profile, typed once.
await tab(page, 'profil');
const p = cfg.profil;
for (const [k, v] of Object.entries({ nom: p.nom, departement: p.departement, president: p.president, directeur: p.directeur, contact: p.contact, delai: String(p.delai) })) {
  await page.fill('#profil-' + k, v);
}
await page.setInputFiles('#profil-logo', cfg.logo);
await page.click('#profil-form button[type=submit]');
await waitState(page, 'profil-etat', 'Profil enregistré');

// Vérifier des retours: the files chosen, the table, the diagnostics, the downloads.
await tab(page, 'retours');
await page.setInputFiles('#retours-fichiers', cfg.retours);
result.retours_bilan = await waitState(page, 'retours-etat', 'Bilan');
result.retours_table = await page.$$eval('#retours-table tbody tr', (trs) => trs.map((tr) => ({
  fichier: tr.dataset.fichier, statut: tr.children[2].textContent, erreurs: Number(tr.children[3].textContent),
  avertissements: Number(tr.children[4].textContent), infos: Number(tr.children[5].textContent),
})));
result.retours_affiches = await shown(page);
await save(page, '#retours-rapport', 'rapport-validation.json');
await save(page, '#retours-zip', 'copies-annotees.zip');
result.copie_unique = await save(page, '#retours-resultat button[data-copie]', 'copie-unique.bin');

// Consolider, with the CTG of reference.
await tab(page, 'consolider');
await page.setInputFiles('#consolider-ctg', cfg.ctg);
// The page's own buttons for every file field, the chosen file named beside it.
result.champs_fichier_natifs = await page.$$eval('input[type=file]', (is) => is.filter((i) => !i.closest('label.bouton')).map((i) => i.id));
result.ctg_choisie = await page.textContent('#consolider-ctg-nom');
await page.setInputFiles('#consolider-fichiers', cfg.retours);
result.consolider_etat = await waitState(page, 'consolider-etat', cfg.retours.length + '\u00a0fichiers');
result.synthese = await page.$$eval('#synthese h4, #synthese tr', (els) => els.map((el) => (el.tagName === 'H4' ? [el.textContent] : [...el.children].map((td) => td.dataset.brut ?? td.textContent))));
await save(page, '#consolider-classeur', 'consolide.xlsx');
await save(page, '#consolider-modele', 'consolide.json');
await save(page, '#consolider-rapport', 'rapport-consolidation.json');

// Formulaires, convention, import, verification.
await tab(page, 'formulaires');
await page.setInputFiles('#formulaires-ctg', cfg.ctg);
await page.fill('#formulaires-date', cfg.date);
await save(page, '#formulaires-go', 'formulaires.zip');
await tab(page, 'convention');
await page.setInputFiles('#convention-ctg', cfg.ctg);
await save(page, '#convention-go', 'convention.docx');
await tab(page, 'importer');
await page.setInputFiles('#importer-fichier', cfg.word);
result.importer_etat = await waitState(page, 'importer-etat', path.basename(cfg.word) + ' importé');
await save(page, '#importer-modele', 'import.json');
await save(page, '#importer-rapport', 'rapport-import.json');
await tab(page, 'verifier');
await page.setInputFiles('#verifier-fichier', cfg.ctg);
result.verifier_etat = await waitState(page, 'verifier-etat', path.basename(cfg.ctg) + ' :');
result.verifier_codes = await page.$$eval('#verifier-resultat tbody tr', (trs) => trs.map((tr) => tr.dataset.code));
// Where each is shown: the part of the CTG (heading) and the field (first column).
result.verifier_lieux = await page.$$eval('#verifier-resultat tbody tr', (trs) => trs.map((tr) => [tr.closest('table').previousElementSibling.textContent, tr.children[0].textContent]));

// Keyboard: the tabs move with the arrow keys.
await page.focus('#tab-verifier');
await page.keyboard.press('ArrowRight');
result.onglet_clavier = await page.evaluate(() => document.activeElement.id);

// A laptop's screen: the tabs hold on one line (at 1 366 px they took two).
result.onglets_lignes = {};
for (const [width, height] of [[1366, 768], [1280, 720]]) {
  await page.setViewportSize({ width, height });
  result.onglets_lignes[`${width}x${height}`] = await page.$$eval('[role=tab]', (ts) => new Set(ts.map((t) => t.getBoundingClientRect().top)).size);
}

// Hostile readers: one file crashes its reader, one never ends, one asks for too much memory.
// Each costs only its worker; the other files are read; the page answers afterwards.
const [crash, hang, memory] = cfg.essais;
const hostile = await open(`#essai-plantage=${crash}&essai-blocage=${hang}&essai-memoire=${memory}&delai=4000`);
await hostile.page.setInputFiles('#retours-fichiers', cfg.retours);
result.hostile_bilan = await waitState(hostile.page, 'retours-etat', 'Bilan', 60000);
result.hostile_table = await hostile.page.$$eval('#retours-table tbody tr', (trs) => trs.map((tr) => ({
  fichier: tr.dataset.fichier, statut: tr.children[2].textContent, erreurs: Number(tr.children[3].textContent),
})));
result.hostile_affiches = await shown(hostile.page);
await hostile.page.setInputFiles('#retours-fichiers', [cfg.retours[0]]);
result.hostile_ensuite = await waitState(hostile.page, 'retours-etat', 'Bilan : 1\u00a0fichier', 30000);

// Crafted files (tests/fixtures/hostile): every one gets its answer, the page survives.
if (cfg.hostiles) {
  const h = await open('#delai=20000');
  const t0 = Date.now();
  await h.page.setInputFiles('#retours-fichiers', cfg.hostiles);
  result.hostiles_bilan = await waitState(h.page, 'retours-etat', 'Bilan', 300000);
  result.hostiles_ms = Date.now() - t0;
  await save(h.page, '#retours-rapport', 'rapport-hostiles.json');
}

fs.writeFileSync(out('page.json'), JSON.stringify(result, null, 2));
await browser.close();
