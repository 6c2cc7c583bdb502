// The partner app's pages. Everything a page echoes goes through escapeHtml():
// claims, userinfo and error descriptions come from elsewhere and may contain markup.

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** Claims that are times (seconds since the epoch), shown with a readable date beside them. */
const TIME_CLAIMS = new Set(['iat', 'exp', 'auth_time', 'nbf', 'updated_at']);

/** What the common claims mean, for a developer reading the page. */
const CLAIM_NOTES = {
  iss: 'issuer: the provider that signed the token',
  sub: "subject: the user's stable identifier at the provider",
  aud: 'audience: the client the token was issued to',
  azp: 'authorized party',
  exp: 'expires',
  iat: 'issued',
  auth_time: 'when the user last entered their password',
  nonce: 'echo of the nonce this app sent (replay protection)',
  at_hash: 'binds the ID token to the access token',
  sid: 'session at the provider',
  name: 'full name',
  preferred_username: 'username',
  email: 'email address',
  email_verified: 'email address verified',
};

function formatValue(name, value) {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toISOString().replace('.000Z', 'Z')})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function claimsTable(caption, id, claims) {
  const rows = Object.entries(claims)
    .map(
      ([name, value]) => `<tr>
          <th scope="row"><code>${escapeHtml(name)}</code>${
            CLAIM_NOTES[name] ? `<span class="note">${escapeHtml(CLAIM_NOTES[name])}</span>` : ''
          }</th>
          <td><code>${escapeHtml(formatValue(name, value))}</code></td>
        </tr>`,
    )
    .join('');
  return `<section aria-labelledby="${id}">
      <h2 id="${id}">${escapeHtml(caption)}</h2>
      <div class="table-wrap"><table id="${id}-table">
        <thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>
        <tbody>${rows}</tbody>
      </table></div>
    </section>`;
}

function layout({ appName, title, body }) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · ${escapeHtml(appName)}</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/partner.css">
</head>
<body>
  <header class="topbar">
    <a class="brand" href="/"><span class="logo" aria-hidden="true"></span>${escapeHtml(appName)}</a>
    <span class="tag">example partner app</span>
  </header>
  <main>
${body}
  </main>
</body>
</html>
`;
}

export function signedOutPage({ appName, providerName }) {
  return layout({
    appName,
    title: 'Welcome',
    body: `<section class="hero">
      <h1>Welcome to ${escapeHtml(appName)}</h1>
      <p>This small app is a partner of the provider. It signs you in with your provider account using
      OpenID Connect: the authorization code flow with PKCE, <code>state</code> and <code>nonce</code>.</p>
      <a class="button primary" id="login" href="/login">Log in with ${escapeHtml(providerName)}</a>
    </section>`,
  });
}

export function signedInPage({ appName, user, csrfToken }) {
  const who = user.userinfo.name ?? user.userinfo.preferred_username ?? user.claims.sub;
  const flash = user.flash ? `<p class="flash" role="status">${escapeHtml(user.flash)}</p>` : '';
  return layout({
    appName,
    title: 'Signed in',
    body: `<section class="hero">
      <h1>Hello, <span id="who">${escapeHtml(who)}</span></h1>
      <p>You are signed in to ${escapeHtml(appName)} with your provider account.</p>
      ${flash}
      <div class="actions">
        <form method="post" action="/refresh">
          <input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
          <button type="submit" id="refresh" class="button">Refresh tokens</button>
        </form>
        <form method="post" action="/logout">
          <input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
          <button type="submit" id="logout" class="button">Log out</button>
        </form>
      </div>
    </section>
    <section aria-labelledby="tokens">
      <h2 id="tokens">Tokens</h2>
      <dl class="facts">
        <dt>Scope granted</dt><dd id="scope"><code>${escapeHtml(user.scope ?? '')}</code></dd>
        <dt>Access token</dt><dd><code id="access-token-fingerprint">${escapeHtml(user.accessTokenFingerprint)}</code> <span class="note">(SHA-256 fingerprint; the token itself stays on the server)</span></dd>
        <dt>Access token expires</dt><dd><code>${escapeHtml(user.accessTokenExpiresAt ?? 'unknown')}</code></dd>
        <dt>Refresh token</dt><dd>${user.hasRefreshToken ? 'yes (<code>offline_access</code>)' : 'no'}</dd>
        <dt>Refreshed</dt><dd id="refresh-count">${escapeHtml(user.refreshCount)} time${user.refreshCount === 1 ? '' : 's'}</dd>
      </dl>
    </section>
    ${claimsTable('ID token claims', 'claims', user.claims)}
    ${claimsTable('UserInfo', 'userinfo', user.userinfo)}`,
  });
}

export function messagePage({ appName, title, message, detail, providerName }) {
  return layout({
    appName,
    title,
    body: `<section class="hero">
      <h1>${escapeHtml(title)}</h1>
      <p id="message" role="alert">${escapeHtml(message)}</p>
      ${detail ? `<p class="detail"><code id="detail">${escapeHtml(detail)}</code></p>` : ''}
      <a class="button primary" href="/login">Log in with ${escapeHtml(providerName)}</a>
      <a class="button" href="/">Home</a>
    </section>`,
  });
}

export function loggedOutPage({ appName, providerName }) {
  return layout({
    appName,
    title: 'Logged out',
    body: `<section class="hero">
      <h1>You are logged out</h1>
      <p id="message" role="status">You have left ${escapeHtml(appName)} and signed out at ${escapeHtml(providerName)}.</p>
      <a class="button primary" href="/login">Log in with ${escapeHtml(providerName)}</a>
    </section>`,
  });
}

export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#f97316"/><circle cx="16" cy="16" r="8" fill="#facc15"/></svg>`;

export const STYLESHEET = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: #17202a; background: #fbf7f2; line-height: 1.5; }
* { box-sizing: border-box; }
body { margin: 0; }
.topbar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; padding: .75rem 1.25rem; background: #0f5132; color: #fff; }
.brand { color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; display: inline-flex; align-items: center; gap: .5rem; }
.logo { width: 1.4rem; height: 1.4rem; border-radius: 50%; background: linear-gradient(135deg, #facc15, #f97316); }
.tag { font-size: .8rem; opacity: .85; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; }
.hero { background: #fff; border: 1px solid #eadfd2; border-radius: 12px; padding: 1.5rem; }
.button { display: inline-block; margin: .5rem .5rem 0 0; padding: .65rem 1.1rem; font: inherit; font-weight: 600; border-radius: 8px; border: 2px solid #0f5132; background: #fff; color: #0f5132; text-decoration: none; cursor: pointer; }
.button.primary { background: #0f5132; color: #fff; }
.button:hover { filter: brightness(1.1); }
:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: .25rem; }
.actions form { margin: 0; }
.flash { background: #e7f6ec; border-left: 4px solid #0f5132; padding: .5rem .75rem; }
[role=alert] { background: #fdecea; border-left: 4px solid #b42318; padding: .5rem .75rem; }
.detail code { overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #eadfd2; }
th, td { text-align: left; vertical-align: top; padding: .45rem .7rem; border-bottom: 1px solid #f1e9df; }
thead th { background: #f6efe6; font-size: .85rem; }
td code, dd code { overflow-wrap: anywhere; word-break: break-word; }
.note { display: block; font-weight: 400; font-size: .8rem; color: #52606d; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; background: #fff; border: 1px solid #eadfd2; border-radius: 8px; padding: 1rem; margin: 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; min-width: 0; }
.facts .note { display: inline; }
@media (max-width: 480px) {
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: .5rem; }
  thead { display: none; }
  table, tbody, tr, th, td { display: block; }
  tr { border-bottom: 1px solid #eadfd2; padding: .35rem 0; }
  th, td { border: 0; padding: .15rem .7rem; }
}
`;
