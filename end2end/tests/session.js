// Signing in as one of the users the test server is started with (playwright.config.js).
const { expect } = require('@playwright/test');

const PASSWORD = 'e2e-password-for-every-role';

async function signIn(page, role) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(role);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.user-menu')).toContainText(`${role} · ${role}`);
}

module.exports = { PASSWORD, signIn };
