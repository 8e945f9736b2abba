// Closing the books: a vendor statement reconciled on the contract page (one that differs,
// one that agrees), and a month closed by an admin refusing a usage entry beside its date
// until it is reopened.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');
const path = require('path');

const shots = path.join(__dirname, '..', 'screenshots');

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

test('a vendor statement shows whether the ledger agrees', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/contracts/LAMBDA-2026-1B');
  await hydrated(page);
  const form = page.locator('form', { hasText: 'Record a vendor statement' });
  await form.getByLabel('Consumed as of').fill('2026-03-31');
  await form.getByLabel('Consumed per the vendor').fill('1.00');
  await form.getByRole('button', { name: 'Reconcile' }).click();
  await expect(form.getByRole('status')).toContainText('recorded.');
  const differs = page.locator('#statements tbody tr', { hasText: '2026-03-31' }).first();
  await expect(differs).toContainText('Differs beyond tolerance');
  await expect(differs).toHaveAttribute('data-agrees', 'false');

  // The vendor's corrected figure: what the ledger says, to the cent.
  const ledger = (await differs.locator('td').nth(1).textContent()).replace(/[^0-9.]/g, '');
  await form.getByLabel('Consumed per the vendor').fill(ledger);
  await form.getByRole('button', { name: 'Reconcile' }).click();
  await expect(page.locator('#statements tbody tr[data-agrees="true"]').first()).toContainText('Agrees');
  await page.locator('#statements').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'reconciliation.png'), fullPage: true });
});

test('a closed month refuses usage until an admin reopens it', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/periods');
  await hydrated(page);
  await page.getByLabel('Month').fill('2025-03');
  await page.getByRole('button', { name: 'Close month' }).click();
  await expect(page.locator('#periods')).toContainText('March 2025');

  await page.goto('/usage?contract=CW-2025-22B');
  await hydrated(page);
  const form = page.locator('form', { hasText: 'Add usage' });
  await form.getByLabel('Contract').selectOption('CW-2025-22B');
  await form.getByLabel('Date').fill('2025-03-15');
  await form.getByLabel('Amount').fill('10.00');
  await form.getByLabel('Quantity').fill('1');
  await form.getByLabel('Unit').fill('gpu_hour');
  await form.getByRole('button', { name: 'Add usage' }).click();
  await expect(form.locator('[id="add-usage-usage[date]-error"]')).toContainText('March 2025, which is closed');
  await page.screenshot({ path: path.join(shots, 'closed-month.png'), fullPage: true });

  await page.goto('/periods');
  await hydrated(page);
  await page.locator('#periods').getByRole('button', { name: 'Reopen' }).click();
  await expect(page.getByText('No month is closed.')).toBeVisible();
});
