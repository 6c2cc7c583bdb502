import { CreateUsers1795839801942 } from './1795839801942-CreateUsers';
import { CreateClients1795839801943 } from './1795839801943-CreateClients';
import { CreateSigningKeys1795839801944 } from './1795839801944-CreateSigningKeys';
import { CreateSessions1795839801945 } from './1795839801945-CreateSessions';
import { CreateGrantsAndAuthorizationCodes1795839801946 } from './1795839801946-CreateGrantsAndAuthorizationCodes';
import { CreateRefreshTokensRevocationsConsents1795843000000 } from './1795843000000-CreateRefreshTokensRevocationsConsents';
import { CreateAuditEvents1795845000000 } from './1795845000000-CreateAuditEvents';
import { CreateLoginAttempts1795846000000 } from './1795846000000-CreateLoginAttempts';
import { CreateChangeCounters1795847000000 } from './1795847000000-CreateChangeCounters';
import { SigningKeysRetiredAtMilliseconds1795848000000 } from './1795848000000-SigningKeysRetiredAtMilliseconds';
import { RefreshTokenSuccessors1795849000000 } from './1795849000000-RefreshTokenSuccessors';
import { ExpiryIndexes1795850000000 } from './1795850000000-ExpiryIndexes';
import { SigningKeysWithdrawal1795851000000 } from './1795851000000-SigningKeysWithdrawal';
import { ClientPolicies1795852000000 } from './1795852000000-ClientPolicies';
import { UsersDisabledAt1795853000000 } from './1795853000000-UsersDisabledAt';
import { AuditEventsTypeCreatedAt1795854000000 } from './1795854000000-AuditEventsTypeCreatedAt';
import { UsersChangeCounter1795856000000 } from './1795856000000-UsersChangeCounter';
import { SessionMetadata1795857000000 } from './1795857000000-SessionMetadata';
import { CreateApis1795858000000 } from './1795858000000-CreateApis';
import { ResourceIndicators1795859000000 } from './1795859000000-ResourceIndicators';
import { DynamicRegistration1795860000000 } from './1795860000000-DynamicRegistration';
import { WideClientIds1795861000000 } from './1795861000000-WideClientIds';
import { IdTokenSignedResponseAlg1795862000000 } from './1795862000000-IdTokenSignedResponseAlg';
import { SigningKeysActivation1795863000000 } from './1795863000000-SigningKeysActivation';

/** In the order they run. */
export const MIGRATIONS = [
  CreateUsers1795839801942,
  CreateClients1795839801943,
  CreateSigningKeys1795839801944,
  CreateSessions1795839801945,
  CreateGrantsAndAuthorizationCodes1795839801946,
  CreateRefreshTokensRevocationsConsents1795843000000,
  CreateAuditEvents1795845000000,
  CreateLoginAttempts1795846000000,
  CreateChangeCounters1795847000000,
  SigningKeysRetiredAtMilliseconds1795848000000,
  RefreshTokenSuccessors1795849000000,
  ExpiryIndexes1795850000000,
  SigningKeysWithdrawal1795851000000,
  ClientPolicies1795852000000,
  UsersDisabledAt1795853000000,
  AuditEventsTypeCreatedAt1795854000000,
  UsersChangeCounter1795856000000,
  SessionMetadata1795857000000,
  CreateApis1795858000000,
  ResourceIndicators1795859000000,
  DynamicRegistration1795860000000,
  WideClientIds1795861000000,
  IdTokenSignedResponseAlg1795862000000,
  SigningKeysActivation1795863000000,
];
