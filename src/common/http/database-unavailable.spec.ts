import { ConnectionIsNotSetError, QueryFailedError } from 'typeorm';
import { databaseUnavailableReason as sut } from './database-unavailable';

const driverError = (code: string, message = 'driver message') => Object.assign(new Error(message), { code });

describe('databaseUnavailableReason', () => {
  it.each([
    // mysql2: the server is gone, unreachable, full or going down
    'ECONNREFUSED',
    'ETIMEDOUT',
    'PROTOCOL_CONNECTION_LOST',
    'ER_CON_COUNT_ERROR',
    'ER_LOCK_WAIT_TIMEOUT',
    'POOL_ACQUIRE_TIMEOUT',
    // better-sqlite3: locked by another process, or the file cannot be used
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_LOCKED',
    'SQLITE_IOERR_WRITE',
    'SQLITE_FULL',
  ])('recognizes %s, raw or wrapped by TypeORM', (code) => {
    expect(sut(driverError(code))).toBe(`${code}: driver message`);
    expect(sut(new QueryFailedError('SELECT secret FROM t', [], driverError(code)))).toMatch(new RegExp(`^${code}: `));
  });

  it('recognizes a closed database', () => {
    expect(sut(new TypeError('The database connection is not open'))).toBeDefined();
    expect(sut(new Error('Pool is closed.'))).toBeDefined();
    expect(sut(new Error('Connection is not established with mysql database'))).toBeDefined();
    expect(sut(new ConnectionIsNotSetError('mysql'))).toBeDefined();
    // A pooled MySQL connection closed by the server or a load balancer; MariaDB's 1927 has no name in mysql2.
    expect(sut(new Error("Can't add new command when connection is in closed state"))).toBeDefined();
    expect(sut(Object.assign(new Error('Connection was killed'), { errno: 1927 }))).toBeDefined();
  });

  it('never puts the query in the reason', () => {
    expect(
      sut(new QueryFailedError('SELECT secret FROM t', ['p'], driverError('SQLITE_BUSY', 'database is locked'))),
    ).toBe('SQLITE_BUSY: database is locked');
  });

  it.each([
    ['a constraint violation', driverError('ER_DUP_ENTRY')],
    ['a syntax error', driverError('SQLITE_ERROR')],
    ['a programming error', new TypeError('x is undefined')],
    ['no error at all', 'boom'],
    ['nothing', undefined],
  ])('leaves %s alone', (_, error) => {
    expect(sut(error)).toBeUndefined();
  });
});
