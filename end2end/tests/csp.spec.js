// The page's Content-Security-Policy lets only its own (nonce-carrying) inline scripts run:
// the app hydrates, and a script injected into the page is refused with a CSP violation.
const { test, expect } = require('@playwright/test');
const { signIn } = require('./session');

test('an injected inline script does not run, the app still hydrates', async ({ page }) => {
  await signIn(page, 'viewer');
  const response = await page.goto('/');
  const csp = response.headers()['content-security-policy'];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}' 'wasm-unsafe-eval'/);
  expect(csp).not.toContain("'unsafe-inline' 'wasm-unsafe-eval'");
  await expect(page.locator('main')).toHaveAttribute('data-hydrated', 'true');
  const outcome = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve({
      directive: e.effectiveDirective,
      ran: window.__injected === true,
    }), { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.appendChild(script);
    setTimeout(() => resolve({ directive: null, ran: window.__injected === true }), 2000);
  }));
  expect(outcome.ran).toBe(false);
  expect(outcome.directive).toBe('script-src-elem');
});
