import '@fastify/view';
import { Injectable, Type, ValidationPipe } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSession } from '../auth/browser-session';
import { OAuthError } from '../common/oauth/oauth.error';
import { ConsoleSection, consoleNav } from './console-nav';
import { RecentSignIn } from './recent-sign-in.service';

/** What every console page's view gets: its title and section, and whatever it shows. */
export interface ConsolePage {
  title: string;
  section: ConsoleSection;
  [name: string]: unknown;
}

/** Where a form goes once done: a page to redirect to, or a page shown at once (a secret, shown this once). */
export type FormOutcome = string | { view: string; page: ConsolePage };

export interface ConsoleForm {
  /** The view of the form, shown again with the error when the action is refused. */
  view: string;
  /** The form's page, as it is shown before submitting. */
  page: () => Promise<ConsolePage>;
  /** What was typed, shown again in the form after an error. */
  values?: Record<string, unknown>;
  /** A sensitive action: asks for the password again after RECENT_SIGN_IN_SECONDS (RecentSignIn). */
  sensitive?: { password: unknown };
  act: () => Promise<FormOutcome>;
}

/**
 * The console's pages, request in hand: its views (views/console) with the navigation bar, the
 * CSRF token of their forms and the password field of sensitive actions; none is cached. A form's
 * action refused for its input (a 4xx error of the services, whose words the admin API answers
 * too) shows the form again with the error, at the error's status.
 */
@Injectable()
export class ConsolePages {
  constructor(
    private readonly session: BrowserSession,
    private readonly recentSignIn: RecentSignIn,
  ) {}

  show(request: FastifyRequest, reply: FastifyReply, view: string, page: ConsolePage, status = 200) {
    const admin = request.consoleAdmin!;
    return reply
      .status(status)
      .header('Cache-Control', 'no-store')
      .view(
        `console/${view}`,
        this.session.withCsrfToken(request, {
          ...page,
          title: `${page.title} · Admin console`,
          heading: page.title,
          nav: consoleNav(page.section),
          admin: admin.username,
          passwordNeeded: this.recentSignIn.isStale(admin),
        }),
      );
  }

  async submit(request: FastifyRequest, reply: FastifyReply, form: ConsoleForm) {
    let outcome: FormOutcome;
    try {
      if (form.sensitive && (await this.recentSignIn.confirm(request.consoleAdmin!, form.sensitive.password))) {
        this.session.reauthenticated(request);
        request.consoleAdmin!.authTime = request.session.authTime!;
      }
      outcome = await form.act();
    } catch (error) {
      if (!(error instanceof OAuthError) || error.status === 404 || error.status >= 500) throw error;
      const page = await form.page();
      const values = form.values ?? page.values;
      return this.show(request, reply, form.view, { ...page, values, error: error.description }, error.status);
    }
    if (typeof outcome === 'string') return reply.redirect(outcome, 303);
    return this.show(request, reply, outcome.view, outcome.page);
  }
}

/** Checks `value` with `pipe` as a body of `type` (class-validator), as the admin API's routes do; its errors are theirs. */
export function validated<T>(pipe: ValidationPipe, type: Type<T>, value: object): Promise<T> {
  return pipe.transform(value, { type: 'body', metatype: type }) as Promise<T>;
}

/** The form's fields without the empty ones, which a form sends for every field left blank. */
export function filled(fields: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') out[name] = value.trim();
  }
  return out;
}
