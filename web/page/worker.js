// One worker of the page's pool: runs ctg's WebAssembly on one job at a time. The page
// builds it from a Blob (wasm-bindgen's glue for `--target no-modules` comes first, giving
// the global `wasm_bindgen`), sends it the compiled module, then jobs. A job that crashes
// the WebAssembly (panic, memory refused) is answered with its cause; the page then ends
// this worker and starts another, as the command line restarts a worker process.
'use strict';

let ready = false;
let warming = false;

// The warm-up's steps (see `echauffer` in web/src/lib.rs), each a few milliseconds, run
// between messages: a job that comes ends the warm-up after the step under way.
function warmUp() {
  const channel = new MessageChannel();
  let step = 0;
  warming = true;
  channel.port1.onmessage = () => {
    if (!warming) return;
    let more = false;
    try { more = wasm_bindgen.echauffer(step++); } catch (_) { more = false; }
    if (more) channel.port2.postMessage(0); else warming = false;
  };
  channel.port2.postMessage(0);
}

// The SHA-256 of each file a lot consolidates, in hexadecimal, from the browser's own
// implementation: native and computed off this thread while the lot waits for its bytes,
// where the WebAssembly's took a twentieth of a return's time. Only in a secure context
// (a page opened from disk or served over HTTPS); elsewhere, and on any failure, the
// WebAssembly computes it ('').
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function digests(lot, bytes) {
  const subtle = self.crypto && self.crypto.subtle;
  const wanted = (t, b) => subtle && t.job === 'extraire' && b instanceof Uint8Array
    && !(t.args && t.args.plancher);
  return Promise.all(lot.map((t, i) => (wanted(t, bytes[i])
    ? subtle.digest('SHA-256', bytes[i])
      .then((d) => Array.from(new Uint8Array(d), (x) => HEX[x]).join(''))
      .catch(() => '')
    : '')));
}

function bytesOf(file) {
  return file instanceof Uint8Array ? Promise.resolve(file)
    : file.arrayBuffer().then((b) => new Uint8Array(b));
}

// Each job gets the bytes of its file (`b`, read before it starts) and runs synchronously.
// Jobs come in lots (`{ lot: [{ id, job, args }] }`, see the page's pool).
const jobs = {
  valider(a, b) { return wasm_bindgen.valider(a.nom, b); },
  copie(a, b) {
    const c = wasm_bindgen.copie_annotee(a.nom, b);
    const r = { octets: c.octets, extension: c.extension, remarque: c.remarque };
    c.free();
    return r;
  },
  extraire(a, b, empreinte) {
    // Benchmarks only (`#plancher`): the first file's extract for every file.
    const first = self.premierExtrait;
    if (a.plancher && first) return { octets: first.octets.slice(), sansDate: first.sansDate };
    const x = wasm_bindgen.extraire(a.nom, b, empreinte || '', a.modifie || '', a.modele);
    const e = { octets: x.octets, sansDate: x.sansDate };
    x.free();
    if (a.plancher) self.premierExtrait = { octets: e.octets.slice(), sansDate: e.sansDate };
    return e;
  },
  interrompu(a) { return wasm_bindgen.extrait_interrompu(a.nom, a.cause); },
  consolider(a) {
    const c = wasm_bindgen.consolider(a.extraits, a.ignores, a.dates || '{}');
    const r = { rapport: c.rapport, classeur: c.classeur, modele: c.modele, synthese: c.synthese };
    c.free();
    return r;
  },
  lireCtg(a, b) { return wasm_bindgen.lire_ctg(a.nom, b); },
  formulaires(a) { return wasm_bindgen.formulaires(a.ctg, a.date, a.trimestre || '', a.dateLimite || '', a.profil); },
  convention(a) { return wasm_bindgen.convention(a.ctg, a.profil, a.logoNom, a.logo || new Uint8Array()); },
  importer(a, b) {
    const i = wasm_bindgen.importer(a.nom, b);
    const r = { modele: i.modele, rapport: i.rapport };
    i.free();
    return r;
  },
  verifier(a, b) { return wasm_bindgen.verifier(a.nom, b); },
  zip(a) {
    const z = new wasm_bindgen.Archive();
    for (const e of a.entrees) z.ajouter(e.nom, e.octets);
    const out = z.terminer();
    z.free();
    return out;
  },
};

self.onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === 'module') {
    wasm_bindgen.initSync({ module: m.module });
    wasm_bindgen.demarrer();
    ready = true;
    self.postMessage({ type: 'pret', version: wasm_bindgen.version() });
    // In the background while the user chooses files, one short step at a time, until the
    // first job comes (the page is usable meanwhile).
    if (m.echauffer) warmUp();
    return;
  }
  warming = false;
  if (m.type === 'ctg') {
    try {
      wasm_bindgen.definir_ctg(m.json);
      self.postMessage({ type: 'ctg', version: m.version });
    } catch (e) {
      self.postMessage({ type: 'ctg', version: m.version, erreur: String(e && e.message || e) });
    }
    return;
  }
  const lot = m.lot || [];
  if (!ready) {
    for (const t of lot) self.postMessage({ id: t.id, erreur: "le module n'est pas chargé" });
    return;
  }
  // The page sends the bytes of the files it has read (or why one could not be read); a
  // file given as such is read here. Then the jobs run one after the other without
  // yielding, each announced: the page knows which job a hang or a crash is in.
  const bytes = await Promise.all(lot.map((t) => (t.args && t.args.illisible !== undefined
    ? { illisible: t.args.illisible }
    : t.args && t.args.fichier
      ? bytesOf(t.args.fichier).catch((e) => ({ illisible: String(e && e.message || e) }))
      : null)));
  const sha = await digests(lot, bytes);
  for (let i = 0; i < lot.length; i++) {
    const t = lot[i];
    if (bytes[i] && bytes[i].illisible) {
      self.postMessage({ id: t.id, erreur: `le fichier n\u2019a pas pu être lu : ${bytes[i].illisible}` });
      continue;
    }
    self.postMessage({ type: 'debut', id: t.id });
    try {
      if (t.args && t.args.essai === 'plantage') wasm_bindgen.essai_interruption(false);
      if (t.args && t.args.essai === 'memoire') wasm_bindgen.essai_interruption(true);
      if (t.args && t.args.essai === 'blocage') for (;;) { /* a reader that never ends */ }
      const result = jobs[t.job](t.args, bytes[i], sha[i]);
      const transfer = result instanceof Uint8Array ? [result.buffer]
        : (result && result.classeur instanceof Uint8Array) ? [result.classeur.buffer]
        : (result && result.octets instanceof Uint8Array) ? [result.octets.buffer] : [];
      self.postMessage({ id: t.id, resultat: result }, transfer);
    } catch (e) {
      // A Rust error (JsError) is an answer; a trap (RuntimeError) means the instance is
      // lost: the page ends this worker, and the rest of the lot goes to another.
      if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
        let cause = '';
        try { cause = wasm_bindgen.cause_interruption(); } catch (_) { cause = ''; }
        self.postMessage({ id: t.id, plantage: cause || 'lecture interrompue : le lecteur s\u2019est arrêté sur ce fichier' });
        return;
      }
      self.postMessage({ id: t.id, erreur: String(e && e.message || e) });
    }
  }
};
