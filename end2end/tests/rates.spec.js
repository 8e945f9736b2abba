// Exchange rates entered by hand: a bad rate is refused beside its field, a good one listed.
// The demo holds EUR rates for every weekday up to today; the rate recorded here is on a
// Saturday after them, so it is new and the newest listed.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

test('a rate is refused beside its field, then recorded and listed', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/rates');
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const form = page.locator('form', { hasText: 'Record a rate' });
  await form.getByLabel('Date').fill('2030-01-05');
  await form.getByLabel('Currency').fill('GBP');
  await form.getByLabel('Rate').fill('0,8468');
  await form.getByRole('button', { name: 'Record rate' }).click();
  await expect(form.locator('#rate-rate-error')).toContainText('not a plain decimal number');
  await form.getByLabel('Rate').fill('0.8468');
  await form.getByRole('button', { name: 'Record rate' }).click();
  await expect(form.getByRole('status')).toHaveText(/^0\.8468 GBP per EUR on 2030-01-05 (recorded|was already recorded)\.$/);
  const row = page.locator('#rates tbody tr', { hasText: 'GBP' }).first();
  await expect(row).toContainText('2030-01-05');
  await expect(row).toContainText('0.8468');
});
