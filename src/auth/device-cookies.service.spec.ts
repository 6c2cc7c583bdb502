import { ConfigService } from '@nestjs/config';
import { validateEnvironment } from '../config/environment';
import { RateLimits } from '../rate-limit/rate-limits';
import { DeviceCookiesService } from './device-cookies.service';

describe('DeviceCookiesService', () => {
  let wait: jest.Mock<Promise<number>, [string]>;
  let sut: DeviceCookiesService;

  const service = (secret: string) =>
    new DeviceCookiesService(new ConfigService(validateEnvironment({ SESSION_SECRET: secret })), {
      deviceFailures: { wait },
    } as unknown as RateLimits);

  beforeEach(() => {
    wait = jest.fn().mockResolvedValue(0);
    sut = service('a-session-secret-of-32-characters!');
  });

  const jar = (cookie: { name: string; value: string }) => ({ [cookie.name]: cookie.value });

  it('trusts the browser it was issued to for that username, however it is spelled', async () => {
    const cookie = sut.issue('Zoë');
    const device = cookie.value.split('.')[0];
    expect(await sut.trusted(jar(cookie), 'Zoë')).toBe(device);
    expect(await sut.trusted(jar(cookie), ' ZOE\u0308 ')).toBe(device);
    expect(wait).toHaveBeenCalledWith(device);
  });

  it('does not trust it for another username, even with the cookie renamed to match', async () => {
    const cookie = sut.issue('alice');
    const other = sut.issue('bob');
    expect(await sut.trusted(jar(cookie), 'bob')).toBeNull();
    expect(await sut.trusted({ [other.name]: cookie.value }, 'bob')).toBeNull();
  });

  it('does not trust a cookie whose id or signature was changed, or that another secret signed', async () => {
    const cookie = sut.issue('alice');
    const [device, signature] = cookie.value.split('.');
    for (const value of [`${device}x.${signature}`, `${device}.${signature.slice(1)}`, device, `${cookie.value}.x`]) {
      expect(await sut.trusted({ [cookie.name]: value }, 'alice')).toBeNull();
    }
    expect(await service('another-session-secret-of-32-chars').trusted(jar(cookie), 'alice')).toBeNull();
  });

  it('does not trust a device that has spent its failure budget', async () => {
    const cookie = sut.issue('alice');
    wait.mockResolvedValue(600);
    expect(await sut.trusted(jar(cookie), 'alice')).toBeNull();
  });

  it('trusts nothing for a username that is not a string', async () => {
    const cookie = sut.issue('alice');
    expect(await sut.trusted(jar(cookie), ['alice', 'alice'])).toBeNull();
    expect(wait).not.toHaveBeenCalled();
  });
});
