// Exchange rates entered by hand: a bad rate is refused beside its field, a good one listed.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

test('a rate is refused beside its field, then recorded and listed', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/rates');
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const form = page.locator('form', { hasText: 'Record a rate' });
  await form.getByLabel('Date').fill('2026-11-27');
  await form.getByLabel('Currency').fill('GBP');
  await form.getByLabel('Rate').fill('0,8468');
  await form.getByRole('button', { name: 'Record rate' }).click();
  await expect(form.locator('#rate-rate-error')).toContainText('not a plain decimal number');
  await form.getByLabel('Rate').fill('0.8468');
  await form.getByRole('button', { name: 'Record rate' }).click();
  await expect(form.getByRole('status')).toHaveText(/^0\.8468 GBP per EUR on 2026-11-27 (recorded|was already recorded)\.$/);
  const row = page.locator('#rates tbody tr', { hasText: 'GBP' }).first();
  await expect(row).toContainText('2026-11-27');
  await expect(row).toContainText('0.8468');
});
