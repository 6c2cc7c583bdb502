import { Logger } from '@nestjs/common';
import { Repository } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';

/** A repository whose INSERTs (createQueryBuilder().insert().values(rows)...execute()) go to `execute`. */
function repositoryWith(execute: jest.Mock) {
  const values = jest.fn(() => ({ updateEntity: () => ({ execute }) }));
  const repository = {
    createQueryBuilder: () => ({ insert: () => ({ values }) }),
  } as unknown as Repository<AuditEventEntity>;
  return { repository, values };
}

describe('AuditService.record', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes the event with the time it happened', async () => {
    const { repository, values } = repositoryWith(jest.fn().mockResolvedValue({}));
    const sut = new AuditService(repository);
    await sut.record({ type: 'client.deleted', actor: 'cli', clientId: 'c1' });
    expect(values).toHaveBeenCalledWith([
      {
        type: 'client.deleted',
        actor: 'cli',
        userId: null,
        clientId: 'c1',
        ip: null,
        detail: null,
        createdAt: expect.any(Date),
      },
    ]);
  });

  it('writes the events recorded at the same moment in one INSERT, each caller waiting for it', async () => {
    const execute = jest.fn().mockResolvedValue({});
    const { repository, values } = repositoryWith(execute);
    const sut = new AuditService(repository);
    await Promise.all([
      sut.record({ type: 'token.issued', clientId: 'a' }),
      sut.record({ type: 'token.issued', clientId: 'b' }),
    ]);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(values).toHaveBeenCalledWith([
      expect.objectContaining({ clientId: 'a' }),
      expect.objectContaining({ clientId: 'b' }),
    ]);
  });

  it('logs a failed write instead of failing the action it records', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sut = new AuditService(repositoryWith(jest.fn().mockRejectedValue(new Error('disk full'))).repository);
    await expect(sut.record({ type: 'login.failed', ip: '192.0.2.1' })).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith('audit event login.failed not recorded: disk full');
  });

  it('retries the events of a failed INSERT one by one, so one bad event loses no other', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const execute = jest
      .fn()
      .mockRejectedValueOnce(new Error('bad row'))
      .mockResolvedValueOnce({})
      .mockRejectedValueOnce(new Error('bad row'));
    const sut = new AuditService(repositoryWith(execute).repository);
    await Promise.all([sut.record({ type: 'login.succeeded' }), sut.record({ type: 'login.failed' })]);
    expect(execute).toHaveBeenCalledTimes(3);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('audit event login.failed not recorded: bad row');
  });
});
