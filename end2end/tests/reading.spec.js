// Figures a CFO reads at a glance: compact money on the cards (the exact figure on hover),
// cards that hold their text at desktop and phone widths, tables with headers in words and
// quantities with their unit; the Formats page and its templates.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

// Every element of every card that pokes out of its card, as "card: text".
const overflowing = (page) => page.evaluate(() => {
  const out = [];
  for (const card of document.querySelectorAll('.kpi')) {
    const box = card.getBoundingClientRect();
    if (card.scrollWidth > card.clientWidth + 1) out.push(`${card.textContent}: scrolls`);
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > box.right + 1 || r.left < box.left - 1) out.push(`${card.textContent}: ${el.textContent}`);
    }
  }
  return out;
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`cards hold their figures at ${viewport.width} px`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signIn(page, 'viewer');
    await page.goto('/');
    const committed = page.locator('[data-kpi="committed"]');
    await expect(committed.locator('.kpi-value')).toHaveText(/^\$\d[\d,]*(\.\d)?[KMBT]$/);
    // The exact figure stays on the card, for hover and for tests.
    await expect(committed).toHaveAttribute('title', /^USD \d+\.\d\d/);
    expect(await overflowing(page)).toEqual([]);
    await page.goto('/contracts/AWS-2025-38B');
    await expect(page.locator('#kpi-committed')).toBeVisible();
    expect(await overflowing(page)).toEqual([]);
  });
}

test('report tables have headers in words and quantities with their unit', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/contracts/AWS-2025-38B');
  const trueup = page.locator('[data-table="trueup"]');
  await expect(trueup.locator('thead th').first()).toHaveText('Contract');
  await expect(trueup.locator('thead')).toContainText('Interval start');
  await expect(trueup.locator('thead')).toContainText('True-up');
  await expect(trueup.locator('thead')).not.toContainText('interval_start');
  // The machine name (the CSV's) on hover.
  await expect(trueup.locator('thead th', { hasText: 'Interval start' })).toHaveAttribute('title', 'interval_start');

  await page.goto('/dashboards/deliveries');
  const phases = page.locator('.chart-data').first();
  await expect(phases.locator('thead')).toContainText('Days late');
  await expect(phases.locator('thead')).not.toContainText('planned_quantity');
  // "512 H100": a planned quantity names its resource, grouped in thousands, right-aligned.
  const planned = phases.locator('tbody td.num').first();
  await expect(planned).toHaveText(/^-?\d{1,3}(,\d{3})*(\.\d+)? .+$/);
  expect(await planned.evaluate((td) => getComputedStyle(td).textAlign)).toBe('right');
});

test('the contract page draws its burn-down', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/contracts/AWS-2025-38B');
  const chart = page.locator('[data-chart="contract-burndown"], [data-chart="portfolio-burndown"]');
  await expect(chart.locator('svg')).toBeVisible();
  for (const line of ['Commitment', 'On pace', 'Projection']) {
    await expect(chart.locator('.legend')).toContainText(line);
  }
});

test('the Formats page documents every file and offers its template', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/import');
  await page.getByRole('link', { name: 'Formats' }).click();
  await expect(page.locator('h1')).toHaveText('Formats');
  await expect(page.locator('#usage')).toContainText('commitment');
  await expect(page.locator('#report-trueup')).toContainText('Interval start');
  const download = page.waitForEvent('download');
  await page.locator('#vendors').getByRole('link', { name: 'Download the template' }).click();
  expect((await download).suggestedFilename()).toBe('vendors.csv');
});
