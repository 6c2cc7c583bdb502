import { ApiEntity } from '../apis/entities/api.entity';
import { RevokedAccessTokenEntity } from '../access-tokens/revoked-access-token.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { LoginAttemptEntity } from '../auth/login-attempt.entity';
import { SessionEntity } from '../auth/session.entity';
import { ConsentEntity } from '../auth-codes/entities/consent.entity';
import { AuthorizationCodeEntity } from '../auth-codes/entities/authorization-code.entity';
import { ClientEntity } from '../clients/entities/client.entity';
import { GrantEntity } from '../grants/grant.entity';
import { SigningKeyEntity } from '../keys/entities/signing-key.entity';
import { InitialAccessTokenEntity } from '../registration/entities/initial-access-token.entity';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity';
import { UserEntity } from '../users/entities/user.entity';
import { ChangeCounterEntity } from './change-counter.entity';

export const ENTITIES = [
  UserEntity,
  ClientEntity,
  InitialAccessTokenEntity,
  ApiEntity,
  ChangeCounterEntity,
  SigningKeyEntity,
  SessionEntity,
  GrantEntity,
  AuthorizationCodeEntity,
  RefreshTokenEntity,
  RevokedAccessTokenEntity,
  ConsentEntity,
  AuditEventEntity,
  LoginAttemptEntity,
];
