// The demo's picture: migrates PROCESS to NODE from the dashboard's own form and takes a screenshot of the page
// while the figure shows it (5 s after the commit, so that the response times after the migration are drawn too).
//   node dashboard-shot.js URL PROCESS NODE OUT.png [--mode pre-copy] [--token T]
// Prints one line: the file written, or why not (exit code 1).
'use strict';
const { openBrowser } = require('./browser');

async function main() {
  const [url, proc, node, out] = process.argv.slice(2);
  const opts = process.argv.slice(6);
  const opt = (name, dflt) => { const i = opts.indexOf(name); return i >= 0 ? opts[i + 1] : dflt; };
  if (!url || !proc || !node || !out) {
    console.error('usage: node dashboard-shot.js URL PROCESS NODE OUT.png [--mode MODE] [--token T]');
    process.exit(2);
  }
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(url);
    await page.waitForSelector(`tr[data-process="${proc}"]`, { timeout: 15000 });
    const token = opt('--token', process.env.CARAVAN_TOKEN || '');
    if (token) await page.fill('#token', token);
    await page.waitForTimeout(4000); // a few seconds of response times before the migration, for the figure
    await page.selectOption('#form-migrate select[name=process]', proc);
    await page.selectOption('#form-migrate select[name=to]', node);
    await page.selectOption('#form-migrate select[name=mode]', opt('--mode', 'pre-copy'));
    await page.click('#form-migrate button');
    await page.waitForFunction(() => ['ok', 'error'].includes(document.querySelector('#action-status').getAttribute('data-state')),
      null, { timeout: 120000 });
    if (await page.getAttribute('#action-status', 'data-state') === 'error') {
      throw new Error(await page.textContent('#action-status'));
    }
    await page.waitForFunction(() => +document.querySelector('#figure').getAttribute('data-points-after-migration') >= 50,
      null, { timeout: 20000 });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out} (${(await page.textContent('#migration')).trim()})`);
  } finally {
    await browser.close();
  }
}

main().catch(e => { console.log(`no dashboard screenshot: ${String(e.message).split('\n')[0]}`); process.exit(1); });
