// A partner web app offering "Log in with Provider", as a partner developer would write it:
// Express 5 and openid-client 6, the authorization code flow with PKCE, state and nonce,
// the ID token's claims and UserInfo, refresh, and RP-initiated logout.
//
//   createPartnerApp(options)  -> the Express app (tests and the demo start it themselves)
//   startPartnerApp(options)   -> listening: { url, server, close() }
//
// Its own sessions are an in-memory Map keyed by a random cookie: enough for an example,
// not for several instances of a real app.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import * as oidc from 'openid-client';
import { ICON, STYLESHEET, loggedOutPage, messagePage, signedInPage, signedOutPage } from './views.js';

const COOKIE = 'partner_sid';
/** How long a signed-in session at this app lasts. */
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** How long a started login (the trip to the provider and back) may take. */
const PENDING_TTL_MS = 10 * 60 * 1000;

/**
 * @param {object} options
 * @param {string} options.issuer        the provider, e.g. http://localhost:3000
 * @param {string} options.clientId
 * @param {string} [options.clientSecret] none for a public client
 * @param {string} options.baseUrl       where this app is reached, e.g. http://127.0.0.1:4000;
 *                                       `${baseUrl}/callback` and `${baseUrl}/logged-out` must be registered
 * @param {string} [options.scope]
 * @param {string} [options.appName]
 * @param {string} [options.providerName] the name on the login button
 * @param {(error: unknown) => void} [options.log] where unexpected errors go (console.error)
 */
export function createPartnerApp(options) {
  const {
    issuer,
    clientId,
    clientSecret,
    baseUrl,
    scope = 'openid profile email offline_access',
    appName = 'Partner Demo',
    providerName = 'Provider',
    log = (error) => console.error(error),
  } = options;
  if (!issuer || !clientId || !baseUrl) throw new Error('createPartnerApp needs issuer, clientId and baseUrl');
  const redirectUri = new URL('/callback', baseUrl).href;
  const postLogoutRedirectUri = new URL('/logged-out', baseUrl).href;
  const secureCookie = new URL(baseUrl).protocol === 'https:';
  const names = { appName, providerName };

  /** @type {Map<string, { expires: number, csrf: string, pending: Map<string, object>, user?: object }>} */
  const sessions = new Map();

  // Discovery once, on first use, so that the app may start before the provider; retried after a failure.
  let configuration;
  function config() {
    configuration ??= oidc
      .discovery(
        new URL(issuer),
        clientId,
        clientSecret,
        clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
        // openid-client refuses plain http unless told; only a local provider should be reached that way.
        { execute: new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [] },
      )
      .catch((error) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  }

  function readSession(req) {
    const id = parseCookies(req.headers.cookie)[COOKIE];
    const session = id ? sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expires < Date.now()) {
      sessions.delete(id);
      return undefined;
    }
    return { id, session };
  }

  function newSession(res, ttl) {
    for (const [id, s] of sessions) if (s.expires < Date.now()) sessions.delete(id);
    const id = randomBytes(32).toString('base64url');
    const session = { expires: Date.now() + ttl, csrf: randomBytes(24).toString('base64url'), pending: new Map() };
    sessions.set(id, session);
    res.append('Set-Cookie', serializeCookie(COOKIE, id, { maxAge: ttl / 1000, secure: secureCookie }));
    return session;
  }

  function endSession(res, id) {
    sessions.delete(id);
    res.append('Set-Cookie', serializeCookie(COOKIE, '', { maxAge: 0, secure: secureCookie }));
  }

  function checkCsrf(req, session) {
    const given = Buffer.from(typeof req.body?._csrf === 'string' ? req.body._csrf : '');
    const expected = Buffer.from(session.csrf);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** What the signed-in page shows, kept from a token response. */
  async function remember(user, tokens, cfg) {
    const claims = tokens.claims() ?? user.claims;
    // UserInfo, checked against the ID token's subject (OpenID Connect Core §5.3.2).
    const userinfo = await oidc.fetchUserInfo(cfg, tokens.access_token, claims.sub);
    const expiresIn = tokens.expiresIn();
    return Object.assign(user, {
      claims,
      userinfo,
      idToken: tokens.id_token ?? user.idToken,
      accessToken: tokens.access_token,
      accessTokenFingerprint: createHash('sha256').update(tokens.access_token).digest('hex').slice(0, 16),
      accessTokenExpiresAt:
        expiresIn === undefined
          ? undefined
          : new Date(Date.now() + expiresIn * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      // The provider rotates refresh tokens: keep the new one (RFC 9700 §4.14.2).
      refreshToken: tokens.refresh_token ?? user.refreshToken,
      hasRefreshToken: Boolean(tokens.refresh_token ?? user.refreshToken),
      scope: tokens.scope ?? user.scope,
    });
  }

  const page = (res, status, html) => res.status(status).type('html').send(html);
  const problem = (res, status, title, message, detail) =>
    page(res, status, messagePage({ ...names, title, message, detail }));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    res.set({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  app.get('/partner.css', (req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(STYLESHEET);
  });

  app.get('/favicon.svg', (req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('image/svg+xml').send(ICON);
  });

  app.get('/', (req, res) => {
    const found = readSession(req);
    if (found?.session.user) {
      const { user } = found.session;
      const html = signedInPage({ ...names, user, csrfToken: found.session.csrf });
      delete user.flash;
      return page(res, 200, html);
    }
    page(res, 200, signedOutPage(names));
  });

  // Start of the login: fresh PKCE verifier, state and nonce, kept in this browser's session.
  app.get('/login', async (req, res) => {
    let cfg;
    try {
      cfg = await config();
    } catch (error) {
      log(error);
      return problem(
        res,
        502,
        'Provider unavailable',
        `${providerName} cannot be reached right now. Try again in a moment.`,
      );
    }
    const session = readSession(req)?.session ?? newSession(res, PENDING_TTL_MS);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    for (const [key, p] of session.pending) if (p.expires < Date.now()) session.pending.delete(key);
    session.pending.set(state, { codeVerifier, nonce, expires: Date.now() + PENDING_TTL_MS });
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.redirect(303, url.href);
  });

  // The provider sends the browser back here with a code (or an error), the state and iss (RFC 9207).
  app.get('/callback', async (req, res) => {
    const found = readSession(req);
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const pending = state ? found?.session.pending.get(state) : undefined;
    if (!found || !pending || pending.expires < Date.now()) {
      return problem(res, 400, 'Sign-in expired', 'This sign-in was not started here or took too long. Start again.');
    }
    found.session.pending.delete(state);

    if (typeof req.query.error === 'string') {
      const denied = req.query.error === 'access_denied';
      const description = typeof req.query.error_description === 'string' ? req.query.error_description : '';
      return problem(
        res,
        denied ? 403 : 400,
        denied ? 'Sign-in cancelled' : 'Sign-in failed',
        denied
          ? `You chose not to let ${appName} use your ${providerName} account.`
          : `${providerName} could not sign you in.`,
        `${req.query.error}${description ? `: ${description}` : ''}`,
      );
    }

    const cfg = await config();
    let tokens;
    try {
      // openid-client checks state, iss, the PKCE verifier (at the provider), and the ID token with its nonce.
      tokens = await oidc.authorizationCodeGrant(cfg, new URL(req.originalUrl, baseUrl), {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      log(error);
      return problem(res, 400, 'Sign-in failed', `${providerName} could not sign you in.`, describe(error));
    }
    // A new session id once signed in: whatever id was planted before the login is worthless.
    sessions.delete(found.id);
    const session = newSession(res, SESSION_TTL_MS);
    session.user = await remember({ refreshCount: 0 }, tokens, cfg);
    res.redirect(303, '/');
  });

  // refresh_token grant (RFC 6749 §6): new access token, new refresh token, new ID token.
  app.post('/refresh', async (req, res) => {
    const found = readSession(req);
    if (!found?.session.user) return res.redirect(303, '/');
    if (!checkCsrf(req, found.session))
      return problem(res, 403, 'Form expired', 'Go back, reload the page and try again.');
    const { user } = found.session;
    const cfg = await config();
    try {
      const tokens = await oidc.refreshTokenGrant(cfg, user.refreshToken);
      await remember(user, tokens, cfg);
    } catch (error) {
      log(error);
      endSession(res, found.id);
      return problem(res, 401, 'Signed out', `Your ${providerName} sign-in has ended. Log in again.`, describe(error));
    }
    user.refreshCount += 1;
    user.flash = `Tokens refreshed at ${new Date().toISOString().slice(11, 19)} UTC.`;
    res.redirect(303, '/');
  });

  // RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): forget the user here, then ask
  // the provider to end its session and send the browser back to a registered address.
  app.post('/logout', async (req, res) => {
    const found = readSession(req);
    if (!found?.session.user) return res.redirect(303, '/');
    if (!checkCsrf(req, found.session))
      return problem(res, 403, 'Form expired', 'Go back, reload the page and try again.');
    const { idToken } = found.session.user;
    endSession(res, found.id);
    const url = oidc.buildEndSessionUrl(await config(), {
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
    });
    res.redirect(303, url.href);
  });

  app.get('/logged-out', (req, res) => page(res, 200, loggedOutPage(names)));

  app.use((req, res) => problem(res, 404, 'Not found', 'There is no such page here.'));
  // Express 5 passes rejected async handlers here.
  app.use((error, req, res, next) => {
    log(error);
    if (res.headersSent) return next(error);
    problem(res, 500, 'Something went wrong', 'The partner app could not complete this request.', describe(error));
  });
  return app;
}

/** Starts the app on `port` (default 4000); `baseUrl` defaults to http://host:port. Resolves once it listens. */
export function startPartnerApp({ port = 4000, host = '127.0.0.1', ...options }) {
  const baseUrl = options.baseUrl ?? `http://${host}:${port}`;
  const app = createPartnerApp({ ...options, baseUrl });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error) => {
      if (error) return reject(error);
      resolve({ url: baseUrl, server, close: () => closeServer(server) });
    });
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** A short, safe-to-show description of a failed OAuth exchange. */
function describe(error) {
  if (error instanceof oidc.ResponseBodyError) return `${error.error}: ${error.error_description ?? ''}`.trim();
  if (error instanceof Error)
    return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}

function parseCookies(header = '') {
  const cookies = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      cookies[part.slice(0, eq).trim()] ??= decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie is ignored like a missing one.
    }
  }
  return cookies;
}

function serializeCookie(name, value, { maxAge, secure }) {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAge)}${secure ? '; Secure' : ''}`;
}
