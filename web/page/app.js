// The page: tabs, file drops, the pool of workers running ctg's WebAssembly, results and
// downloads. Nothing leaves the computer: files are read here, the Content-Security-Policy
// forbids any connection, and the profile stays in this browser's local storage.
'use strict';

const $ = (id) => document.getElementById(id);
const nf = new Intl.NumberFormat('fr-FR');
// Test and benchmark hooks, from the address (`ctg.html#essai-plantage=x&essai-blocage=y&delai=3000`):
// files whose name contains x make their reader crash, y never end, z (essai-memoire) ask
// for more memory than a worker has; `delai` shortens the time allowed per file;
// `travailleurs`, `lot`, `en-vol`, `sans-echauffement` tune the pool (scripts/bench-page.sh);
// `plancher` (benchmarks only: the result is wrong) has every file answered with the first
// file's extract, to measure what reading and passing the files costs without ctg's work.
const ESSAI = new URLSearchParams(location.hash.slice(1));
function trial(name) {
  for (const k of ['plantage', 'blocage', 'memoire']) {
    const v = ESSAI.get('essai-' + k);
    if (v && name.includes(v)) return k;
  }
  return undefined;
}
// How long one file may take before its worker is stopped and the file rejected.
const DELAI_MS = Number(ESSAI.get('delai')) || 60000;
const LECTURES = new Set(['xlsx', 'xlsm', 'xls', 'ods', 'xlsb']);

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
function plural(n, one, many) { return `${nf.format(n)}\u00a0${n > 1 ? many : one}`; }
function say(id, text) { $(id).textContent = text; }

// ---- The WebAssembly module, compiled once, and the pool of workers ----

function base64Bytes(b64) {
  const bin = atob(b64.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const moduleReady = WebAssembly.compile(base64Bytes($('ctg-wasm').textContent));
const workerUrl = URL.createObjectURL(new Blob([$('ctg-worker').textContent], { type: 'text/javascript' }));

// Files go to the workers in lots: a worker runs the jobs of a lot one after the other
// without yielding, saying which one it starts. A crash or an overrun is blamed on the job
// that was running; the other jobs of the worker go back to the queue. Each worker holds up
// to LOTS_EN_VOL lots, so that the next is waiting while it works on one.
// The page reads the dropped files itself, EN_AVANCE files ahead of the workers, and hands
// each worker its bytes (transferred, not copied): reading a file goes through the browser
// and is asynchronous, and a worker busy with a lot could not start the reads of the next
// one (measured: a third of each worker's time was spent waiting for its files).
const LOT_MAX = Number(ESSAI.get('lot')) || 16;
const LOTS_EN_VOL = Number(ESSAI.get('en-vol')) || 2;
const EN_AVANCE = Number(ESSAI.get('en-avance')) || 64;
// Jobs that come by the hundred (a folder of returns); the others go one at a time.
const PAR_LOTS = new Set(['extraire', 'valider']);

class Pool {
  constructor(size) {
    this.size = size;
    this.workers = [];
    this.queue = [];
    this.nextId = 1;
    this.nextLot = 1;
    this.ctg = { version: 0, json: '' };
  }
  async start() {
    const module = await moduleReady;
    this.module = module;
    for (let i = 0; i < this.size; i++) this.workers.push(this.spawn());
    await Promise.all(this.workers.map((w) => w.ready));
  }
  spawn() {
    const w = { worker: new Worker(workerUrl), tasks: new Map(), lots: new Map(), running: null, timer: 0, ctgVersion: 0, alive: true };
    w.ready = new Promise((resolve) => {
      w.worker.onmessage = (ev) => {
        if (ev.data.type === 'pret') { this.version = ev.data.version; w.worker.onmessage = (e) => this.answer(w, e.data); w.started = true; resolve(); }
      };
    });
    w.worker.onerror = (ev) => { ev.preventDefault(); this.crash(w, 'lecture interrompue : le lecteur s\u2019est arrêté sur ce fichier'); };
    // Each worker warms up (measured: one worker warming up for all left the others' merge
    // and workbook slower).
    w.worker.postMessage({ type: 'module', module: this.module, echauffer: !ESSAI.get('sans-echauffement') });
    return w;
  }
  setCtg(json) { this.ctg = { version: this.ctg.version + 1, json: json || '' }; }
  run(job, args, { timeout = DELAI_MS, usesCtg = false } = {}) {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, args, resolve, reject, timeout, usesCtg });
      this.pump();
    });
  }
  // Lots shrink as the queue empties, so that the last files are shared between workers.
  lotSize(job) {
    if (!PAR_LOTS.has(job)) return 1;
    return Math.max(1, Math.min(LOT_MAX, Math.ceil(this.queue.length / (2 * this.workers.length))));
  }
  // Starts reading the files of the first EN_AVANCE jobs of the queue.
  readAhead() {
    let n = 0;
    for (const t of this.queue) {
      if (n++ >= EN_AVANCE) break;
      const f = t.args && t.args.fichier;
      if (!t.bytes && f instanceof Blob) {
        t.bytes = f.arrayBuffer().then((b) => new Uint8Array(b), (e) => ({ illisible: String(e && e.message || e) }));
      }
    }
  }
  // Sends a lot once its files are read. A file that could not be read goes with its cause,
  // and the worker answers it as such. A worker ended meanwhile gets nothing: its jobs are
  // back in the queue, their bytes still theirs.
  async send(w, lot) {
    const bytes = await Promise.all(lot.map((t) => t.bytes || null));
    if (!w.alive) return;
    const transfer = [];
    const msgs = lot.map((t, i) => {
      const b = bytes[i];
      t.bytes = null;
      if (!b) return { id: t.id, job: t.job, args: t.args };
      if (b.illisible !== undefined) return { id: t.id, job: t.job, args: { ...t.args, fichier: null, illisible: b.illisible } };
      transfer.push(b.buffer);
      return { id: t.id, job: t.job, args: { ...t.args, fichier: b } };
    });
    w.worker.postMessage({ lot: msgs }, transfer);
  }
  pump() {
    this.readAhead();
    for (const w of this.workers) {
      if (!w.started || !w.alive) continue;
      while (w.lots.size < LOTS_EN_VOL && this.queue.length) {
        const job = this.queue[0].job;
        const size = this.lotSize(job);
        const lot = [];
        while (lot.length < size && this.queue.length && this.queue[0].job === job) lot.push(this.queue.shift());
        if (lot.some((t) => t.usesCtg) && w.ctgVersion !== this.ctg.version) {
          w.worker.postMessage({ type: 'ctg', json: this.ctg.json, version: this.ctg.version });
          w.ctgVersion = this.ctg.version;
        }
        const lotId = this.nextLot++;
        w.lots.set(lotId, lot.length);
        for (const t of lot) { t.lot = lotId; t.started = false; w.tasks.set(t.id, t); }
        this.send(w, lot);
      }
      this.watch(w);
    }
    this.readAhead();
  }
  // A worker that says nothing for longer than its running job is allowed (between jobs,
  // DELAI_MS) is stopped, and the job rejected.
  watch(w) {
    clearTimeout(w.timer);
    if (!w.alive || !w.tasks.size) return;
    const ms = w.running ? w.running.timeout : DELAI_MS;
    const id = w.running && w.running.id;
    w.timer = setTimeout(() => this.crash(w, `lecture interrompue : le fichier n\u2019a pas été lu en ${ms / 1000}\u00a0s (arrêté)`, id), ms);
  }
  answer(w, m) {
    if (m.type === 'ctg') { if (m.erreur) this.ctgError = m.erreur; return; }
    const task = w.tasks.get(m.id);
    if (!task) return;
    if (m.type === 'debut') { task.started = true; w.running = task; this.watch(w); return; }
    if (m.plantage) { this.crash(w, m.plantage, m.id); return; }
    w.tasks.delete(m.id);
    if (w.running === task) w.running = null;
    const left = w.lots.get(task.lot) - 1;
    if (left > 0) w.lots.set(task.lot, left); else w.lots.delete(task.lot);
    if (m.erreur !== undefined) task.reject(new Error(m.erreur)); else task.resolve(m.resultat);
    this.pump();
  }
  // A worker that crashed, ran out of memory or took too long: ended and replaced. The job
  // it names (or, when it could not say, the one running, else the oldest) is rejected with
  // the cause (`interrompu`); its other jobs are run again by another worker.
  crash(w, cause, id) {
    if (!w.alive) return;
    w.alive = false;
    clearTimeout(w.timer);
    w.worker.terminate();
    const tasks = [...w.tasks.values()];
    const blamed = tasks.find((t) => t.id === id && t.started) || tasks.find((t) => t.started)
      || tasks.find((t) => t.id === id) || tasks[0];
    const i = this.workers.indexOf(w);
    const fresh = this.spawn();
    if (i >= 0) this.workers[i] = fresh;
    this.queue.unshift(...tasks.filter((t) => t !== blamed));
    if (blamed) { const e = new Error(cause); e.interrompu = true; blamed.reject(e); }
    fresh.ready.then(() => this.pump());
  }
}

const pool = new Pool(Number(ESSAI.get('travailleurs')) || Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)));
const poolReady = pool.start().then(() => { $('version').textContent = pool.version; document.body.dataset.pret = '1'; });

// ---- Files: dropped, chosen, or a whole folder ----

// Files of a folder are filtered as the command line filters a folder: lock files and
// files that are not workbooks are listed as ignored; files chosen one by one are all read.
function sortFiles(list, fromFolder) {
  const files = [], ignored = [];
  for (const { file, path } of list) {
    const name = path.split('/').pop();
    const ext = name.includes('.') ? name.split('.').pop().toLowerCase() : '';
    if (name.startsWith('~$') || name.startsWith('.~lock.')) ignored.push([path, 'fichier de verrouillage d\u2019Excel ou de LibreOffice']);
    else if (name.startsWith('.')) continue;
    else if (fromFolder && !LECTURES.has(ext)) ignored.push([path, 'pas un classeur (.xlsx, .xlsm, .xls, .ods) : déposez-le seul pour le lire quand même']);
    else files.push({ file, path });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  ignored.sort();
  return { files, ignored };
}

async function entriesOf(entry, prefix) {
  if (entry.isFile) return [{ file: await new Promise((res, rej) => entry.file(res, rej)), path: prefix + entry.name }];
  const reader = entry.createReader();
  const all = [];
  for (;;) {
    const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
    if (!batch.length) break;
    all.push(...batch);
  }
  const out = [];
  for (const e of all) out.push(...await entriesOf(e, prefix + entry.name + '/'));
  return out;
}

function dropZone(zone, onFiles) {
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('survol'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('survol'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('survol');
    const items = [...(e.dataTransfer.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (items.length) {
      const loose = [], folder = [];
      for (const it of items) (it.isFile ? loose : folder).push(...await entriesOf(it, ''));
      const a = sortFiles(loose, false), b = sortFiles(folder, true);
      onFiles({ files: [...a.files, ...b.files], ignored: [...a.ignored, ...b.ignored] });
    } else {
      onFiles(sortFiles([...e.dataTransfer.files].map((f) => ({ file: f, path: f.name })), false));
    }
  });
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); zone.querySelector('input[type=file]').click(); }
  });
}

function fromInput(input, fromFolder) {
  return sortFiles([...input.files].map((f) => ({ file: f, path: f.webkitRelativePath || f.name })), fromFolder);
}

function download(name, bytes, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

// ---- Diagnostics, shown as the command line's report holds them ----

// The part of the CTG a JSON pointer designates, as the command line groups them.
const SECTIONS = {
  convention: 'Convention', territoire: 'Territoire et compétences d\u2019AO', diagnostic: 'Annexe 1 – Diagnostic',
  equipements: 'Annexe 2 – Équipements', axes: 'Annexe 3 – Plan d\u2019actions', fiches: 'Annexe 3 – Plan d\u2019actions',
  projections: 'Annexe 3 – Projections petite enfance', pilotage: 'Annexe 4 – Pilotage', suivi: 'Suivi',
};

// Where a diagnostic is, for people: a workbook's sheet and cell (or row), a Word document's
// paragraph or table, or the part of the CTG and its field.
function placeOf(d) {
  const e = d.emplacement;
  if (e.feuille && /^(paragraphe|tableau) /.test(e.feuille)) {
    return { group: 'Dans le document', where: e.feuille + (e.cellule ? ', ' + e.cellule : '') };
  }
  if (e.feuille) return { group: 'Feuille «\u00a0' + e.feuille + '\u00a0»', where: e.cellule || (e.ligne ? 'ligne ' + e.ligne : '') };
  if (e.pointeur) return { group: SECTIONS[e.pointeur.split('/')[1]] || 'La CTG', where: e.pointeur };
  return { group: 'Le fichier', where: '' };
}

function diagnosticsTable(diags) {
  if (!diags.length) return '<p>Aucune anomalie.</p>';
  const groups = new Map();
  for (const d of diags) {
    const p = placeOf(d);
    if (!groups.has(p.group)) groups.set(p.group, []);
    groups.get(p.group).push([d, p.where]);
  }
  let html = '';
  for (const [group, list] of groups) {
    html += `<h4>${esc(group)}</h4>`;
    html += `<table class="diagnostics"><thead><tr><th scope="col">Emplacement</th><th scope="col">Gravité</th><th scope="col">Code</th><th scope="col">Message</th><th scope="col">${group.startsWith('Feuille') ? 'Valeur saisie' : 'Valeur'}</th></tr></thead><tbody>`;
    for (const [d, where] of list) {
      html += `<tr data-code="${esc(d.code)}" data-cellule="${esc(d.emplacement.cellule || '')}"><td>${esc(where)}</td><td class="grav-${esc(d.gravite)}">${esc(d.gravite)}</td><td>${esc(d.code)}</td><td>${esc(d.message)}</td><td>${esc(d.valeur ?? '')}</td></tr>`;
    }
    html += '</tbody></table>';
  }
  return html;
}

function report(commande, fichiers, diagnostics, resultat) {
  const c = { erreurs: 0, avertissements: 0, infos: 0 };
  for (const d of diagnostics) c[{ erreur: 'erreurs', avertissement: 'avertissements', info: 'infos' }[d.gravite]]++;
  return { format: 'ctg-rapport', version: 1, commande, fichiers, diagnostics, compteurs: c, resultat };
}

function interruptedEntry(path, cause) {
  const d = { code: 'CTG-E127', gravite: 'erreur', emplacement: { fichier: path }, lieu: path, message: cause, valeur: null };
  return { fichier: { fichier: path, formulaire: '', collectivite: '', nom: '', statut: { code: 'rejete', libelle: 'rejeté' }, lignes: { lues: 0, retenues: 0, rejetees: 0, non_lues: 0 }, compteurs: { erreurs: 1, avertissements: 0, infos: 0 } }, diagnostics: [d], copie_possible: false };
}

function ignoredEntry(path, why) {
  const d = { code: 'CTG-I134', gravite: 'info', emplacement: { fichier: path }, lieu: path, message: 'ignoré : ' + why, valeur: null };
  return { fichier: { fichier: path, formulaire: '', collectivite: '', nom: '', statut: { code: 'ignore', libelle: 'ignoré' }, lignes: { lues: 0, retenues: 0, rejetees: 0, non_lues: 0 }, compteurs: { erreurs: 0, avertissements: 0, infos: 1 } }, diagnostics: [d], copie_possible: false };
}

// Names of the annotated copies, distinct even when two files share a name (as the
// command line names them: x-annote.xlsx, x-2-annote.xlsx).
function annotatedName(path, ext, seen) {
  const name = path.split('/').pop();
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  const n = (seen.get(stem.toLowerCase()) || 0) + 1;
  seen.set(stem.toLowerCase(), n);
  return n === 1 ? `${stem}-annote.${ext}` : `${stem}-${n}-annote.${ext}`;
}

// ---- Vérifier des retours ----

let verified = [];

async function verifyReturns({ files, ignored }) {
  await poolReady;
  pool.setCtg('');
  verified = [];
  $('retours-actions').hidden = true;
  $('retours-resultat').innerHTML = '';
  const bar = $('retours-progression');
  bar.hidden = false; bar.max = files.length || 1; bar.value = 0;
  say('retours-etat', `Vérification de ${plural(files.length, 'fichier', 'fichiers')}…`);
  const results = await Promise.all(files.map(({ file, path }) => pool.run('valider', { nom: path, fichier: file, essai: trial(path) })
    .then((json) => JSON.parse(json), (e) => interruptedEntry(path, e.message))
    .then((r) => { bar.value++; return { ...r, file, path }; })));
  for (const [path, why] of ignored) results.push({ ...ignoredEntry(path, why), path });
  verified = results;
  bar.hidden = true;
  const t = { erreurs: 0, avertissements: 0, infos: 0 };
  for (const r of results) for (const k in t) t[k] += r.fichier.compteurs[k];
  let html = '<table id="retours-table"><caption>Fichiers vérifiés</caption><thead><tr><th scope="col">Fichier</th><th scope="col">Collectivité</th><th scope="col">Statut</th><th scope="col">Erreurs</th><th scope="col">Avertissements</th><th scope="col">Infos</th><th scope="col">Copie annotée</th></tr></thead><tbody>';
  results.forEach((r, i) => {
    const f = r.fichier;
    const who = f.nom ? `${esc(f.nom)} (${esc(f.collectivite)})` : '';
    const copy = r.copie_possible && r.diagnostics.length ? `<button data-copie="${i}">Télécharger</button>` : '';
    html += `<tr data-fichier="${esc(r.path)}"><td>${esc(r.path)}</td><td>${who}</td><td class="statut-${esc(f.statut.code)}">${esc(f.statut.libelle)}</td><td class="nombre">${f.compteurs.erreurs}</td><td class="nombre">${f.compteurs.avertissements}</td><td class="nombre">${f.compteurs.infos}</td><td>${copy}</td></tr>`;
  });
  html += '</tbody></table>';
  results.forEach((r) => {
    if (!r.diagnostics.length) return;
    html += `<details class="fichier-diagnostics" data-fichier="${esc(r.path)}"${results.length <= 5 ? ' open' : ''}><summary>${esc(r.path)} — ${plural(r.diagnostics.length, 'anomalie', 'anomalies')}</summary>${diagnosticsTable(r.diagnostics)}</details>`;
  });
  $('retours-resultat').innerHTML = html;
  $('retours-actions').hidden = false;
  $('retours-zip').disabled = !results.some((r) => r.copie_possible && r.diagnostics.length);
  say('retours-etat', `Bilan : ${plural(results.length, 'fichier', 'fichiers')}, ${plural(t.erreurs, 'erreur', 'erreurs')}, ${plural(t.avertissements, 'avertissement', 'avertissements')}, ${plural(t.infos, 'info', 'infos')}`);
}

async function annotatedCopies(list) {
  const seen = new Map();
  const out = [];
  for (const r of list) {
    try {
      const c = await pool.run('copie', { nom: r.path, fichier: r.file });
      out.push({ nom: annotatedName(r.path, c.extension, seen), octets: c.octets, remarque: c.remarque });
    } catch (e) {
      say('retours-etat', `Copie annotée impossible pour ${r.path} : ${e.message}`);
    }
  }
  return out;
}

$('retours-resultat').addEventListener('click', async (e) => {
  const i = e.target.dataset && e.target.dataset.copie;
  if (i === undefined) return;
  const r = verified[Number(i)];
  const seen = new Map();
  for (const x of verified.slice(0, Number(i))) if (x.copie_possible && x.diagnostics.length) annotatedName(x.path, 'xlsx', seen);
  const [c] = await annotatedCopies([r]);
  if (c) {
    const name = annotatedName(r.path, c.nom.split('.').pop(), seen);
    download(name, c.octets, XLSX);
    say('retours-etat', `${name} téléchargé${c.remarque ? ' — ' + c.remarque : ''}`);
  }
});

$('retours-zip').addEventListener('click', async () => {
  say('retours-etat', 'Préparation des copies annotées…');
  const copies = await annotatedCopies(verified.filter((r) => r.copie_possible && r.diagnostics.length));
  const zip = await pool.run('zip', { entrees: copies.map((c) => ({ nom: c.nom, octets: c.octets })) });
  download('copies-annotees.zip', zip, 'application/zip');
  say('retours-etat', `${plural(copies.length, 'copie annotée', 'copies annotées')} dans copies-annotees.zip`);
});

$('retours-rapport').addEventListener('click', () => {
  const rep = report('valider', verified.map((r) => r.fichier), verified.flatMap((r) => r.diagnostics), null);
  download('rapport-validation.json', JSON.stringify(rep, null, 2) + '\n', 'application/json');
});

// ---- A CTG chosen in a file input: its model as JSON ----

async function ctgOf(input) {
  const f = input.files[0];
  if (!f) return '';
  await poolReady;
  return pool.run('lireCtg', { nom: f.name, fichier: f });
}

// ---- Consolider ----

let consolidated = null;

async function consolidateReturns({ files, ignored }) {
  await poolReady;
  consolidated = null;
  $('consolider-actions').hidden = true;
  $('consolider-resultat').innerHTML = '';
  let ctgJson = '';
  try { ctgJson = await ctgOf($('consolider-ctg')); } catch (e) { say('consolider-etat', e.message); return; }
  pool.setCtg(ctgJson);
  const bar = $('consolider-progression');
  bar.hidden = false; bar.max = files.length + 1; bar.value = 0;
  say('consolider-etat', `Lecture de ${plural(files.length, 'fichier', 'fichiers')}…`);
  const started = performance.now();
  // A file's modification time decides between two returns of one collectivité when the
  // file does not carry its own saving date; the browser answers it one file at a time
  // (measured: 0.2–0.7 s for a thousand files), so it is asked only of the files that need it.
  const dates = {};
  const extracts = await Promise.all(files.map(({ file, path }) => pool.run('extraire', {
    nom: path, fichier: file, essai: trial(path), modifie: '', modele: true, plancher: ESSAI.has('plancher'),
  }, { usesCtg: true }).then((x) => {
    bar.value++;
    if (x.sansDate) dates[path] = new Date(file.lastModified).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return x.octets;
  }, (e) => { bar.value++; return { interrompu: e.message, path }; })));
  const readMs = performance.now() - started;
  // A file whose worker was stopped is consolidated as rejected with its cause.
  const interrupted = extracts.filter((x) => !(x instanceof Uint8Array));
  const good = extracts.filter((x) => x instanceof Uint8Array);
  const rejected = await Promise.all(interrupted.map((x) => pool.run('interrompu', { nom: x.path, cause: x.interrompu })));
  say('consolider-etat', 'Écriture du classeur consolidé…');
  try {
    const c = await pool.run('consolider', { extraits: jsonArray(good.concat(rejected)), ignores: JSON.stringify(ignored), dates: JSON.stringify(dates) }, { usesCtg: true, timeout: 600000 });
    bar.value++;
    consolidated = c;
    const ms = performance.now() - started;
    document.body.dataset.consolidationMs = String(Math.round(ms));
    document.body.dataset.lectureMs = String(Math.round(readMs));
    showConsolidation(c, ms);
  } catch (e) {
    say('consolider-etat', `La consolidation a échoué : ${e.message}`);
  }
  bar.hidden = true;
}

// The extracts (JSON, as bytes) as one JSON array.
function jsonArray(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + Math.max(parts.length - 1, 0) + 2);
  out[0] = 0x5b; // [
  let at = 1;
  parts.forEach((p, i) => {
    if (i) out[at++] = 0x2c; // ,
    out.set(p, at);
    at += p.length;
  });
  out[at] = 0x5d; // ]
  return out;
}

function showConsolidation(c, ms) {
  const rep = JSON.parse(c.rapport);
  const rows = JSON.parse(c.synthese);
  const l = rep.resultat.lignes;
  // The sheet as tables: a one-cell row is a heading, the row after it the column titles.
  let html = '<h3>Synthèse</h3><div id="synthese">';
  let open = false, header = false;
  for (const r of rows) {
    if (!r.length) continue;
    if (r.length === 1) {
      if (open) html += '</tbody></table>';
      open = false;
      html += `<h4>${esc(r[0])}</h4>`;
      header = true;
      continue;
    }
    if (!open) { html += '<table><tbody>'; open = true; }
    const tag = header ? 'th scope="col"' : 'td';
    // Decimals are shown with a comma (0,5); the cell's own text stays in data-brut. Whole
    // numbers are left as they are (INSEE codes and SIREN are numbers too).
    html += '<tr>' + r.map((x) => (/^-?\d+(\.\d+)?$/.test(x)
      ? `<${tag} class="nombre" data-brut="${esc(x)}">${x.replace('.', ',')}</${tag.split(' ')[0]}>`
      : `<${tag}>${esc(x)}</${tag.split(' ')[0]}>`)).join('') + '</tr>';
    header = false;
  }
  if (open) html += '</tbody></table>';
  html += '</div>';
  const bad = rep.fichiers.filter((f) => f.statut.code !== 'accepte' && f.statut.code !== 'accepte_avec_avertissements');
  if (bad.length) {
    html += '<h3>Fichiers à revoir</h3><ul>';
    for (const f of bad) html += `<li>${esc(f.statut.libelle)} : ${esc(f.fichier)}${f.motif ? ' — ' + esc(f.motif) : ''}</li>`;
    html += '</ul>';
  }
  if (rep.diagnostics.length) html += `<details><summary>${plural(rep.diagnostics.length, 'anomalie', 'anomalies')}</summary>${diagnosticsTable(rep.diagnostics)}</details>`;
  $('consolider-resultat').innerHTML = html;
  $('consolider-actions').hidden = false;
  say('consolider-etat', `${plural(rep.fichiers.length, 'fichier', 'fichiers')}, ${plural(l.lues, 'ligne lue', 'lignes lues')} = ${nf.format(l.retenues)} retenue${l.retenues > 1 ? 's' : ''} + ${nf.format(l.rejetees)} rejetée${l.rejetees > 1 ? 's' : ''} + ${nf.format(l.non_lues)} non lue${l.non_lues > 1 ? 's' : ''} ; ${plural(rep.compteurs.erreurs, 'erreur', 'erreurs')}, ${plural(rep.compteurs.avertissements, 'avertissement', 'avertissements')} (${ms < 950 ? 'en moins d\u2019une seconde' : 'en ' + (ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) + '\u00a0s'})`);
}

$('consolider-classeur').addEventListener('click', () => consolidated && download('consolide.xlsx', consolidated.classeur, XLSX));
$('consolider-modele').addEventListener('click', () => consolidated && download('consolide.json', consolidated.modele, 'application/json'));
$('consolider-rapport').addEventListener('click', () => consolidated && download('rapport-consolidation.json', consolidated.rapport + '\n', 'application/json'));

// ---- Profil de la Caf (local storage) ----

const PROFIL = 'ctg.profil';
function loadProfile() {
  try { return JSON.parse(localStorage.getItem(PROFIL) || '{}'); } catch (_) { return {}; }
}
function profileJson(p) {
  const out = { contact: p.contact || '', caf: { nom: p.nom || '', departement: p.departement || '', president: p.president || '', directeur: p.directeur || '' } };
  if (p.delai !== undefined && p.delai !== '') out.delai_reponse_jours = Number(p.delai);
  return JSON.stringify(out);
}
function showProfile() {
  const p = loadProfile();
  for (const k of ['nom', 'departement', 'president', 'directeur', 'contact', 'delai']) $('profil-' + k).value = p[k] ?? '';
  $('profil-logo-nom').textContent = p.logoNom ? `logo enregistré : ${p.logoNom}` : '';
}
$('profil-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const p = loadProfile();
  for (const k of ['nom', 'departement', 'president', 'directeur', 'contact', 'delai']) p[k] = $('profil-' + k).value.trim();
  const logo = $('profil-logo').files[0];
  if (logo) {
    const b = new Uint8Array(await logo.arrayBuffer());
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    p.logo = btoa(s); p.logoNom = logo.name;
  }
  try {
    localStorage.setItem(PROFIL, JSON.stringify(p));
    say('profil-etat', 'Profil enregistré dans ce navigateur.');
  } catch (err) {
    say('profil-etat', `Profil non enregistré : ${err.message}`);
  }
  showProfile();
});
$('profil-effacer').addEventListener('click', () => { localStorage.removeItem(PROFIL); showProfile(); say('profil-etat', 'Profil effacé.'); });

// ---- Formulaires, Convention, Importer, Vérifier ----

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
$('formulaires-date').value = today();

$('formulaires-go').addEventListener('click', async () => {
  try {
    if (!$('formulaires-ctg').files[0]) { say('formulaires-etat', 'Choisissez d\u2019abord la CTG.'); return; }
    say('formulaires-etat', 'Préparation des formulaires…');
    const ctg = await ctgOf($('formulaires-ctg'));
    const zip = await pool.run('formulaires', {
      ctg, date: $('formulaires-date').value || today(), profil: profileJson(loadProfile()),
      trimestre: $('formulaires-trimestre').value.trim(), dateLimite: $('formulaires-limite').value,
    });
    download('formulaires.zip', zip, 'application/zip');
    say('formulaires-etat', 'formulaires.zip téléchargé.');
  } catch (e) { say('formulaires-etat', e.message); }
});

$('convention-go').addEventListener('click', async () => {
  try {
    if (!$('convention-ctg').files[0]) { say('convention-etat', 'Choisissez d\u2019abord la CTG.'); return; }
    say('convention-etat', 'Écriture de la convention…');
    const ctg = await ctgOf($('convention-ctg'));
    const p = loadProfile();
    const docx = await pool.run('convention', { ctg, profil: profileJson(p), logoNom: p.logoNom || '', logo: p.logo ? base64Bytes(p.logo) : null });
    download('convention.docx', docx, DOCX);
    say('convention-etat', 'convention.docx téléchargé.');
  } catch (e) { say('convention-etat', e.message); }
});

let imported = null;
$('importer-fichier').addEventListener('change', async () => {
  const f = $('importer-fichier').files[0];
  if (!f) return;
  await poolReady;
  $('importer-actions').hidden = true;
  say('importer-etat', `Import de ${f.name}…`);
  try {
    imported = await pool.run('importer', { nom: f.name, fichier: f });
  } catch (e) {
    const rep = report('importer', [], [interruptedEntry(f.name, e.message).diagnostics[0]], null);
    imported = { modele: '', rapport: JSON.stringify(rep) };
  }
  const rep = JSON.parse(imported.rapport);
  let html = '';
  const doc = rep.resultat && rep.resultat.document;
  if (doc) {
    html += `<p>${plural(doc.paragraphes, 'paragraphe', 'paragraphes')}, ${plural(doc.tableaux, 'tableau', 'tableaux')} ; ${plural(doc.fiches.length, 'fiche-action reconnue', 'fiches-action reconnues')} ; lignes du document\u00a0: ${nf.format(doc.lignes)}, placées\u00a0: ${nf.format(doc.placees)}, non placées\u00a0: ${nf.format(doc.non_places.length)}.</p>`;
    if (doc.fiches.length) {
      html += '<table><caption>Fiches-action</caption><thead><tr><th scope="col">Fiche</th><th scope="col">Titre</th><th scope="col">Rubriques reconnues</th></tr></thead><tbody>';
      for (const f of doc.fiches) html += `<tr><td>${esc(f.id)}</td><td>${esc(f.titre)}</td><td class="nombre">${f.champs.length}</td></tr>`;
      html += '</tbody></table>';
    }
  }
  html += diagnosticsTable(rep.diagnostics);
  $('importer-resultat').innerHTML = html;
  $('importer-actions').hidden = !imported.modele;
  say('importer-etat', imported.modele ? `${f.name} importé : ${plural(rep.compteurs.erreurs, 'erreur', 'erreurs')}, ${plural(rep.compteurs.avertissements, 'avertissement', 'avertissements')}` : `${f.name} refusé`);
});
$('importer-modele').addEventListener('click', () => imported && download('ctg.json', imported.modele, 'application/json'));
$('importer-rapport').addEventListener('click', () => imported && download('rapport-import.json', imported.rapport + '\n', 'application/json'));

$('verifier-fichier').addEventListener('change', async () => {
  const f = $('verifier-fichier').files[0];
  if (!f) return;
  await poolReady;
  say('verifier-etat', `Vérification de ${f.name}…`);
  let rep;
  try { rep = JSON.parse(await pool.run('verifier', { nom: f.name, fichier: f })); } catch (e) { rep = report('verifier', [], [interruptedEntry(f.name, e.message).diagnostics[0]], null); }
  $('verifier-resultat').innerHTML = diagnosticsTable(rep.diagnostics);
  say('verifier-etat', `${f.name} : ${plural(rep.compteurs.erreurs, 'erreur', 'erreurs')}, ${plural(rep.compteurs.avertissements, 'avertissement', 'avertissements')}, ${plural(rep.compteurs.infos, 'info', 'infos')}`);
});

// ---- Drops and inputs of returns ----

dropZone(document.querySelector('[data-cible=retours]'), verifyReturns);
dropZone(document.querySelector('[data-cible=consolider]'), consolidateReturns);
// Single-file fields: the chosen file's name beside the page's own button (the browser's
// native field speaks the browser's language, not the page's).
for (const input of document.querySelectorAll('input[type=file]:not([multiple])')) {
  const shown = $(input.id + '-choisi') || $(input.id + '-nom');
  if (shown) input.addEventListener('change', () => { shown.textContent = input.files[0] ? input.files[0].name : 'aucun fichier choisi'; });
}

$('retours-fichiers').addEventListener('change', (e) => verifyReturns(fromInput(e.target, false)));
$('retours-dossier').addEventListener('change', (e) => verifyReturns(fromInput(e.target, true)));
$('consolider-fichiers').addEventListener('change', (e) => consolidateReturns(fromInput(e.target, false)));
$('consolider-dossier').addEventListener('change', (e) => consolidateReturns(fromInput(e.target, true)));

// ---- Tabs (arrow keys move between them, as screen readers expect) ----

const tabs = [...document.querySelectorAll('[role=tab]')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  tab.focus();
}
tabs.forEach((t, i) => {
  t.addEventListener('click', () => select(t));
  t.addEventListener('keydown', (e) => {
    const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (k) { e.preventDefault(); select(tabs[(i + k + tabs.length) % tabs.length]); }
    if (e.key === 'Home') { e.preventDefault(); select(tabs[0]); }
    if (e.key === 'End') { e.preventDefault(); select(tabs[tabs.length - 1]); }
  });
});
showProfile();
