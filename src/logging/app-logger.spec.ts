import { Logger } from '@nestjs/common';
import pino from 'pino';
import { Writable } from 'node:stream';
import { AppLogger } from './app-logger';

describe('AppLogger', () => {
  let lines: Record<string, unknown>[];
  let sut: AppLogger;

  beforeEach(() => {
    lines = [];
    const destination = new Writable({
      write: (chunk: Buffer, _, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()),
    });
    sut = new AppLogger(pino({ level: 'debug' }, destination));
  });

  it('writes a Nest Logger call as a pino line with its context and the fields it passes', () => {
    const logger = new Logger('TokenEndpoint');
    Logger.overrideLogger(sut);
    logger.warn('database unavailable: timeout', { reqId: 'r-1' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'database unavailable: timeout',
        context: 'TokenEndpoint',
        reqId: 'r-1',
      }),
    ]);
  });

  it('keeps a stack trace passed after the message', () => {
    sut.error('boom', 'Error: boom\n    at x', 'Ctx');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'boom', stack: 'Error: boom\n    at x', context: 'Ctx' });
  });

  it('censors credentials in objects it is given', () => {
    sut.log({ msg: 'client', client_secret: 's3cret', detail: { password: 'p4ss' } }, 'Ctx');
    expect(lines[0]).toMatchObject({ msg: 'client', client_secret: '[REDACTED]', detail: { password: '[REDACTED]' } });
  });

  it('writes nothing below its level', () => {
    sut.verbose('chatter', 'Ctx');
    expect(lines).toEqual([]);
  });
});
