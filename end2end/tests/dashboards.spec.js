// The dashboards as a CFO uses them: the overview's figures (checked against the reports
// API), the shared filter bar in the URL, tooltips with exact values, drill-down to the rows
// behind a bar, and "Download CSV" giving the numbers the chart shows. Screenshots of every
// dashboard go to end2end/screenshots/.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');
const fs = require('fs');
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

// A report as rows of objects keyed by the CSV header; consolidated in USD, as the dashboards
// show the demo's EUR and GBP contracts by default.
async function report(page, name, query = '?currency=USD') {
  const response = await page.request.get(`/api/reports/${name}.csv${query}`);
  expect(response.ok()).toBeTruthy();
  const [header, ...lines] = (await response.text()).trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}

// Exact sums of money cells: cents as BigInt, written back with two places.
function sumMoney(rows, column) {
  const cents = rows.reduce((sum, row) => sum + BigInt(row[column].replace('.', '')), 0n);
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const kpi = (page, id) => page.locator(`[data-kpi="${id}"]`);

test('the overview shows the figures the reports API gives', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const projection = await report(page, 'projection');
  await expect(kpi(page, 'committed')).toHaveAttribute('data-value', `USD ${sumMoney(projection, 'committed')}`);
  await expect(kpi(page, 'burned')).toHaveAttribute('data-value', `USD ${sumMoney(projection, 'spent')}`);
  await expect(kpi(page, 'shortfall')).toHaveAttribute('data-value', `USD ${sumMoney(projection, 'projected_shortfall')}`);
  const trueup = await report(page, 'trueup');
  await expect(kpi(page, 'trueup')).toHaveAttribute('data-value', `USD ${sumMoney(trueup, 'true_up')}`);
  const ttm = await report(page, 'ratio-ttm');
  const last = ttm[ttm.length - 1];
  await expect(kpi(page, 'ratio-month')).toHaveAttribute('data-value', last.ratio);
  await expect(kpi(page, 'ratio-ttm')).toHaveAttribute('data-value', last.ttm_ratio);
  await expect(kpi(page, 'commitments-to-revenue')).toHaveAttribute('data-value', last.commitments_to_revenue);
  const spend = await report(page, 'concentration');
  await expect(kpi(page, 'hhi-spend')).toHaveAttribute('data-value', spend[spend.length - 1].hhi);
  const outstanding = await report(page, 'commitment-concentration');
  await expect(kpi(page, 'hhi-commitments')).toHaveAttribute('data-value', outstanding[0].hhi);
  // Every card leads to the dashboard that explains it.
  await kpi(page, 'ratio-ttm').click();
  await expect(page).toHaveURL(/\/dashboards\/ratio$/);
  await page.goto('/');
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'dashboard-overview.png'), fullPage: true });
});

test('choosing EUR in the filter bar converts every card and chart, and the CSV follows', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('.currency-view')).toHaveAttribute('data-currency', 'USD');
  const money = async () => (await page.locator('[data-kpi]').evaluateAll(
    (cards) => cards.map((card) => card.dataset.value),
  )).filter((value) => /^[A-Z]{3} /.test(value));
  expect((await money()).length).toBeGreaterThan(2);
  await page.getByLabel('Currency', { exact: true }).selectOption('EUR');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/currency=EUR/);
  await expect(page.locator('.currency-view')).toHaveAttribute('data-currency', 'EUR');
  // Every money card is in euros, and the same sums as the reports API converted into EUR.
  const projection = await report(page, 'projection', '?currency=EUR');
  await expect(kpi(page, 'committed')).toHaveAttribute('data-value', `EUR ${sumMoney(projection, 'committed')}`);
  const cards = await money();
  expect(cards.length).toBeGreaterThan(2);
  for (const value of cards) expect(value.startsWith('EUR ')).toBeTruthy();
  await expect(page.locator('[data-chart="portfolio-burndown"] .chart-title')).toContainText('EUR');
  // The choice travels with the tabs; the ratio chart and its CSV are in euros too.
  await page.getByRole('navigation', { name: 'Dashboards' }).getByRole('link', { name: 'Infra ÷ revenue' }).click();
  await expect(page).toHaveURL(/\/dashboards\/ratio\?currency=EUR/);
  await hydrated(page);
  await expect(kpi(page, 'fx-revenue')).toHaveAttribute('data-value', /^EUR /);
  const chart = page.locator('[data-chart="ratio"]');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  const revenue = csv[0].split(',').indexOf('Revenue');
  expect(revenue).toBeGreaterThan(0);
  const inEur = Object.fromEntries((await report(page, 'ratio-ttm', '?currency=EUR')).map((r) => [r.month, r.revenue]));
  const inUsd = Object.fromEntries((await report(page, 'ratio-ttm', '?currency=USD')).map((r) => [r.month, r.revenue]));
  const last = csv[csv.length - 1].split(',');
  expect(last[revenue]).toBe(inEur[last[0]]);
  expect(inEur[last[0]]).not.toBe(inUsd[last[0]]);
  await page.screenshot({ path: path.join(shots, 'dashboard-ratio-eur.png'), fullPage: true });
});

test('the vendor filter changes the charts and the URL', async ({ page }) => {
  await page.goto('/dashboards/concentration');
  await hydrated(page);
  const chart = page.locator('[data-chart="spend-share"]');
  const vendorsBefore = await chart.locator('.legend-item').count();
  expect(vendorsBefore).toBeGreaterThan(2);
  await page.getByLabel('Vendor', { exact: true }).selectOption('CoreWeave');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/vendor=CoreWeave/);
  // CoreWeave alone, and the HHI line.
  await expect(chart.locator('.legend-item')).toHaveCount(2);
  await expect(chart.locator('.legend-item').first()).toHaveText('CoreWeave');
  await expect(page.getByLabel('Vendor', { exact: true })).toHaveValue('CoreWeave');
  // The filter is kept when moving to another dashboard, and the URL alone reproduces it.
  await page.getByRole('link', { name: 'Burn-down' }).click();
  await expect(page).toHaveURL(/\/dashboards\/burndown\?vendor=CoreWeave/);
  await expect(page.locator('[data-table="contracts"] tbody tr')).toHaveCount(1);
  await page.goto('/dashboards/concentration');
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'dashboard-concentration.png'), fullPage: true });
});

test('a tooltip shows the exact value, a legend toggle hides a series', async ({ page }) => {
  await page.goto('/dashboards/ratio');
  await hydrated(page);
  const ttm = await report(page, 'ratio-ttm');
  const chart = page.locator('[data-chart="ratio"]');
  const index = Math.floor(ttm.length / 2);
  await chart.locator(`.hover-band[data-index="${index}"]`).hover();
  const tooltip = chart.locator('.tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip.locator('.tooltip-title')).toHaveText(ttm[index].month);
  const grouped = (v) => v.replace(/\B(?=(\d{3})+(?!\d))/g, ',').replace(/(\.\d*?),/g, '$1');
  const revenueRow = tooltip.locator('.tooltip-row', { hasText: 'Revenue' });
  await expect(revenueRow.locator('.tooltip-value')).toHaveText(grouped(ttm[index].revenue));
  await page.screenshot({ path: path.join(shots, 'dashboard-ratio.png'), fullPage: true });
  // Hiding "Revenue" takes its bars away and its line out of the tooltip.
  await chart.getByRole('button', { name: 'Revenue' }).click();
  await expect(chart.getByRole('button', { name: 'Revenue' })).toHaveAttribute('aria-pressed', 'false');
  await chart.locator(`.hover-band[data-index="${index}"]`).hover();
  await expect(tooltip.locator('.tooltip-row', { hasText: 'Revenue' })).toHaveCount(0);
});

test('clicking a month drills down to the usage rows behind it', async ({ page }) => {
  await page.goto('/dashboards/ratio');
  await hydrated(page);
  const ttm = await report(page, 'ratio-ttm');
  const month = ttm[ttm.length - 2].month; // a full month
  await page.locator('[data-chart="ratio"]').locator(`.hover-band[data-index="${ttm.length - 2}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/usage\\?from=${month}&to=${month.slice(0, 8)}\\d\\d`));
  // The usage page's code is fetched on the first client-side visit to it.
  await expect(page.locator('#usage td.date').first()).toBeVisible();
  const dates = await page.locator('#usage td.date').allTextContents();
  expect(dates.length).toBeGreaterThan(0);
  for (const d of dates) expect(d.slice(0, 7)).toBe(month.slice(0, 7));
});

test('Download CSV gives the numbers the chart shows', async ({ page }) => {
  await page.goto('/dashboards/burndown');
  await hydrated(page);
  const chart = page.locator('[data-chart="portfolio-burndown"]');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chart.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  // The table's headers are in words; each keeps the CSV's column name as its title.
  const header = await chart.locator('.chart-data thead th').evaluateAll((ths) => ths.map((th) => th.title));
  expect(csv[0]).toBe(header.join(','));
  const rows = chart.locator('.chart-data tbody tr');
  expect(await rows.count()).toBe(csv.length - 1);
  for (const i of [0, Math.floor((csv.length - 1) / 2), csv.length - 2]) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    expect(cells.map((c) => c.trim().replace(/,/g, '')).join(',')).toBe(csv[i + 1]);
  }
  // And the same numbers as the portfolio burn-down report.
  const portfolio = await report(page, 'portfolio-burndown');
  const last = csv[csv.length - 1].split(',');
  const spent = portfolio[portfolio.length - 1];
  expect(csv.some((line) => line.startsWith(`${spent.date},${spent.cumulative_spend},`))).toBeTruthy();
  expect(last.length).toBe(header.length);
  await page.screenshot({ path: path.join(shots, 'dashboard-burndown.png'), fullPage: true });
});

test('one contract: its burn-down with projection, and the delivery timeline', async ({ page }) => {
  await page.goto('/dashboards/burndown');
  await page.locator('[data-table="contracts"]').getByRole('link', { name: 'AWS-2025-38B' }).click();
  await expect(page).toHaveURL(/contract=AWS-2025-38B/);
  const chart = page.locator('[data-chart="contract-burndown"]');
  await expect(chart.locator('.chart-title')).toContainText('AWS-2025-38B');
  await expect(chart.locator('.legend-item')).toHaveText(['Cumulative spend', 'Commitment', 'On pace', 'Projection', 'Projection low (90%)', 'Projection high (90%)', 'Plan-driven forecast']);
  await expect(chart.locator('.mark text').first()).toContainText(/Shortfall|Exhausted/);
  await hydrated(page);
  await page.screenshot({ path: path.join(shots, 'dashboard-burndown-contract.png'), fullPage: true });

  await page.goto('/dashboards/deliveries');
  await hydrated(page);
  const slippage = await report(page, 'slippage');
  const timeline = page.locator('[data-chart="phases"]');
  await expect(timeline.locator('tbody tr')).toHaveCount(slippage.length);
  const late = slippage.filter((r) => Number(r.days_late) > 0).length;
  await expect(timeline.locator('circle.receipt.late')).toHaveCount(late);
  await timeline.locator('circle.receipt').first().hover();
  await expect(timeline.locator('.tooltip')).toContainText('received');
  await page.screenshot({ path: path.join(shots, 'dashboard-deliveries.png'), fullPage: true });
});
