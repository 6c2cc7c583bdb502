// Runs the partner app on its own: `npm run demo` at the repository root does this for you.
//
//   ISSUER=http://localhost:3000 CLIENT_ID=... CLIENT_SECRET=... PORT=4000 node examples/partner-app/server.js
//
// The client must be registered with the redirect URI http://127.0.0.1:4000/callback and the
// post-logout redirect URI http://127.0.0.1:4000/logged-out (or the same under BASE_URL).
import { startPartnerApp } from './app.js';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, PORT = '4000', HOST = '127.0.0.1', BASE_URL } = process.env;
if (!ISSUER || !CLIENT_ID) {
  console.error('error: set ISSUER and CLIENT_ID (and CLIENT_SECRET for a confidential client)');
  process.exit(1);
}

const partner = await startPartnerApp({
  issuer: ISSUER,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET || undefined,
  port: Number(PORT),
  host: HOST,
  baseUrl: BASE_URL,
});
console.log(`Partner app listening at ${partner.url}`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => partner.close().then(() => process.exit(0)));
}
