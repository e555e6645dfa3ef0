import {
  type Authenticate,
  type HubDefinition,
  type HubEndpoint,
  type HubLifetimeManager,
  type HubServer,
  UnauthorizedError,
} from '@shop/signalr';
import type { Backplane } from '../backplane/backplane';

/** A hub of the shop (inventory, orders): its own methods, reachable through `/client` too. */
export interface BuiltInHub {
  definition: HubDefinition;
  lifetime: HubLifetimeManager;
}

export interface HubDirectoryDeps {
  server: HubServer;
  backplane: Backplane;
  builtIns: BuiltInHub[];
  /** How `/client` requests of a hub authenticate (access-key tokens issued for that hub). */
  clientAuthentication(hub: string): Authenticate;
  /** Serverless hubs this replica creates at most. */
  maxServerlessHubs: number;
}

export type OpenedHub = { ok: true; endpoint: HubEndpoint } | { ok: false; status: 401 | 429; detail: string };

/**
 * Every hub by its (lowercased) name, as the Azure REST API and the `/client` endpoint address them. The shop's
 * hubs keep their methods; any other valid name is a serverless hub, made when a client first connects to it
 * (Azure knows no hubs in advance either): clients only listen there, and sends come through the REST API.
 */
export class HubDirectory {
  private readonly builtIns = new Map<string, BuiltInHub>();
  private readonly endpoints = new Map<string, HubEndpoint>();
  private serverlessCount = 0;

  constructor(private readonly deps: HubDirectoryDeps) {
    for (const hub of deps.builtIns) this.builtIns.set(hub.definition.name.toLowerCase(), hub);
  }

  /** Where the hub's connections are reached: its own replicas' and the other replicas' through the backplane. */
  lifetime(hub: string): HubLifetimeManager {
    return this.builtIns.get(hub)?.lifetime ?? this.deps.backplane.lookup(hub);
  }

  /** The hub's `/client` endpoint on this replica, once a client opened it. */
  endpoint(hub: string): HubEndpoint | undefined {
    return this.endpoints.get(hub);
  }

  /**
   * The hub's `/client` endpoint, made when missing; only for a caller whose token is valid for the hub, so
   * that anonymous requests cannot make hubs.
   */
  async open(hub: string, token: string | undefined): Promise<OpenedHub> {
    const existing = this.endpoints.get(hub);
    if (existing) return { ok: true, endpoint: existing };
    const authenticate = this.deps.clientAuthentication(hub);
    try {
      await authenticate(token);
    } catch (error) {
      if (error instanceof UnauthorizedError) return { ok: false, status: 401, detail: error.message };
      throw error;
    }
    // Checked again: another request may have opened it while this one was authenticated.
    const opened = this.endpoints.get(hub);
    if (opened) return { ok: true, endpoint: opened };
    const builtIn = this.builtIns.get(hub);
    if (!builtIn && this.serverlessCount >= this.deps.maxServerlessHubs) {
      return { ok: false, status: 429, detail: `This replica serves at most ${this.deps.maxServerlessHubs} hubs.` };
    }
    const endpoint = this.deps.server.hubEndpoint(`/client/?hub=${hub}`, {
      hub: builtIn?.definition ?? serverlessHub(hub),
      lifetime: builtIn?.lifetime ?? this.deps.backplane.hub(hub),
      authenticate,
    });
    if (!builtIn) this.serverlessCount++;
    this.endpoints.set(hub, endpoint);
    return { ok: true, endpoint };
  }
}

/**
 * A hub with no methods: its clients listen (Azure's serverless mode). An invocation from one is answered with a
 * completion error instead of the disconnect Azure gives without an upstream.
 */
function serverlessHub(name: string): HubDefinition {
  return { name, methods: {} };
}
