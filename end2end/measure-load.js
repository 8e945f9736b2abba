// How long `/` takes to load and hydrate in Chromium, signed in, with an empty browser cache
// (a first visit: HTML, CSS, JS and the wasm all fetched) and with a warm one. Prints the
// median and the slowest of RUNS loads each, and the wasm a first visit fetches (the main
// module and the chunks of the page, as sent). Run by scripts/measure-bundle.sh, which starts
// the server; not a test (nothing here asserts a time).
const { chromium } = require('@playwright/test');

const base = process.env.LEDGER_URL;
const user = process.env.LEDGER_USER;
const password = process.env.LEDGER_PASSWORD;
const runs = Number(process.env.RUNS || 10);

async function loadMs(page, fetched) {
  if (fetched) {
    page.on('requestfinished', async (request) => {
      if (!request.url().endsWith('.wasm')) return;
      const sizes = await request.sizes();
      fetched.push(sizes.responseBodySize);
    });
  }
  const start = Date.now();
  await page.goto(`${base}/`, { waitUntil: 'commit' });
  await page.waitForSelector('main[data-hydrated="true"]', { timeout: 30_000 });
  return Date.now() - start;
}

const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms, slowest ${sorted[sorted.length - 1]} ms`;
};

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  const signIn = await browser.newContext();
  const page = await signIn.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('main[data-hydrated="true"]');
  const session = await signIn.storageState();

  const cold = [];
  let wasm = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ storageState: session });
    const fetched = [];
    cold.push(await loadMs(await context.newPage(), fetched));
    // Chunks preloaded but not needed for hydration may finish after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    wasm = fetched;
    await context.close();
  }
  const warm = [];
  await loadMs(page);
  for (let i = 0; i < runs; i++) warm.push(await loadMs(page));
  const total = wasm.reduce((a, b) => a + b, 0);
  console.log(`wasm fetched by a first visit: ${wasm.length} files, ${total} bytes as sent`);
  console.log(`first visit (empty cache): ${summary(cold)}`);
  console.log(`again (cache warm):        ${summary(warm)}`);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
