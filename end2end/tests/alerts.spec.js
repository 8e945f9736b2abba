// Alerts as a CFO's team meets them: a rule created on the Alerts page, tripped by a usage
// entry, shown as a badge in the top bar and in the inbox, and acknowledged.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const isoDay = (d) => d.toISOString().slice(0, 10);

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

test('a rule created in the browser fires on a usage entry, shows a badge, and is acknowledged', async ({ page }) => {
  await signIn(page, 'editor');
  const id = unique();
  const vendor = `Alerted ${id}`;
  const reference = `WATCH-${id}`;
  // A term that began three days ago: nothing spent is on pace; a fifth spent is far ahead.
  // (Bigger than the smallest demo contract and named after AWS-…, so the contracts page's
  // first rows stay the demo's.)
  const now = new Date();
  const start = new Date(now.getTime() - 3 * 86400e3);
  const end = new Date(start.getTime() + 364 * 86400e3);
  const yesterday = new Date(now.getTime() - 86400e3);

  await page.goto('/vendors');
  await hydrated(page);
  const vendorForm = page.locator('form', { hasText: 'Add a vendor' });
  await vendorForm.getByLabel('Name').fill(vendor);
  await vendorForm.getByRole('button', { name: 'Add vendor' }).click();
  await expect(vendorForm.getByRole('status')).toHaveText(`Vendor ${vendor} added.`);
  await page.goto('/contracts/new');
  await hydrated(page);
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel('Vendor').selectOption(vendor);
  await page.getByLabel('Title').fill('Capacity watched by an alert');
  await page.getByLabel('Start date').fill(isoDay(start));
  await page.getByLabel('End date').fill(isoDay(end));
  await page.getByLabel('Committed amount').fill('2000000000.00');
  await page.getByLabel('Currency').fill('USD');
  await page.getByRole('button', { name: 'Create contract' }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${reference}$`));

  // The rule, on the Alerts page.
  await page.goto('/alerts');
  await hydrated(page);
  const ruleForm = page.locator('form', { hasText: 'Add a rule' });
  await ruleForm.getByLabel('Name').fill(`Pace of ${reference}`);
  await ruleForm.getByLabel('When').selectOption('pace');
  await ruleForm.getByLabel('Threshold (x)').fill('10');
  await ruleForm.getByLabel('Scope').fill(`contract:${reference}`);
  await ruleForm.getByRole('button', { name: 'Add rule' }).click();
  await expect(ruleForm.getByRole('status')).toHaveText(`Rule "Pace of ${reference}" is watching.`);
  await expect(page.locator('#alert-rules').getByRole('rowheader', { name: `Pace of ${reference}` })).toBeVisible();
  // Bad input is refused beside its field.
  await ruleForm.getByLabel('Name').fill(`Bad ${id}`);
  await ruleForm.getByLabel('Scope').fill('region:eu');
  await ruleForm.getByRole('button', { name: 'Add rule' }).click();
  await expect(ruleForm.locator('#alert-scope-error')).toContainText('must be all');

  // The usage entry that trips it.
  await page.goto(`/usage?contract=${reference}`);
  await hydrated(page);
  const usage = page.locator('form', { hasText: 'Add usage' });
  await usage.getByLabel('Contract').selectOption(reference);
  await usage.getByLabel('Date').fill(isoDay(yesterday));
  await usage.getByLabel('Amount').fill('400000000.00');
  await usage.getByLabel('Quantity').fill('10');
  await usage.getByLabel('Unit').fill('gpu_hour');
  await usage.getByRole('button', { name: 'Add usage' }).click();
  await expect(page.locator('#usage tbody tr', { hasText: '400,000,000.00 USD' })).toBeVisible();

  // The server evaluates after the write, in the background: the badge appears on a later page.
  const row = page.locator('#alert-inbox tbody tr', { hasText: `Pace of ${reference}` });
  await expect(async () => {
    await page.goto('/alerts');
    await expect(row).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20000 });
  await expect(page.locator('#alerts-badge')).toBeVisible();
  await expect(row).toContainText('ahead of pace');
  await hydrated(page);
  const before = Number(await page.locator('#alerts-badge').textContent());
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row).toContainText('by editor');
  await page.goto('/alerts');
  if (before === 1) {
    await expect(page.locator('#alerts-badge')).toHaveCount(0);
  } else {
    await expect(page.locator('#alerts-badge')).toHaveText(String(before - 1));
  }
});
