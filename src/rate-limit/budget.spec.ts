import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Budget } from './budget';

describe('Budget', () => {
  let sut: Budget;

  beforeEach(() => {
    sut = new Budget(new RateLimiterMemory({ points: 3, duration: 60 }), 3);
  });

  it('lets a key spend its budget, then answers how long to wait', async () => {
    for (let i = 0; i < 3; i++) expect(await sut.spend('a')).toBe(0);
    expect(await sut.wait('a')).toBeGreaterThan(0);
    expect(await sut.spend('a')).toBeGreaterThan(58);
    expect(await sut.spend('a')).toBeLessThanOrEqual(60);
  });

  it('waits for nothing while the key has some left, or has never spent', async () => {
    expect(await sut.wait('a')).toBe(0);
    await sut.spend('a');
    await sut.spend('a');
    expect(await sut.wait('a')).toBe(0);
  });

  it('keeps each key apart', async () => {
    for (let i = 0; i < 3; i++) await sut.spend('a');
    expect(await sut.spend('b')).toBe(0);
    expect(await sut.wait('a')).toBeGreaterThan(0);
  });

  it('takes back a refund: what was refunded can be spent again', async () => {
    for (let i = 0; i < 3; i++) await sut.spend('a');
    await sut.refund('a');
    expect(await sut.wait('a')).toBe(0);
    expect(await sut.spend('a')).toBe(0);
    expect(await sut.spend('a')).toBeGreaterThan(0);
  });
});
