const { test, expect } = require('@playwright/test');
const path = require('path');
const { signIn } = require('./session');

test('the contracts page lists the demo contracts and sorts them in the browser', async ({ page }) => {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));

  await signIn(page, 'viewer');
  await page.goto('/contracts');
  await expect(page.getByRole('heading', { name: 'Contracts' })).toBeVisible();
  const table = page.locator('#contracts');
  await expect(table.getByRole('rowheader', { name: 'AWS-2025-38B' })).toBeVisible();
  await expect(table.locator('tbody tr').first().locator('th')).toHaveText('AWS-2025-38B');
  await expect(table.locator('tbody tr', { hasText: 'AWS-2025-38B' })).toContainText('38,000,000,000.00 USD');

  // Sorting is client-side: it only works once the wasm has hydrated the page.
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const committed = page.getByRole('button', { name: 'Committed' });
  await committed.click();
  // The smallest commitment as written: the colocation contract's 900M (in pounds; the list
  // sorts the amounts as recorded).
  await expect(table.locator('tbody tr').first().locator('th')).toHaveText('KAO-2025-GBP');
  await committed.click();
  await expect(table.locator('tbody tr').first().locator('th')).toHaveText('OCI-2027-300B');
  await expect(page.locator('th[aria-sort="descending"]')).toContainText('Committed');

  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'home.png'), fullPage: true });
  expect(problems, 'no errors in the browser console (e.g. hydration mismatches)').toEqual([]);
});

test('healthz answers', async ({ request }) => {
  const res = await request.get('/healthz');
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe('ok\n');
});
