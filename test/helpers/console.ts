import { DataSource } from 'typeorm';
import { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { SessionEntity } from '../../src/auth/session.entity';
import { ApisService } from '../../src/apis/apis.service';
import { TEST_API, TestApp } from './create-test-app';
import { hiddenFields, signIn } from './oauth-client';

/** A browser signed in as `user` (through the login page), as a person opening the console does. */
export async function consoleBrowser(t: TestApp, user: { username: string; password: string }): Promise<TestAgent> {
  const browser = t.browser();
  await signIn(browser, user.username, user.password, '/console');
  return browser;
}

/**
 * Submits a console form as a browser does: the page at `page` first, for its CSRF token, then a
 * POST to `action`, answered with `status`.
 */
export async function submitForm(
  browser: TestAgent,
  page: string,
  action: string,
  fields: Record<string, string | string[]>,
  status: number,
): Promise<Response> {
  const form = await browser.get(page).expect(200);
  return browser
    .post(action)
    .type('form')
    .send({ _csrf: hiddenFields(form.text)._csrf, ...fields })
    .expect(status);
}

/** Moves the user's sign-ins back by `seconds`, in the session rows themselves: their password was entered that long ago. */
export async function ageSignIn(t: TestApp, userId: string, seconds: number): Promise<void> {
  const sessions = t.app.get(DataSource).getRepository(SessionEntity);
  for (const row of await sessions.find()) {
    const data = JSON.parse(row.data) as { userId?: string; authTime?: number };
    if (data.userId !== userId || !data.authTime) continue;
    await sessions.update({ id: row.id }, { data: JSON.stringify({ ...data, authTime: data.authTime - seconds }) });
  }
}

/** The client ID and secret shown on the page a new client or a new secret ends on. */
export function shownSecret(html: string): { client_id: string; client_secret: string } {
  const id = /<code id="client-id">([^<]+)<\/code>/.exec(html)?.[1];
  const secret = /<code id="client-secret">([^<]+)<\/code>/.exec(html)?.[1];
  if (!id || !secret) throw new Error('no client secret on the page');
  return { client_id: id, client_secret: secret };
}

/** The id of the API every test database has (TEST_API), for the console's pages about it. */
export async function testApiId(t: TestApp): Promise<string> {
  const { items } = await t.app.get(ApisService).list(100, 0);
  return items.find((api) => api.identifier === TEST_API.identifier)!.id;
}

/** Every console page an administrator opens by address, for a client, a user and an API that exist; the first, /console, leads to the clients list. */
export const consolePages = (clientId: string, userId: string, apiId: string): string[] => [
  '/console',
  '/console/clients',
  '/console/clients/new',
  `/console/clients/${clientId}`,
  `/console/clients/${clientId}/delete`,
  '/console/apis',
  '/console/apis/new',
  `/console/apis/${apiId}`,
  `/console/apis/${apiId}/delete`,
  '/console/users',
  '/console/users/new',
  `/console/users/${userId}`,
  '/console/audit',
  '/console/keys',
  '/console/keys/rotate',
];
