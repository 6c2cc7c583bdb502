import { ApiEntity, ApiScope } from './entities/api.entity';

/** Every API as read at one moment, with each scope found by its name. */
export class ApiRegistry {
  private readonly byScope = new Map<string, { api: ApiEntity; scope: ApiScope }>();
  private readonly byIdentifier = new Map<string, ApiEntity>();

  constructor(readonly apis: ApiEntity[]) {
    for (const api of apis) {
      this.byIdentifier.set(api.identifier, api);
      for (const scope of api.scopes) this.byScope.set(scope.name, { api, scope });
    }
  }

  /** The longest access token lifetime among the APIs, in seconds; 0 when there is no API. */
  get longestAccessTokenTtl(): number {
    return Math.max(0, ...this.apis.map((api) => api.accessTokenTtl));
  }

  /** Every scope some API defines, in the order of the APIs' identifiers. */
  get scopeNames(): string[] {
    return [...this.byScope.keys()];
  }

  /** The API that defines this scope and the scope itself, if any does. */
  scope(name: string): { api: ApiEntity; scope: ApiScope } | undefined {
    return this.byScope.get(name);
  }

  /** The API with exactly this identifier, if any. */
  api(identifier: string): ApiEntity | undefined {
    return this.byIdentifier.get(identifier);
  }
}
