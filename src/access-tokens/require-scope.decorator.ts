import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPE = 'requiredScope';

/** The scope a bearer token must carry for this route (checked by BearerTokenGuard). */
export const RequireScope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);
