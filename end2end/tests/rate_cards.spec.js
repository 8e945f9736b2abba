// Rate cards entered by hand: a bad price is refused beside its field, a good card listed.
// The card recorded here starts on a day after any the demo may hold, so it is new and among
// the first listed (the latest days come first).
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

test('a rate card is refused beside its field, then recorded and listed', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/rate-cards');
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const form = page.locator('form', { hasText: 'Record a rate card' });
  await form.getByLabel('Contract').fill('AWS-2025-38B');
  await form.getByLabel('Resource').fill('GB300');
  await form.getByLabel('From').fill('2030-01-05');
  await form.getByLabel('Price per unit-hour').fill('11,50');
  await form.getByLabel('Utilisation %').fill('85');
  await form.getByRole('button', { name: 'Record rate card' }).click();
  await expect(form.locator('#rate-card-price-error')).toContainText('not a plain decimal number');
  await form.getByLabel('Price per unit-hour').fill('11.50');
  await form.getByRole('button', { name: 'Record rate card' }).click();
  await expect(form.getByRole('status')).toHaveText(
    /^AWS-2025-38B GB300 from 2030-01-05: 11\.5 per unit-hour at 85% utilisation (recorded|was already recorded)\.$/);
  const row = page.locator('#rate-cards tbody tr', { hasText: '2030-01-05' }).first();
  await expect(row).toContainText('AWS-2025-38B');
  await expect(row).toContainText('GB300');
  await expect(row).toContainText('11.5');
  await expect(row).toContainText('85%');
});
