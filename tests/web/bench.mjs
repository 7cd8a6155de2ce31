// Benchmark of the page (not a test): opens dist/ctg.html from disk in headless Chromium,
// measures when it is usable, then consolidates the returns of a folder (and the CTG) as a
// user would, N times; prints the times the page measured (reading + merge + workbook).
// Usage: node bench.mjs PAGE.html RETURNS_DIR CTG.json [RUNS=3]
// Environment, to compare variants: HASH (the page's address hooks, e.g. `#travailleurs=1`),
// ATTENTE (ms to wait after the page is usable, as a user choosing files would),
// CHROMIUM_ARGS (more command-line switches for Chromium).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [pagePath, dir, ctg, runs = '3'] = process.argv.slice(2);
const files = fs.readdirSync(dir).filter((f) => /\.(xlsx|ods|xls)$/.test(f)).sort().map((f) => path.join(dir, f));
const browser = await chromium.launch({
  executablePath: process.env.CTG_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync', ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : [])],
});
const context = await browser.newContext();
await context.setOffline(true);
const ready = [];
const times = [];
const lecture = [];
for (let i = 0; i < Number(runs); i++) {
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(pagePath) + (process.env.HASH || ''));
  // Usable: the tabs answer and the workers have their module.
  await page.waitForSelector('body[data-pret="1"]', { state: 'attached' });
  ready.push(Date.now() - t0);
  if (process.env.ATTENTE) await page.waitForTimeout(Number(process.env.ATTENTE));
  await page.click('#tab-consolider');
  await page.setInputFiles('#consolider-ctg', ctg);
  await page.evaluate(() => { delete document.body.dataset.consolidationMs; });
  await page.setInputFiles('#consolider-fichiers', files);
  await page.waitForFunction(() => document.body.dataset.consolidationMs, null, { timeout: 600000 });
  times.push(Number(await page.evaluate(() => document.body.dataset.consolidationMs)));
  lecture.push(Number(await page.evaluate(() => document.body.dataset.lectureMs)));
  await page.close();
}
await browser.close();
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
console.log(JSON.stringify({ fichiers: files.length, pret_ms: ready, pret_median_ms: median(ready), consolidation_ms: times, consolidation_median_ms: median(times), lecture_ms: lecture, taille_octets: fs.statSync(pagePath).size }));
