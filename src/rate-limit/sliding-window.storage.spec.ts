import { SlidingWindowStorage } from './sliding-window.storage';

describe('SlidingWindowStorage', () => {
  let now: number;
  let sut: SlidingWindowStorage;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    sut = new SlidingWindowStorage();
  });
  afterEach(() => jest.restoreAllMocks());

  const hit = (key = 'oauth:1.2.3.4') => sut.increment(key, 10_000, 3);

  it('counts the requests of a key and refuses the one over the limit, without counting it', async () => {
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
    await hit();
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true });
  });

  it('keeps each key apart', async () => {
    for (let i = 0; i < 3; i++) await hit('a');
    expect(await hit('b')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit('a')).toMatchObject({ isBlocked: true });
  });

  it('tells a refused key to wait until its oldest request leaves the window, and then lets it go on', async () => {
    await hit();
    now += 4_000;
    await hit();
    await hit();
    now += 1_500;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    now += 4_500;
    expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 3 });
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 4 });
  });

  it('slides: requests count for exactly one window from when they were made', async () => {
    for (let i = 0; i < 1000; i++) {
      now += 3_334;
      expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 3 - Number(i < 2) * (2 - i) });
    }
    now += 1;
    expect(await hit()).toMatchObject({ isBlocked: true });
  });
});
