import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SessionEntity } from '../src/auth/session.entity';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { hiddenFields } from './helpers/oauth-client';

/** The `name=value` of each cookie a response sets. */
const cookiesOf = (res: Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]);

describe('anonymous visitors', () => {
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  // The sessions table is counted whole: on MySQL, in a database of this file's own.
  beforeAll(async () => {
    database = await privateDatabase('anonymous');
    t = await createTestApp(database.env);
    user = await t.createUser();
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const sessionRows = () => t.app.get(DataSource).getRepository(SessionEntity).count();

  it('store nothing on the server: 100 visits to the login page add no session row', async () => {
    const before = await sessionRows();
    for (let i = 0; i < 100; i += 1) {
      const page = await t.http().get('/login').expect(200);
      expect(cookiesOf(page).some((cookie) => cookie.startsWith('sid='))).toBe(false);
    }
    expect(await sessionRows()).toBe(before);
  });

  it('get a session row once they sign in, and only then', async () => {
    const browser = t.browser();
    const page = await browser.get('/login').expect(200);
    const before = await sessionRows();
    await browser
      .post('/login')
      .type('form')
      .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
      .expect(303);
    expect(await sessionRows()).toBe(before + 1);
  });

  it('cannot sign in with a CSRF cookie whose signature does not match: 403', async () => {
    const page = await t.http().get('/login').expect(200);
    const [cookie] = cookiesOf(page).filter((c) => c.startsWith('csrf='));
    const [secret, signature] = decodeURIComponent(cookie.slice('csrf='.length)).split('.');
    const altered = `csrf=${encodeURIComponent(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}.${signature}`)}`;
    await t
      .http()
      .post('/login')
      .set('Cookie', altered)
      .type('form')
      .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
      .expect(403);
    await t
      .http()
      .post('/login')
      .set('Cookie', cookie)
      .type('form')
      .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
      .expect(303);
  });
});
