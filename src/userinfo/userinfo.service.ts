import { Injectable } from '@nestjs/common';
import { AccessTokenClaims } from '../access-tokens/access-token.claims';
import { InvalidTokenError } from '../common/oauth/oauth.error';
import { UsersService } from '../users/users.service';

/** OpenID Connect Core §5.3: the claims the granted scopes allow (§5.4). */
@Injectable()
export class UserInfoService {
  constructor(private readonly users: UsersService) {}

  async claims(token: AccessTokenClaims): Promise<Record<string, unknown>> {
    // A client_credentials token has the client as subject and no user behind it.
    const user = token.gid ? await this.users.findById(token.sub) : null;
    if (!user) throw new InvalidTokenError('the access token does not represent a user');
    const scopes = new Set(token.scope.split(' '));
    return {
      sub: user.id,
      ...(scopes.has('profile') && {
        name: user.name ?? undefined,
        preferred_username: user.username,
        updated_at: Math.floor(user.updatedAt.getTime() / 1000),
      }),
      ...(scopes.has('email') &&
        user.email && {
          email: user.email,
          // The provider does not verify addresses.
          email_verified: false,
        }),
    };
  }
}
