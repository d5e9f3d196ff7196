// Starts Debian's Chromium (/usr/bin/chromium, or $CARAVAN_CHROMIUM) headless through playwright-core, with a fresh
// profile directory that is removed on close. Shared by dashboard-check.js (the browser tests) and
// dashboard-shot.js (the demo's screenshot).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const EXECUTABLE = process.env.CARAVAN_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function openBrowser() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(`no Chromium at ${EXECUTABLE}: install Debian's chromium package (apt-get install chromium)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'caravan-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE, headless: true, args: ARGS, viewport: { width: 1280, height: 1000 },
  });
  return {
    context,
    async close() {
      try { await context.close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
    },
  };
}

module.exports = { openBrowser };
