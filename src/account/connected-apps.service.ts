import { Injectable } from '@nestjs/common';
import { ApisService } from '../apis/apis.service';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { ConsentsService } from '../auth-codes/consents.service';
import { clientDisplayName } from '../clients/metadata-documents/client-id-url';
import { ClientsService } from '../clients/clients.service';
import { ChangeCounters } from '../database/change-counters.service';
import { GrantStore } from '../grants/grant.store';

/** A partner application that holds the user's consent or a live grant, as the account page shows it. */
export interface ConnectedApp {
  clientId: string;
  name: string;
  /** What it may do, in the consent page's words. */
  permissions: string[];
  /** The oldest of its live grants, or when the consent was last given. */
  since: Date;
  /**
   * When the user last signed in to it: the newest of its grants (each sign-in through the
   * partner that goes through the provider makes one); null when it holds only a consent.
   * Refreshing tokens is not counted: that is the app's doing, not the user's.
   */
  lastSignIn: Date | null;
}

const earliest = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));
const latest = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));

/**
 * The applications a user has let into their account, and taking that back: the consent is
 * forgotten and every grant of the app for the user is revoked in one counted transaction, so its
 * refresh tokens stop and its access tokens introspect inactive at once, on every instance.
 */
@Injectable()
export class ConnectedAppsService {
  constructor(
    private readonly consents: ConsentsService,
    private readonly grants: GrantStore,
    private readonly clients: ClientsService,
    private readonly counters: ChangeCounters,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
  ) {}

  /** The user's connected apps, most recently signed in to first. */
  async of(userId: string): Promise<ConnectedApp[]> {
    const [consents, grants] = await Promise.all([this.consents.ofUser(userId), this.grants.activeOf(userId)]);
    const clientIds = [...new Set([...consents.map((c) => c.clientId), ...grants.map((g) => g.clientId)])];
    const apps = await Promise.all(
      clientIds.map(async (clientId): Promise<ConnectedApp | null> => {
        const client = await this.clients.findById(clientId);
        if (!client) return null;
        const consent = consents.find((c) => c.clientId === clientId);
        const theirs = grants.filter((g) => g.clientId === clientId);
        const scopes = new Set([consent?.scope ?? '', ...theirs.map((g) => g.scope)].flatMap((s) => s.split(' ')));
        scopes.delete('');
        const grantTimes = theirs.map((g) => g.createdAt);
        return {
          clientId,
          name: clientDisplayName(client),
          permissions: (await this.apis.describe([...scopes])).map((scope) => scope.description),
          since: earliest([...grantTimes, ...(consent ? [consent.updatedAt] : [])]),
          lastSignIn: grantTimes.length ? latest(grantTimes) : null,
        };
      }),
    );
    return apps
      .filter((app): app is ConnectedApp => app !== null)
      .sort((a, b) => (b.lastSignIn ?? b.since).getTime() - (a.lastSignIn ?? a.since).getTime());
  }

  /** Removes the app's access to the user's account; removing it twice changes nothing more. */
  async remove(userId: string, clientId: string, by: AuditOrigin): Promise<void> {
    let grants = 0;
    let consent = false;
    // Counted only when something was revoked: a second click writes no counter row.
    await this.counters.countedIfChanged('revocations', async (manager) => {
      grants = await this.grants.revokeAllOf(manager, userId, clientId);
      consent = await this.consents.forget(manager, userId, clientId);
      return grants > 0 || consent;
    });
    if (!grants && !consent) return;
    await this.audit.record({
      type: 'grant.revoked',
      ...by,
      clientId,
      detail: { user_id: userId, grants, consent },
    });
  }
}
