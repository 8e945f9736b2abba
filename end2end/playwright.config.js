// Runs the built compute-ledger binary on a fresh SQLite file with the demo ledger and drives
// Debian's Chromium. scripts/test.sh sets LEDGER_BIN and LEDGER_SITE_ROOT after the build.
const { defineConfig } = require('@playwright/test');
const fs = require('fs');
const os = require('os');
const path = require('path');

const port = process.env.LEDGER_E2E_PORT || '3107';
const repo = path.resolve(__dirname, '..');
const bin = process.env.LEDGER_BIN || path.join(repo, 'target/debug/compute-ledger');
const siteRoot = process.env.LEDGER_SITE_ROOT || path.join(repo, 'target/site');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-e2e-'));
const { PASSWORD: password } = require('./tests/session');

module.exports = defineConfig({
  testDir: './tests',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
    viewport: { width: 1280, height: 800 },
  },
  webServer: {
    // One user per role (see tests/session.js), then the app with the demo ledger.
    command: `sh -c 'for role in viewer editor analyst admin; do echo "${password}" | "${bin}" user add $role --role $role || exit 1; done; exec "${bin}" serve --addr 127.0.0.1:${port}'`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db?mode=rwc`,
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LOG: 'info',
    },
  },
});
