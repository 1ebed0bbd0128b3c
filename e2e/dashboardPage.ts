import { expect, type Page } from '@playwright/test';
import { E2E } from './env';

/** Signs in as an operator does (the token in the URL's fragment) and waits for the live page. */
export async function signIn(page: Page, base = E2E.baseURL, token = E2E.token): Promise<void> {
  await page.goto(`${base}/login#token=${token}`);
  await page.waitForURL(`${base}/`);
}

/** Signs in and waits until the page is connected to the server. */
export async function signInLive(page: Page, base = E2E.baseURL, token = E2E.token): Promise<void> {
  await signIn(page, base, token);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'true');
}

/** A container's node on the graph, by name. */
export const containerNode = (page: Page, name: string) =>
  page.locator(`[data-testid="container-node"][data-name="${name}"]`);
