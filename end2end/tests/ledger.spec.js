// The ledger flows as procurement and analysts walk them: vendors and contracts, the delivery
// plan and receipts, usage and its effect on the remaining commitment, CSV upload (good and
// bad), and a correction found in the audit trail. Every test works on its own contract.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');
const path = require('path');

const shots = path.join(__dirname, '..', 'screenshots');

// Procurement work: an editor.
test.beforeEach(async ({ page }) => {
  await signIn(page, 'editor');
});
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function hydrated(page) {
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
}

function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

// Creates a vendor and a contract through the forms and leaves the browser on its page.
async function createContract(page, { vendor, reference, committed = '1000000.00' }) {
  await page.goto('/vendors');
  await hydrated(page);
  const vendorForm = page.locator('form', { hasText: 'Add a vendor' });
  await vendorForm.getByLabel('Name').fill(vendor);
  await vendorForm.getByLabel('Kind').selectOption('neocloud');
  await vendorForm.getByRole('button', { name: 'Add vendor' }).click();
  await expect(vendorForm.getByRole('status')).toHaveText(`Vendor ${vendor} added.`);
  await expect(page.locator('#vendors').getByRole('rowheader', { name: vendor })).toBeVisible();

  await page.goto('/contracts/new');
  await hydrated(page);
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel('Vendor').selectOption(vendor);
  await page.getByLabel('Title').fill('GPU capacity, two phases');
  await page.getByLabel('Start date').fill('2026-01-01');
  await page.getByLabel('End date').fill('2028-12-31');
  await page.getByLabel('Committed amount').fill(committed);
  await page.getByLabel('Currency').fill('USD');
  await page.getByRole('button', { name: 'Create contract' }).click();
  await expect(page).toHaveURL(new RegExp(`/contracts/${reference}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(reference);
  await hydrated(page);
}

async function addUsage(page, { reference, date, amount, quantity = '10' }) {
  await page.goto(`/usage?contract=${reference}`);
  await hydrated(page);
  const form = page.locator('form', { hasText: 'Add usage' });
  await form.getByLabel('Contract').selectOption(reference);
  await form.getByLabel('Date').fill(date);
  await form.getByLabel('Amount').fill(amount);
  await form.getByLabel('Quantity').fill(quantity);
  await form.getByLabel('Unit').fill('gpu_hour');
  await form.getByRole('button', { name: 'Add usage' }).click();
  await expect(form.getByRole('status')).toContainText('added.');
}

// "Page 1 of 1 · 3 rows" under the usage table, or 0 when the empty state shows.
async function usageRowCount(page, reference) {
  await page.goto(`/usage?contract=${reference}`);
  const pager = page.locator('.pager');
  if (await pager.count() === 0) {
    await expect(page.getByText('No usage recorded for this selection.')).toBeVisible();
    return 0;
  }
  const text = await pager.innerText();
  return Number(text.match(/([\d,]+) rows/)[1].replace(/,/g, ''));
}

// A contract card shows money compactly; the exact figure is its data-value (and title).
async function expectCard(page, selector, exact, shown) {
  await expect(page.locator(selector)).toHaveAttribute('data-value', exact);
  await expect(page.locator(selector)).toHaveText(shown);
}

test('a vendor, a contract, two phases and a partial receipt show planned vs received', async ({ page }) => {
  const problems = watchConsole(page);
  const id = unique();
  const reference = `NEB-${id}`;
  await createContract(page, { vendor: `Nebius ${id}`, reference });

  const phaseForm = page.locator('form', { hasText: 'Add a phase to the plan' });
  for (const [name, date, quantity] of [['H200 phase 1', '2026-03-01', '100'], ['H200 phase 2', '2026-09-01', '250']]) {
    await phaseForm.getByLabel('Phase').fill(name);
    await phaseForm.getByLabel('Resource').fill('H200 nodes');
    await phaseForm.getByLabel('Region').fill('eu-north1');
    await phaseForm.getByLabel('Planned date').fill(date);
    await phaseForm.getByLabel('Planned quantity').fill(quantity);
    await phaseForm.getByRole('button', { name: 'Add phase' }).click();
    await expect(phaseForm.getByRole('status')).toHaveText(`Phase ${name} added.`);
    await expect(page.locator('#phases').getByRole('rowheader', { name })).toBeVisible();
  }
  await expect(page.locator('#phases tbody tr')).toHaveCount(2);

  const receiptForm = page.locator('form', { hasText: 'Log a receipt' });
  await receiptForm.getByLabel('Phase').selectOption('H200 phase 1');
  await receiptForm.getByLabel('Date received').fill('2026-03-11');
  await receiptForm.getByLabel('Quantity').fill('40');
  await receiptForm.getByLabel('Note').fill('first racks');
  await receiptForm.getByRole('button', { name: 'Log receipt' }).click();
  await expect(receiptForm.getByRole('status')).toHaveText('Receipt logged: 40 of 100 received for H200 phase 1.');
  const row = page.locator('#phases tbody tr', { hasText: 'H200 phase 1' });
  await expect(row.locator('td.received')).toHaveText('40');
  await expect(row.locator('td').nth(5)).toHaveText('60');
  await expect(row).toContainText('2026-03-11: 40 (10 days late) — first racks');

  // A bad receipt keeps what was typed and says why beside the field.
  await receiptForm.getByLabel('Quantity').fill('-3');
  await receiptForm.getByRole('button', { name: 'Log receipt' }).click();
  await expect(receiptForm.locator('#receipt-quantity-error')).toContainText('negative');
  await expect(receiptForm.getByLabel('Quantity')).toHaveValue('-3');
  await expect(row.locator('td.received')).toHaveText('40');

  await page.screenshot({ path: path.join(shots, 'contract.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('usage added on the usage page lowers the contract\'s remaining commitment', async ({ page }) => {
  const id = unique();
  const reference = `USG-${id}`;
  await createContract(page, { vendor: `Crusoe ${id}`, reference, committed: '1000000.00' });
  await expectCard(page, '#kpi-remaining', '1,000,000.00 USD', '$1M');

  await addUsage(page, { reference, date: '2026-02-03', amount: '12345.67' });
  await expect(page.locator('#usage tbody tr', { hasText: '12,345.67 USD' })).toBeVisible();

  // A date outside the term is refused beside the field, and nothing is added.
  const form = page.locator('form', { hasText: 'Add usage' });
  await form.getByLabel('Date').fill('2030-01-01');
  await form.getByRole('button', { name: 'Add usage' }).click();
  await expect(form.locator('[id="add-usage-usage[date]-error"]')).toContainText('outside contract');
  await page.screenshot({ path: path.join(shots, 'usage.png'), fullPage: true });

  await page.goto(`/contracts/${reference}`);
  await expectCard(page, '#kpi-burned', '12,345.67 USD', '$12.3K');
  await expectCard(page, '#kpi-remaining', '987,654.33 USD', '$987.7K');
});

test('uploading a good usage CSV adds its rows; a bad one lists line-numbered errors and adds nothing', async ({ page }) => {
  const id = unique();
  const reference = `UPL-${id}`;
  await createContract(page, { vendor: `Lambda ${id}`, reference });
  expect(await usageRowCount(page, reference)).toBe(0);

  const good = [
    'contract,date,amount,quantity,unit,sku',
    `${reference},2026-01-05,100.00,10,gpu_hour,h200`,
    `${reference},2026-01-06,200.50,20,gpu_hour,h200`,
    `${reference},2026-01-07,300.25,30,gpu_hour,h200`,
  ].join('\n') + '\n';
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('CSV file').setInputFiles({ name: 'usage.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('#upload-message')).toHaveText('Imported 3 usage row(s) from usage.csv.');
  await expect(page.locator('#upload-preview tbody tr')).toHaveCount(3);
  await expect(page.locator('#upload-preview tbody tr').first()).toContainText('2026-01-05');
  await page.screenshot({ path: path.join(shots, 'import.png'), fullPage: true });
  expect(await usageRowCount(page, reference)).toBe(3);
  await expect(page.locator('#usage tbody tr', { hasText: '200.50 USD' })).toBeVisible();

  const bad = [
    'contract,date,amount,quantity,unit,sku',
    `${reference},2026-01-08,50.00,5,gpu_hour,h200`,
    `${reference},2026-13-01,50.00,5,gpu_hour,h200`,
    `${reference},2026-01-09,12.3456789,5,gpu_hour,h200`,
    `NO-SUCH-CONTRACT,2026-01-09,1.00,5,gpu_hour,h200`,
  ].join('\n') + '\n';
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('CSV file').setInputFiles({ name: 'usage-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('#upload-message')).toHaveText('3 bad row(s) in usage-bad.csv; nothing was imported.');
  const errors = page.locator('#upload-errors li');
  await expect(errors).toHaveCount(3);
  await expect(errors.nth(0)).toContainText('usage-bad.csv:3: date');
  await expect(errors.nth(1)).toContainText('usage-bad.csv:4: amount');
  await expect(errors.nth(2)).toContainText('usage-bad.csv:5: contract');
  await page.screenshot({ path: path.join(shots, 'import-rejected.png'), fullPage: true });
  expect(await usageRowCount(page, reference), 'the rejected file added nothing').toBe(3);
});

test('a corrected usage entry shows in the audit trail with before and after', async ({ page }) => {
  const id = unique();
  const reference = `AUD-${id}`;
  await createContract(page, { vendor: `Vultr ${id}`, reference });
  await addUsage(page, { reference, date: '2026-04-01', amount: '500.00' });

  const row = page.locator('#usage tbody tr', { hasText: '500.00 USD' });
  await row.getByRole('button', { name: 'Correct' }).click();
  const form = page.locator('form', { hasText: 'Correct entry' });
  await expect(form.getByLabel('Amount')).toHaveValue('500.00');
  await form.getByLabel('Amount').fill('450.00');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(form.getByRole('status')).toContainText('corrected.');
  await expect(page.locator('#usage tbody tr', { hasText: '450.00 USD' })).toBeVisible();

  await page.goto('/audit?entity=usage');
  await hydrated(page);
  const entry = page.locator('#audit tbody tr', { hasText: `${reference}/` }).filter({ hasText: 'usage correct' });
  await expect(entry).toHaveCount(1);
  await expect(entry.locator('del')).toHaveText('500.00');
  await expect(entry.locator('ins')).toHaveText('450.00');
  await expect(entry).toContainText('editor');
  await page.screenshot({ path: path.join(shots, 'audit.png'), fullPage: true });

  // The contract page's history lists the same change.
  await page.goto(`/contracts/${reference}`);
  await expect(page.locator('#audit tbody tr', { hasText: 'usage correct' })).toHaveCount(1);
  await expectCard(page, '#kpi-burned', '450.00 USD', '$450.00');
});

test('the main pages render and are screenshotted', async ({ page }) => {
  for (const [url, heading, file] of [
    ['/contracts', 'Contracts', 'contracts.png'],
    ['/vendors', 'Vendors', 'vendors.png'],
    ['/deliveries', 'Deliveries', 'deliveries.png'],
    ['/revenue', 'Revenue', 'revenue.png'],
    ['/reports', 'Reports', 'reports.png'],
  ]) {
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await page.screenshot({ path: path.join(shots, file), fullPage: true });
  }
  await page.goto('/deliveries');
  await expect(page.locator('#phases')).toContainText('AWS-2025-38B');
});

// A FOCUS 1.0-shaped export from a provider whose only contract has not started: its rows are
// spend under no contract, refused nothing, and the month's infra ÷ revenue takes them in.
test('a FOCUS cost file with spend under no contract imports in the browser and moves the ratio', async ({ page }) => {
  const ratio = async () => {
    const response = await page.request.get('/api/reports/ratio.csv');
    expect(response.ok()).toBeTruthy();
    const [header, ...lines] = (await response.text()).trim().split('\n');
    const columns = header.split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
  };
  const cents = (amount) => BigInt(amount.replace('.', ''));
  const before = (await ratio()).find((r) => r.month === '2026-11-01');
  expect(before, 'the demo has revenue for November 2026').toBeTruthy();
  const id = unique();
  const focus = [
    'BilledCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,EffectiveCost,ProviderName,SkuId',
    `700.00,USD,Usage,2026-11-15T00:00:00Z,100,Hours,699.9999995,Oracle Cloud Infrastructure,BM.GPU-${id}`,
    `300.00,USD,Usage,2026-11-16 00:00,-2.5,Hours,300.0000005,Oracle Cloud Infrastructure,BM.GPU-${id}`,
    `NULL,USD,Tax,2026-11-16T00:00:00Z,NULL,NULL,NULL,Oracle Cloud Infrastructure,NULL`,
  ].join('\n') + '\n';
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('What it holds').selectOption('focus-usage');
  await page.getByLabel('CSV file').setInputFiles({ name: `oci-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(focus) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('#upload-message')).toContainText('Imported 2 focus-usage row(s)');
  await expect(page.locator('#upload-message')).toContainText('2 rows under no contract');
  await page.screenshot({ path: path.join(shots, 'import-focus.png'), fullPage: true });

  // 699.9999995 + 300.0000005: exactly 1,000.00 more infrastructure spend in November.
  const after = (await ratio()).find((r) => r.month === '2026-11-01');
  expect(cents(after.infra_spend) - cents(before.infra_spend)).toBe(100000n);
  expect(after.revenue).toBe(before.revenue);
  expect(Number(after.ratio)).toBeGreaterThan(Number(before.ratio));
  // The overview's ratio card is the last month's report figure.
  await page.goto('/');
  await hydrated(page);
  // The overview is in USD, the reporting currency: the report consolidated the same way.
  const ttm = await page.request.get('/api/reports/ratio-ttm.csv?currency=USD');
  const lines = (await ttm.text()).trim().split('\n');
  const header = lines[0].split(',');
  const last = Object.fromEntries(lines[lines.length - 1].split(',').map((v, i) => [header[i], v]));
  await expect(page.locator('[data-kpi="ratio-month"]')).toHaveAttribute('data-value', last.ratio);
  // The entries show on the usage page without a contract.
  await page.goto('/usage?vendor=Oracle%20Cloud%20Infrastructure');
  await hydrated(page);
  await expect(page.locator('#usage tbody tr').first()).toContainText('none (on-demand)');
});

// A provider's FOCUS 1.3 Contract Commitment file names no provider: the vendor comes from the
// form. Its contract holds two commitments (a spend minimum and GPU-hours); the provider's cost
// file applies spend to each, and the contract page shows both with their own burn-down.
test('a FOCUS commitment file and a cost file give a contract two commitments with their own burn-down', async ({ page }) => {
  const problems = watchConsole(page);
  const id = unique();
  const contract = `CW-${id}`;
  const period = 'CW-' + id;
  const commitments = [
    'BillingCurrency,ContractCommitmentCategory,ContractCommitmentCost,ContractCommitmentDescription,ContractCommitmentId,ContractCommitmentPeriodEnd,ContractCommitmentPeriodStart,ContractCommitmentQuantity,ContractCommitmentType,ContractCommitmentUnit,ContractId,ContractPeriodEnd,ContractPeriodStart',
    `USD,Spend,100000.00,Minimum spend,min-${id},2027-01-01T00:00:00Z,2026-01-01T00:00:00Z,NULL,Minimum spend,NULL,${period},2028-01-01T00:00:00Z,2026-01-01T00:00:00Z`,
    `USD,Usage,NULL,GPU hours,gpu-${id},2028-01-01T00:00:00Z,2026-06-01T00:00:00Z,5000,Usage commitment,Hours,${period},2028-01-01T00:00:00Z,2026-01-01T00:00:00Z`,
  ].join('\n') + '\n';
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('What it holds').selectOption('focus-contracts');
  await page.getByLabel('FOCUS commitments: vendor').fill('CoreWeave');
  await page.getByLabel('CSV file').setInputFiles({ name: `commitments-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(commitments) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('#upload-message')).toContainText('Imported 2 focus-contracts row(s)');

  const applied = (commitment, cost, quantity) =>
    `"{""Elements"":[{""ContractId"":""${period}"",""ContractCommitmentId"":""${commitment}"",""ContractCommitmentAppliedCost"":${cost},""ContractCommitmentAppliedQuantity"":${quantity}}]}"`;
  const costs = [
    'BilledCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ContractApplied,EffectiveCost,ServiceProviderName,SkuId',
    `1500.00,USD,Usage,2026-03-02T00:00:00Z,10,Hours,${applied(`min-${id}`, '1500.00', 10)},1500.00,CoreWeave,H100-${id}`,
    `2500.00,USD,Usage,2026-04-02T00:00:00Z,20,Hours,${applied(`min-${id}`, '2500.00', 20)},2500.00,CoreWeave,H100-${id}`,
    `800.00,USD,Usage,2026-07-01T00:00:00Z,200,Hours,${applied(`gpu-${id}`, '800.00', 200)},800.00,CoreWeave,H100-${id}`,
    `400.00,USD,Usage,2026-07-02T00:00:00Z,100,Hours,${applied(`gpu-${id}`, '400.00', 100)},400.00,CoreWeave,H100-${id}`,
  ].join('\n') + '\n';
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('What it holds').selectOption('focus-usage');
  await page.getByLabel('CSV file').setInputFiles({ name: `costs-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(costs) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('#upload-message')).toContainText('Imported 4 focus-usage row(s)');

  await page.goto(`/contracts/${contract}`);
  await hydrated(page);
  const items = page.locator('li.commitment');
  await expect(items).toHaveCount(2);
  const minimum = page.locator(`li.commitment[data-commitment="min-${id}"]`);
  await expect(minimum).toContainText('4,000.00');
  await expect(minimum.locator('svg.sparkline path')).toHaveCount(1);
  const gpu = page.locator(`li.commitment[data-commitment="gpu-${id}"]`);
  await expect(gpu).toContainText('300 Hours');
  await expect(gpu).toContainText('5000 Hours');
  await page.screenshot({ path: path.join(shots, 'contract-commitments.png'), fullPage: true });
  // The burn-down report has a row per commitment and day with applied spend.
  const response = await page.request.get(`/api/reports/burndown.csv?contract=${contract}`);
  const lines = (await response.text()).trim().split('\n');
  expect(lines[0]).toBe('contract,commitment,date,cumulative_spend,remaining');
  expect(lines.slice(1)).toEqual([
    `${contract},min-${id},2026-03-02,1500.00,98500.00`,
    `${contract},min-${id},2026-04-02,4000.00,96000.00`,
  ]);
  expect(problems).toEqual([]);
});
