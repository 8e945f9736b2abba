// The board pack as finance prepares it: commentary written on the page, the pack published,
// and the published PDF downloaded; a viewer reads the commentary but cannot change it.
const fs = require('fs');
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

test('commentary is written, the pack published and its PDF downloaded', async ({ page }) => {
  await signIn(page, 'editor');
  await page.goto('/board-pack?month=2026-09');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'September 2026' })).toBeVisible();

  const note = `Burn is on plan; the Azure ramp slipped a quarter (${Date.now()}).`;
  const cover = page.locator('form.pack-commentary', { hasText: 'Headline figures' });
  await cover.getByLabel('Headline figures').fill(note);
  await cover.getByRole('button', { name: 'Save headline figures' }).click();
  await expect(page.locator('.form-status.saved').first()).toHaveText('Commentary on Headline figures saved.');
  // Kept: the page read again shows it.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Headline figures')).toHaveValue(note);

  const publish = page.locator('#publish-pack');
  await publish.getByRole('button', { name: /^Publish/ }).click();
  await expect(publish.getByRole('status')).toHaveText(/^Version \d+ of the September 2026 pack is published\.$/);
  const versions = page.locator('#pack-versions');
  await expect(versions.getByRole('rowheader').first()).toHaveText(/^v\d+$/);
  await expect(versions.locator('tbody tr').first()).toContainText('editor');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /^Download version \d+ \(published\)$/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^board-pack-2026-09-v\d+\.pdf$/);
  const bytes = fs.readFileSync(await download.path());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(10000);
  await page.screenshot({ path: 'screenshots/board-pack.png', fullPage: true });
});

test('a viewer reads the commentary and downloads a draft but cannot publish', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/board-pack?month=2026-08');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'August 2026' })).toBeVisible();
  await expect(page.locator('textarea')).toHaveCount(0);
  await expect(page.locator('#publish-pack')).toBeHidden();
  await expect(page.getByText('Not published yet.')).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download draft PDF' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('board-pack-2026-08-draft.pdf');
});

test('a dashboard prints without its controls, charts and cards kept', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/');
  await hydrated(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.filters').first()).toBeHidden();
  await expect(page.locator('.topbar nav')).toBeHidden();
  await expect(page.locator('.download').first()).toBeHidden();
  await expect(page.locator('.kpi').first()).toBeVisible();
  await expect(page.locator('figure.chart svg').first()).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  await expect(page.locator('.topbar nav')).toBeVisible();
});
