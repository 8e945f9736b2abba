// Each role sees only what it may do, and signing out really signs out.
const { test, expect } = require('@playwright/test');
const path = require('path');
const { signIn } = require('./session');

const shots = path.join(__dirname, '..', 'screenshots');

test('anonymous visitors are sent to the sign-in page, and a wrong password says so', async ({ page }) => {
  await page.goto('/contracts');
  await expect(page).toHaveURL(/\/login\?next=%2Fcontracts$/);
  await page.getByLabel('User name').fill('viewer');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-message')).toHaveText('Wrong user name or password.');
  await page.screenshot({ path: path.join(shots, 'login.png') });
});

const canSee = {
  viewer: { newContract: false, addUsage: false, importForm: false },
  editor: { newContract: true, addUsage: true, importForm: true },
  analyst: { newContract: false, addUsage: false, importForm: true },
  admin: { newContract: true, addUsage: true, importForm: true },
};

for (const [role, may] of Object.entries(canSee)) {
  test(`a ${role} sees only what a ${role} may do`, async ({ page }) => {
    await signIn(page, role);
    await page.goto('/contracts');
    await expect(page.locator('#contracts')).toContainText('AWS-2025-38B');
    await expect(page.getByRole('link', { name: 'New contract' })).toHaveCount(may.newContract ? 1 : 0);

    await page.goto('/contracts/AWS-2025-38B');
    await expect(page.getByRole('button', { name: 'Log receipt' })).toHaveCount(may.newContract ? 1 : 0);

    await page.goto('/usage');
    await expect(page.getByRole('button', { name: 'Add usage' })).toBeVisible({ visible: may.addUsage });
    await expect(page.getByRole('button', { name: 'Correct' })).toHaveCount(may.addUsage ? 100 : 0);

    await page.goto('/import');
    if (may.importForm) {
      await expect(page.getByLabel('CSV file')).toBeVisible();
    } else {
      await expect(page.getByText(`A ${role} cannot import files.`)).toBeVisible();
    }
    // Reports are for everyone.
    await page.goto('/reports');
    await expect(page.locator('#reports')).toContainText('burndown');
  });
}

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/account');
  await expect(page.getByText('Signed in as admin (admin).')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('#login-message')).toHaveText('You are signed out.');
  await page.goto('/usage');
  await expect(page).toHaveURL(/\/login\?next=%2Fusage$/);
});
