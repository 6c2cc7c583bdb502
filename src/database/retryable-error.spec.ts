import { QueryFailedError } from 'typeorm';
import { retryableCode as sut } from './retryable-error';

const driverError = (fields: object) => Object.assign(new Error('driver message'), fields);

describe('retryableCode', () => {
  it.each([
    ['a deadlock or a certification conflict', { code: 'ER_LOCK_DEADLOCK', errno: 1213 }, 'ER_LOCK_DEADLOCK'],
    ['a Galera node not ready', { code: 'ER_UNKNOWN_COM_ERROR', errno: 1047 }, 'ER_UNKNOWN_COM_ERROR'],
    ['a lost connection', { code: 'PROTOCOL_CONNECTION_LOST' }, 'PROTOCOL_CONNECTION_LOST'],
    ['a killed connection (MariaDB)', { errno: 1927 }, 'ER_CONNECTION_KILLED'],
    [
      'a statement on a connection closed meanwhile',
      { message: "Can't add new command when connection is in closed state" },
      'CONNECTION_CLOSED',
    ],
  ])('runs again after %s, raw or wrapped by TypeORM', (_, fields, code) => {
    expect(sut(driverError(fields))).toBe(code);
    expect(sut(new QueryFailedError('UPDATE t', [], driverError(fields)))).toBe(code);
  });

  it.each([
    ['a duplicate key', { code: 'ER_DUP_ENTRY' }],
    ['a lock wait timeout (its wait is spent)', { code: 'ER_LOCK_WAIT_TIMEOUT' }],
    ['a pool that gave no connection in time', { code: 'POOL_ACQUIRE_TIMEOUT' }],
    ['SQLite busy', { code: 'SQLITE_BUSY' }],
    ['a programming error', {}],
  ])('does not after %s', (_, fields) => {
    expect(sut(driverError(fields))).toBeUndefined();
  });
});
