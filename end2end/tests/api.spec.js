// The API reference page reads the OpenAPI document the server generates and shows every
// operation; a script with a token records an entry through the API and the page sees it.
const { test, expect } = require('@playwright/test');
const path = require('path');
const { signIn } = require('./session');

test('the API reference lists every operation of the OpenAPI document', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/account');
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  await page.locator('#api-reference').click();
  await expect(page).toHaveURL(/\/api-docs\.html$/);
  const doc = await (await page.request.get('/api/v1/openapi.json')).json();
  const documented = Object.values(doc.paths)
    .flatMap((ops) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'delete'].includes(m)))
    .length;
  expect(documented).toBeGreaterThan(30);
  await expect(page.locator('#api-operations')).toHaveAttribute('data-operations', String(documented));
  const usage = page.locator('.api-operation')
    .filter({ has: page.locator('h3', { hasText: /^POST \/api\/v1\/usage$/ }) });
  await expect(usage).toContainText('Idempotency-Key');
  await expect(usage.locator('.api-fields')).toContainText('amount');
  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'api-reference.png') });
});
