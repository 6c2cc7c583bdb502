// A small HTTP client for the bench's set-up work (not for load): keep-alive, a cookie jar per
// "browser", bounded by a timeout, and only ever aimed at 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves with { status, headers, body } (body as text). */
export function request(port, method, path, { headers = {}, body, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const form = (params) => new URLSearchParams(params).toString();
export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
export const FORM = 'application/x-www-form-urlencoded';

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden inputs of the first form of a page (values as Handlebars escapes them). */
export function hiddenFields(html) {
  const decode = (s) =>
    s
      .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[decode(m[1])] = decode(m[2]);
  return fields;
}

/** Cookies as a browser keeps them for one host: name=value, from Set-Cookie headers. */
export class CookieJar {
  cookies = new Map();

  store(setCookie) {
    for (const line of [].concat(setCookie ?? [])) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A browser: requests with its cookies, remembering those it is given. */
export function browser(port) {
  const jar = new CookieJar();
  return async (method, path, options = {}) => {
    const headers = { ...options.headers, ...(jar.cookies.size && { cookie: jar.header() }) };
    const res = await request(port, method, path, { ...options, headers });
    jar.store(res.headers['set-cookie']);
    return res;
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; bounded by count. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
