/**
 * How the OAuth server (oauth.ts) plugs into the simulator without changing its engine: access tokens resolve
 * through the session store (so every operation, PwsUnauthenticate, invalidateSession, invalidateAllSessions and
 * issuedTickets treat them as the sessions they are), and the two OAuth operations are built-in handlers of the
 * generic dispatch (`sim.handle(op, handler)` replaces them; `sim.handle(op, undefined)` brings them back).
 */
import type { Clock } from '../clock';
import { wireMessage } from './scripted';
import { SessionStore, type SessionLookup } from './sessions';
import { OAuthServer, type AcquireRequest, type SimOAuthClient, type SimOAuthSettings } from './oauth';
import type { SimHandler } from './types';

/** `startSimulator({ oauth })`. */
export interface SimOAuthOptions extends Partial<SimOAuthSettings> {
  /** Registered client applications. @default [DEMO_OAUTH_CLIENT] */
  clients?: SimOAuthClient[];
  /**
   * Another simulator's OAuth server (`sim.oauth`): tokens it issues are valid here too, as when one OAuth
   * authority serves several SOAP instances (tests of SoapServiceAuthority).
   */
  server?: OAuthServer;
}


declare module './types' {
  interface SimulatorOptions {
    /** Lifetimes, client applications and authorities of the simulator's OAuth server (see oauth.ts for defaults). */
    oauth?: SimOAuthOptions;
  }
  interface Simulator {
    /** The OAuth authorization server: mint codes, issue refresh tokens, inspect events and access token lifetimes. */
    readonly oauth: OAuthServer;
  }
}

/** A SessionStore that also knows the OAuth server's access tokens. */
export class OAuthSessionStore extends SessionStore {
  oauth?: OAuthServer;

  constructor(...args: ConstructorParameters<typeof SessionStore>) {
    super(...args);
  }

  override resolve(ticket: string | undefined): SessionLookup {
    if (this.oauth?.owns(ticket)) return this.oauth.resolve(ticket);
    return super.resolve(ticket);
  }

  override end(ticket: string): void {
    if (this.oauth?.owns(ticket)) this.oauth.end(ticket);
    else super.end(ticket);
  }

  override endAll(): void {
    super.endAll();
    this.oauth?.endAll();
  }

  override liveTickets(): string[] {
    return [...super.liveTickets(), ...(this.oauth?.liveTickets() ?? [])];
  }
}

export function createOAuthServer(clock: Clock, sessions: OAuthSessionStore, options: SimOAuthOptions = {}): OAuthServer {
  const { clients, server, ...settings } = options;
  const oauth = server ?? new OAuthServer(clock, sessions, settings, clients);
  if (server && Object.keys(settings).length > 0) server.configure(settings);
  if (server && clients) for (const c of clients) server.registerClient(c);
  sessions.oauth = oauth;
  return oauth;
}

/** The built-in behaviour of the two OAuth operations, as handlers of the generic dispatch. */
export function oauthHandlers(
  oauth: OAuthServer,
  context: () => { redirect: Record<string, string>; authority: string },
): { PwsAcquireOauth2Token: SimHandler<'PwsAcquireOauth2Token'>; PwsRevokeOauth2RefreshToken: SimHandler<'PwsRevokeOauth2RefreshToken'> } {
  return {
    PwsAcquireOauth2Token: (request) => {
      const outcome = oauth.acquire(request as AcquireRequest, context());
      if (outcome.kind === 'fail') return { Status: 'Fail', Messages: [wireMessage(outcome.message)], ExpiresInSeconds: 0, MaxLifetimeMinutes: 0, TimeoutMinutes: 0 } as never;
      return outcome.result;
    },
    PwsRevokeOauth2RefreshToken: (request) => {
      const outcome = oauth.revoke(request);
      if (outcome.kind === 'fail') return { Status: 'Fail', Messages: [wireMessage(outcome.message)] } as never;
      return {};
    },
  };
}
