import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { TestApp } from './create-test-app';
import { hiddenFields } from './oauth-client';

/** Each role="alert" element's text on a page. */
export function alerts(html: string): string[] {
  return [...html.matchAll(/<[^>]+role="alert"[^>]*>([^<]*)</g)].map((m) => m[1].trim());
}

export function retryAfter(res: Response): number {
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  return Number(res.headers['retry-after']);
}

/** A login form posted from a browser (a fresh one unless given), from `address` as a proxy on this host reports it. */
export async function signInAttempt(
  t: Pick<TestApp, 'browser'>,
  username: string,
  password: string,
  address = '127.0.0.1',
  browser: TestAgent = t.browser(),
) {
  const page = await browser.get('/login').expect(200);
  const res = await browser
    .post('/login')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ ...hiddenFields(page.text), username, password });
  return { res, browser };
}

/** The login page at 429: the form again, one alert saying to wait, and when to come back. */
export function expectRefusedLoginPage(res: Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(/<label for="username">Username<\/label>/);
  const [alert, ...more] = alerts(res.text);
  expect(more).toEqual([]);
  expect(alert).toMatch(new RegExp(`Wait ${retryAfter(res)} seconds?`));
}
