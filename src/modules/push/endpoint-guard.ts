// SSRF guard for push endpoints. A push endpoint is a URL chosen by a client,
// which the server then requests: it must never be this server itself, nor
// (in production, unless PUSH_ALLOW_PRIVATE_HOSTS=true) a loopback, private
// or link-local address. Names are checked where they are resolved, in the
// agent's lookup, so a name that resolves to something else at send time
// (DNS rebinding) is refused too.
import dns, { type LookupAddress } from 'node:dns';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** Addresses no public push service has (IPv4-mapped IPv6 addresses are checked as IPv4 by BlockList). */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // :: and ::1
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addSubnet('0.0.0.0', 32, 'ipv4');
LOOPBACK.addSubnet('::', 127, 'ipv6');

export class EndpointRefusedError extends Error {
  readonly code = 'EPUSHREFUSED';
}

export interface EndpointGuardOptions {
  /** Loopback and private addresses may be requested (never this server's own port). */
  allowPrivateHosts: boolean;
  /** The port this server listens on, once it does. */
  ownPort: () => number | undefined;
  /** Extra certificate authorities (PEM) trusted for push services. */
  extraCa?: string;
}

export class EndpointGuard {
  private readonly agents = new Map<number, https.Agent>();
  /**
   * Built once: given as `ca`, every new TLS connection parsed the system's
   * ~140 roots again (a CPU profile of push delivery showed it).
   */
  private readonly secureContext: SecureContext | undefined;

  constructor(private readonly options: EndpointGuardOptions) {
    this.secureContext = options.extraCa ? createSecureContext({ ca: [...rootCertificates, options.extraCa] }) : undefined;
  }

  /** Why `endpoint` may not be requested, or undefined when it may (addresses of names are checked when they are resolved). */
  refuseUrl(endpoint: URL): string | undefined {
    if (endpoint.protocol !== 'https:') return 'endpoint must be an https: URL.';
    if (endpoint.username || endpoint.password) return 'endpoint must not carry credentials.';
    const host = bareHost(endpoint.hostname);
    if (host === 'localhost' || host.endsWith('.localhost')) return this.refuseAddress('127.0.0.1', portOf(endpoint));
    if (isIP(host)) return this.refuseAddress(host, portOf(endpoint));
    return undefined;
  }

  /** Why an address (resolved from an endpoint's host) may not be requested on `port`. */
  refuseAddress(address: string, port: number): string | undefined {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (port === this.options.ownPort() && (LOOPBACK.check(address, family) || localAddresses().has(address))) {
      return 'endpoint must not be this server.';
    }
    if (!this.options.allowPrivateHosts && PRIVATE.check(address, family)) return 'endpoint must be a public address.';
    return undefined;
  }

  /** An HTTPS agent (kept-alive connections) whose lookups refuse what refuseAddress refuses. */
  agentFor(endpoint: URL): https.Agent {
    const port = portOf(endpoint);
    let agent = this.agents.get(port);
    if (!agent) {
      const lookup = (hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
        dns.lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
          if (error) return callback(error);
          const refused = addresses.map((a) => this.refuseAddress(a.address, port)).find(Boolean);
          if (refused || addresses.length === 0) return callback(new EndpointRefusedError(refused ?? `${hostname} has no address.`));
          if (options.all) return callback(null, addresses);
          callback(null, addresses[0]!.address, addresses[0]!.family);
        });
      };
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        lookup: lookup as never,
        ...(this.secureContext ? { secureContext: this.secureContext } : {}),
      });
      this.agents.set(port, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : 443;
}

/** This machine's own addresses (a request to one of them on our port reaches us). */
function localAddresses(): Set<string> {
  return new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((info) => info?.address)
      .filter((address): address is string => !!address),
  );
}
