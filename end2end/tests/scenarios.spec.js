// What-if: a scenario created in the browser draws its projection on the burn-down beside the
// baseline projection (the baseline contracts table unchanged by it), and a revenue-growth
// scenario draws its ratio beside the baseline's on the ratio dashboard's outlook.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');
const path = require('path');

const shots = path.join(__dirname, '..', 'screenshots');

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

test('create a scenario and see both lines on the burn-down', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/dashboards/burndown');
  const baselineTable = await page.locator('[data-table="contracts"]').innerText();

  await page.goto('/scenarios');
  await hydrated(page);
  await expect(page.locator('.empty')).toContainText('No scenario yet');
  const form = page.locator('form', { hasText: 'New scenario' });
  await form.getByLabel('Name').fill('Half the run-rate');
  await form.getByLabel('Usage run-rate change (%)').fill('-50');
  await form.getByRole('button', { name: 'Save scenario' }).click();
  await expect(form.getByRole('status')).toContainText('saved');
  const row = page.locator('#scenarios tbody tr', { hasText: 'Half the run-rate' });
  await expect(row).toContainText('run-rate -50%');
  await row.getByRole('link', { name: 'Burn-down under this scenario' }).click();

  await expect(page).toHaveURL(/scenario=Half/);
  const chart = page.locator('[data-chart="portfolio-burndown"]');
  await expect(chart.locator('.legend-item')).toContainText(['Projection', 'Scenario: Half the run-rate']);
  // Both projections are drawn: the baseline's and the scenario's.
  const lines = chart.locator('path.line');
  expect(await lines.count()).toBeGreaterThanOrEqual(7);
  await expect(page.locator('.note', { hasText: 'Half the run-rate' })).toBeVisible();
  expect(await page.locator('[data-table="contracts"]').innerText()).toBe(baselineTable);
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'scenario-burndown.png'), fullPage: true });

  // The reports page downloads any report under the scenario.
  await page.goto('/reports');
  await hydrated(page);
  await page.getByLabel('Scenario').selectOption({ label: 'Half the run-rate' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/scenario=Half/);
  const link = page.locator('#reports tr', { hasText: 'projection' }).first().getByRole('link', { name: 'CSV' });
  await expect(link).toHaveAttribute('href', /\/api\/reports\/projection\.csv\?.*scenario=Half/);
  const under = await (await page.request.get(await link.getAttribute('href'))).text();
  const baseline = await (await page.request.get('/api/reports/projection.csv')).text();
  expect(under).not.toBe(baseline);
  expect(under.split('\n')[0]).toBe(baseline.split('\n')[0]);
});

test('a revenue-growth scenario draws its ratio beside the baseline outlook', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/scenarios');
  await hydrated(page);
  const form = page.locator('form', { hasText: 'New scenario' });
  await form.getByLabel('Name').fill('Revenue up 8%');
  await form.getByLabel('Revenue growth a month (%)').fill('250');
  await form.getByRole('button', { name: 'Save scenario' }).click();
  // Refused beside the field; the growth is then corrected and saved.
  await expect(page.locator('#scenario-revenue_growth_percent-error')).toContainText('at most 100');
  await form.getByLabel('Revenue growth a month (%)').fill('8');
  await form.getByRole('button', { name: 'Save scenario' }).click();
  await expect(form.getByRole('status')).toContainText('saved');
  const row = page.locator('#scenarios tbody tr', { hasText: 'Revenue up 8%' });
  await expect(row).toContainText('revenue +8% a month');
  await row.getByRole('link', { name: 'Ratio outlook' }).click();

  await expect(page).toHaveURL(/dashboards\/ratio.*scenario=Revenue/);
  const chart = page.locator('[data-chart="ratio-outlook"]');
  await expect(chart.locator('.legend-item')).toContainText(['Baseline ratio', 'Scenario: Revenue up 8% ratio']);
  const table = page.locator('[data-table="ratio-outlook-table"]');
  await expect(table.locator('tbody tr')).toHaveCount(12);
  await expect(table.locator('thead')).toContainText('Scenario ratio');
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'scenario-ratio.png'), fullPage: true });

  // The filter bar chooses the scenario: back to the baseline only, the scenario's line goes.
  const select = page.getByLabel('Scenario');
  await expect(select).toHaveValue('Revenue up 8%');
  await select.selectOption({ label: 'Baseline only' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).not.toHaveURL(/scenario=Revenue/);
  await expect(chart.locator('.legend-item')).toHaveText(['Projected infra spend', 'Revenue (held flat)', 'Baseline ratio']);
});

test('a delayed phase shows where the scenario moves it on the delivery timeline', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/scenarios');
  await hydrated(page);
  const form = page.locator('form', { hasText: 'New scenario' });
  await form.getByLabel('Name').fill('Bulk late');
  await form.getByLabel('Delay: contract').fill('AWS-2025-38B');
  await form.getByLabel('Delay: phase').fill('bulk-2026');
  await form.getByLabel('Delay: months').fill('4');
  await form.getByRole('button', { name: 'Save scenario' }).click();
  await expect(form.getByRole('status')).toContainText('saved');

  await page.goto('/dashboards/deliveries?scenario=Bulk%20late');
  const timeline = page.locator('[data-chart="phases"]');
  await expect(timeline.locator('.legend-item', { hasText: 'Planned under the scenario' })).toBeVisible();
  await expect(timeline.locator('polygon.planned.scenario')).toHaveCount(1);
  await expect(timeline.locator('polygon.planned.scenario title')).toContainText('AWS-2025-38B · bulk-2026');
  await expect(timeline.locator('polygon.planned.scenario title')).toContainText('2027-04-30');
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'scenario-deliveries.png'), fullPage: true });
});

test('a delayed phase moves the plan-driven forecast', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/scenarios');
  await hydrated(page);
  const form = page.locator('form', { hasText: 'New scenario' });
  await form.getByLabel('Name').fill('Azure late');
  await form.getByLabel('Delay: contract').fill('AZURE-2025-250B');
  await form.getByLabel('Delay: phase').fill('fairwater-2');
  await form.getByLabel('Delay: months').fill('12');
  await form.getByRole('button', { name: 'Save scenario' }).click();
  await expect(form.getByRole('status')).toContainText('saved');

  // The plan-forecast report moves with the delay: a year less of fairwater-2's GB300s.
  const plan = async (query) => {
    const text = await (await page.request.get(`/api/reports/plan-forecast.csv${query}`)).text();
    const [header, ...lines] = text.trim().split('\n');
    const at = header.split(',').indexOf('plan_total');
    const azure = lines.find((l) => l.startsWith('AZURE-2025-250B,'));
    return azure.split(',')[at];
  };
  const baseline = await plan('');
  const under = await plan('?scenario=Azure%20late');
  expect(Number(under)).toBeLessThan(Number(baseline));

  // The overview's plan card gives the scenario's plan-driven shortfall beside the baseline's,
  // and the burn-down draws the scenario's plan-driven line.
  await page.goto('/?scenario=Azure%20late');
  await hydrated(page);
  const card = page.locator('[data-kpi="plan-shortfall"]');
  await expect(card).toHaveAttribute('title', /Scenario Azure late: USD \d+\.\d\d/);
  const title = await card.getAttribute('title');
  const value = await card.getAttribute('data-value');
  const scenarioLine = title.split('\n').find((l) => l.startsWith('Scenario Azure late: '));
  expect(scenarioLine.replace('Scenario Azure late: ', '')).not.toBe(value);
  await page.goto('/dashboards/burndown?contract=AZURE-2025-250B&scenario=Azure%20late');
  const chart = page.locator('[data-chart="contract-burndown"]');
  await expect(chart.locator('.legend-item')).toContainText(['Plan-driven forecast', 'Scenario: Azure late (plan)']);
});
