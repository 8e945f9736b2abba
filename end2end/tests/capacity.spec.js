// Capacity as a CFO reads it: the overview gives the shortfall by both methods and leads from
// the plan-driven one to the capacity dashboard; there the vendor filter narrows GPUs and MW
// to one vendor, a vendor's row drills down to its own view, and a phase still to come leads
// to its contract.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');
const path = require('path');

const shots = path.join(__dirname, '..', 'screenshots');

let problems = [];
test.beforeEach(async ({ page }) => {
  problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));
  await signIn(page, 'viewer');
});

test.afterEach(() => {
  expect(problems, 'no errors in the browser console (e.g. hydration mismatches)').toEqual([]);
});

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

const kpi = (page, id) => page.locator(`[data-kpi="${id}"]`);

test('the overview shows both forecasts and leads to the capacity still to come', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(kpi(page, 'shortfall')).toHaveAttribute('title', /at the trailing run-rate[\s\S]*By the delivery plan: USD \d+\.\d\d/);
  const plan = kpi(page, 'plan-shortfall');
  await expect(plan).toContainText('Shortfall by the delivery plan');
  await expect(plan).toHaveAttribute('title', /At the run-rate: USD \d+\.\d\d[\s\S]*Still to arrive: [\d,]+ GPUs · [\d.,]+ MW/);
  await plan.click();
  await expect(page).toHaveURL(/\/dashboards\/capacity/);
  await expect(page.getByRole('heading', { name: 'Capacity' })).toBeVisible();
  await expect(page.locator('[data-chart="capacity-gpus"] .legend-item')).toContainText(['Contracted', 'Planned', 'Delivered', 'Expected']);
  await expect(page.locator('[data-chart="capacity-mw"]')).toBeVisible();
  await expect(kpi(page, 'gpus-delivered')).toContainText('GPUs');
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'dashboard-capacity.png'), fullPage: true });
});

test('the vendor filter narrows the capacity dashboard, and rows drill down', async ({ page }) => {
  await page.goto('/dashboards/capacity');
  await hydrated(page);
  const byVendor = page.locator('[data-table="capacity-by-vendor"] tbody tr');
  const everyone = await byVendor.count();
  expect(everyone).toBeGreaterThan(3);

  await page.getByLabel('Vendor', { exact: true }).selectOption('CoreWeave');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\/dashboards\/capacity\?.*vendor=CoreWeave/);
  // CoreWeave's H100s, GB200s and their power only.
  await expect(byVendor.locator('th')).toHaveText(['CoreWeave', 'CoreWeave', 'CoreWeave']);
  await expect(byVendor.locator('td').first()).toHaveText('GB200');
  // Its price per GPU-hour, against its rate card.
  const cost = page.locator('[data-table="capacity-cost"] tbody tr');
  await expect(cost).toHaveCount(1);
  await expect(cost.locator('th')).toHaveText('CoreWeave');

  // Drill-down from the whole portfolio: a vendor's row leads to that vendor's view.
  await page.goto('/dashboards/capacity');
  await hydrated(page);
  await byVendor.filter({ hasText: 'Amazon Web Services' }).first().getByRole('link').click();
  await expect(page).toHaveURL(/vendor=Amazon%20Web%20Services/);
  await expect(page.getByLabel('Vendor', { exact: true })).toHaveValue('Amazon Web Services');
  const toCome = page.locator('[data-table="phases-to-come"] tbody tr');
  await expect(toCome.locator('th')).toHaveText(['AWS-2025-38B', 'AWS-2025-38B']);
  await expect(toCome.nth(0)).toContainText('bulk-2026');
  // …and a phase still to come leads to its contract, where the plan shows its power.
  await toCome.nth(0).getByRole('link', { name: 'AWS-2025-38B' }).click();
  await expect(page).toHaveURL(/\/contracts\/AWS-2025-38B/);
  await expect(page.locator('#phases')).toContainText('Power (MW)');
  await expect(page.locator('#phases tr', { hasText: 'bulk-2026' })).toContainText('of 480');
});
