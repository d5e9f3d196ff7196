// The dashboard's browser checks, run by caravan-system-tests (DashboardBrowserTest) against a live cluster:
//   node dashboard-check.js URL --nodes N --process NAME --screenshots DIR [--token TOKEN]
// 1. the page shows N nodes and the process; 2. a migration started from the page's form commits and is drawn
// (points after its end, the migration's span and its downtime marked); 3. the node that hosts the process,
// drained from the page, empties. One line per check, PASS or FAIL, then a summary; exit code 0 when all passed,
// 1 when any failed, 2 on bad usage. A failed check leaves a screenshot DIR/dashboard-CHECK.png.
'use strict';
const path = require('path');
const { openBrowser } = require('./browser');

function usage(msg) {
  console.error(`dashboard-check: ${msg}\nusage: node dashboard-check.js URL --nodes N --process NAME --screenshots DIR [--token T]`);
  process.exit(2);
}

function parse(argv) {
  const o = { url: argv[0], nodes: 3, process: null, screenshots: '.', token: '' };
  if (!o.url || !/^https?:\/\//.test(o.url)) usage('the first argument is the dashboard URL');
  for (let i = 1; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) usage(`${argv[i]} needs a value`);
    switch (argv[i]) {
      case '--nodes': o.nodes = +v; break;
      case '--process': o.process = v; break;
      case '--screenshots': o.screenshots = v; break;
      case '--token': o.token = v; break;
      default: usage(`unknown option ${argv[i]}`);
    }
  }
  if (!o.process) usage('--process is required');
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const browser = await openBrowser();
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  let failed = 0;
  async function check(name, body) {
    try {
      const detail = await body();
      console.log(`PASS ${name} ${detail || ''}`.trim());
    } catch (e) {
      failed++;
      const shot = path.join(o.screenshots, `dashboard-${name}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`FAIL ${name} ${String(e.message).split('\n')[0]} (screenshot ${shot})`);
    }
  }
  const text = sel => page.locator(sel).first().textContent();

  await check('page', async () => {
    await page.goto(o.url);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 15000 });
    if (o.token) {
      await page.fill('#token', o.token);
      await page.waitForSelector('#token-note[data-token="set"]', { timeout: 5000 });
    }
    return 'stream live';
  });

  let from = null;
  await check('nodes-and-process', async () => {
    await page.waitForFunction(n => document.querySelectorAll('.node[data-node]').length === n, o.nodes, { timeout: 15000 });
    await page.waitForSelector(`tr[data-process="${o.process}"]`, { timeout: 15000 });
    await page.waitForSelector(`.chip[data-process-chip="${o.process}"]`, { timeout: 15000 });
    from = await page.getAttribute(`tr[data-process="${o.process}"]`, 'data-node');
    return `${o.nodes} nodes, ${o.process} on ${from}`;
  });

  let to = null;
  await check('migrate', async () => {
    const nodes = await page.$$eval('.node[data-node]', els => els.map(e => e.getAttribute('data-node')));
    to = nodes.find(n => n !== from);
    await page.selectOption('#form-migrate select[name=process]', o.process);
    await page.selectOption('#form-migrate select[name=to]', to);
    await page.selectOption('#form-migrate select[name=mode]', 'pre-copy');
    await page.click('#form-migrate button');
    // The status line follows this action (by its id) until it ends: ok, or error with the one-line reason.
    await page.waitForFunction(() => ['ok', 'error'].includes(document.querySelector('#action-status').getAttribute('data-state')),
      null, { timeout: 60000 });
    const state = await page.getAttribute('#migration', 'data-state');
    if (state !== 'committed') throw new Error(`the migration ended ${state}: ${await text('#migration')} ${await text('#action-status')}`);
    await page.waitForSelector(`tr[data-process="${o.process}"][data-node="${to}"]`, { timeout: 15000 });
    return `${o.process} ${from} → ${to}: ${(await text('#migration')).trim()}`;
  });

  await check('migration-drawn', async () => {
    await page.waitForFunction(p => {
      const f = document.querySelector('#figure');
      return f.getAttribute('data-process') === p && +f.getAttribute('data-points-after-migration') >= 5;
    }, o.process, { timeout: 20000 });
    const spans = await page.locator('#figure rect.migration-span').count();
    const downtime = await page.locator('#figure rect.downtime').count();
    if (spans !== 1) throw new Error(`the figure marks ${spans} migration spans, expected 1`);
    if (downtime !== 1) throw new Error(`the figure marks ${downtime} downtimes, expected 1 (pre-copy freezes once)`);
    const pts = await page.getAttribute('#figure', 'data-points');
    const after = await page.getAttribute('#figure', 'data-points-after-migration');
    return `${pts} points, ${after} after the migration, span and downtime marked`;
  });

  await check('drain', async () => {
    const node = to;
    await page.selectOption('#form-drain select[name=node]', node);
    await page.click('#form-drain button');
    await page.waitForFunction(() => ['ok', 'error'].includes(document.querySelector('#action-status').getAttribute('data-state')),
      null, { timeout: 90000 });
    if (await page.getAttribute('#action-status', 'data-state') === 'error') throw new Error(await text('#action-status'));
    await page.waitForFunction(n => {
      const card = document.querySelector(`.node[data-node="${n}"]`);
      return card && card.querySelectorAll('.chip').length === 0 && card.querySelector('.badge.cordoned') !== null;
    }, node, { timeout: 90000 });
    const now = await page.getAttribute(`tr[data-process="${o.process}"]`, 'data-node');
    if (now === node) throw new Error(`${o.process} is still listed on ${node}`);
    return `${node} is empty and cordoned; ${o.process} now on ${now}`;
  });

  await check('no-page-errors', async () => {
    if (problems.length) throw new Error(problems.join('; '));
    return '';
  });

  await browser.close();
  console.log(failed === 0 ? 'all dashboard checks passed' : `${failed} dashboard check(s) failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch(e => { console.log(`FAIL setup ${String(e.message).split('\n')[0]}`); process.exit(1); });
