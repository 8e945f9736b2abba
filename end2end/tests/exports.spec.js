// Exports analysts open directly: the Reports page's workbook holds one sheet per report
// (plus the query), and every report row offers its Excel file.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { signIn } = require('./session');

// The worksheets of an .xlsx (a zip): the names in its central directory, which are stored
// uncompressed, so no zip library is needed to list them.
function worksheetParts(bytes) {
  const names = new Set();
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = bytes.indexOf(signature); at >= 0; at = bytes.indexOf(signature, at + 4)) {
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (/^xl\/worksheets\/sheet\d+\.xml$/.test(name)) names.add(name);
  }
  return names;
}

test('the workbook download has a sheet per report and one for the query', async ({ page }) => {
  await signIn(page, 'analyst');
  await page.goto('/reports');
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const reports = await page.locator('#reports tbody tr').count();
  expect(reports).toBeGreaterThan(5);
  await expect(page.locator('#reports tbody tr').first().getByRole('link', { name: 'Excel' }))
    .toHaveAttribute('href', /^\/api\/reports\/[a-z-]+\.xlsx/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#download-workbook').click(),
  ]);
  expect(download.suggestedFilename()).toBe('compute-ledger-reports.xlsx');
  const bytes = fs.readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(worksheetParts(bytes).size).toBe(reports + 1);
});
