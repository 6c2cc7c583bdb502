// A Redis adapter for node-oidc-provider, on ioredis, after the one its repository gave as the
// production example (example/adapters/redis.js, until the adapters moved to its Community Guides):
// each model instance under `<Model>:<id>` with the model's TTL, single-use models (codes, refresh
// tokens) as a hash so that consuming one is a single HSET, a per-grant index for revocation, and
// the lookups by session uid and device user code. `client` carries the key prefix (ioredis
// keyPrefix), which keeps one run's keys apart from everything else in the same Redis.

/** Models whose tokens belong to a grant (revoked together with it). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Models redeemed once: marked consumed in place. */
const CONSUMABLE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
  'PushedAuthorizationRequest',
]);

const grantKey = (grantId) => `grant:${grantId}`;
const uidKey = (uid) => `uid:${uid}`;
const userCodeKey = (userCode) => `userCode:${userCode}`;

/** The adapter class oidc-provider's `adapter` option takes, storing through `client`. */
export function redisAdapter(client) {
  return class RedisAdapter {
    constructor(model) {
      this.model = model;
      this.consumable = CONSUMABLE.has(model);
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const json = JSON.stringify(payload);
      const tx = client.multi();
      if (this.consumable) tx.del(key).hset(key, 'payload', json);
      else tx.set(key, json);
      if (expiresIn) tx.expire(key, expiresIn);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const index = grantKey(payload.grantId);
        tx.sadd(index, key);
        // The index lives as long as its longest-lived member: NX sets a first TTL, GT only extends it.
        if (expiresIn) tx.expire(index, expiresIn, 'NX').expire(index, expiresIn, 'GT');
      }
      for (const [indexKey, present] of [
        [uidKey(payload.uid), payload.uid],
        [userCodeKey(payload.userCode), payload.userCode],
      ]) {
        if (present) tx.set(indexKey, id, ...(expiresIn ? ['EX', expiresIn] : []));
      }
      await tx.exec();
    }

    async find(id) {
      if (!id) return undefined;
      if (!this.consumable) {
        const json = await client.get(this.key(id));
        return json ? JSON.parse(json) : undefined;
      }
      const { payload, consumed } = await client.hgetall(this.key(id));
      if (!payload) return undefined;
      return { ...JSON.parse(payload), ...(consumed && { consumed: Number(consumed) }) };
    }

    async findByUid(uid) {
      return this.find(await client.get(uidKey(uid)));
    }

    async findByUserCode(userCode) {
      return this.find(await client.get(userCodeKey(userCode)));
    }

    async consume(id) {
      await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }

    async destroy(id) {
      await client.del(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const index = grantKey(grantId);
      const members = await client.smembers(index);
      await client.del(...members, index);
    }
  };
}
