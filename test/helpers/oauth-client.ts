import { createHash, randomBytes } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';

/** Decodes the entities Handlebars writes into attribute values. */
function decodeHtml(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden inputs of the first form on a page, as a browser would submit them. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[decodeHtml(match[1])] = decodeHtml(match[2]);
  }
  return fields;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Authorization request parameters; a list is sent as the parameter repeated (RFC 8707 §2 `resource`). */
export type AuthorizeParams = Record<string, string | string[] | undefined>;

export function authorizeUrl(params: AuthorizeParams): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    for (const value of v === undefined ? [] : [v].flat()) query.append(k, value);
  return `/oauth/authorize?${query}`;
}

/** Signs in through the login page, as a person would, and returns where the provider sent the browser. */
export async function signIn(browser: TestAgent, username: string, password: string, returnTo = '/'): Promise<string> {
  const page = await browser.get(`/login?return_to=${encodeURIComponent(returnTo)}`).expect(200);
  const res = await browser
    .post('/login')
    .type('form')
    .send({ ...hiddenFields(page.text), username, password })
    .expect(303);
  return res.headers.location;
}

/**
 * A partner sending a user through the authorization endpoint: login if the
 * provider asks, then the consent page and the user's decision (unless the
 * provider answers at once, e.g. from remembered consent). Returns the URL
 * the provider redirected the browser to.
 */
export async function authorize(
  browser: TestAgent,
  params: AuthorizeParams,
  user: { username: string; password: string },
  decision: 'allow' | 'deny' = 'allow',
): Promise<URL> {
  let res = await browser.get(authorizeUrl(params));
  if (res.status === 303 && res.headers.location.startsWith('/login')) {
    const returnTo = new URL(res.headers.location, 'http://x').searchParams.get('return_to')!;
    const next = await signIn(browser, user.username, user.password, returnTo);
    res = await browser.get(next);
  }
  if (res.status === 303) return new URL(res.headers.location);
  if (res.status !== 200)
    throw new Error(`expected the consent page, got ${res.status} ${res.headers.location ?? res.text}`);
  const answer = await browser
    .post('/oauth/authorize')
    .type('form')
    .send({ ...hiddenFields(res.text), decision })
    .expect(303);
  return new URL(answer.headers.location);
}

/**
 * A partner's authorization request with a fresh PKCE pair (S256), through login and consent as
 * `authorize` walks them. `params` adds to or overrides the request (scope, state, resource...);
 * returns where the browser was sent back to and the verifier that goes with the code there.
 */
export async function authorizeWithPkce(
  browser: TestAgent,
  client: { client_id: string },
  user: { username: string; password: string },
  params: AuthorizeParams = {},
  redirectUri = 'https://partner.example/callback',
): Promise<{ location: URL; verifier: string }> {
  const pkce = pkcePair();
  const request = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'openid profile',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  return { location: await authorize(browser, request, user), verifier: pkce.verifier };
}

/** The code and verifier of an authorization request that was allowed (authorizeWithPkce). */
export async function codeThroughConsent(
  ...args: Parameters<typeof authorizeWithPkce>
): Promise<{ code: string; verifier: string }> {
  const { location, verifier } = await authorizeWithPkce(...args);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location.href}`);
  return { code, verifier };
}
