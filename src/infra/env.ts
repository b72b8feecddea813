// Reads the process environment once into a typed configuration. The table in
// the README lists every variable; keep both in step.

/** The development HS256 secret used when no JWT_SECRET or JWKS is configured. Never in production. */
export const DEVELOPMENT_JWT_SECRET = 'development-secret-do-not-use-in-production';

export interface Config {
  /** HTTP and WebSocket port. Default 4000. */
  port: number;
  /** PostgreSQL URL; unset means the embedded PGlite database. */
  databaseUrl?: string;
  /** Folder of the embedded database. Default `./.data/pglite`. */
  pgliteDataDir: string;
  /** Size of the PostgreSQL connection pool. Default 10. */
  databasePoolSize: number;
  /** Named (per-connection prepared) statements on PostgreSQL. Default on; `DATABASE_PREPARED_STATEMENTS=off` disables. */
  databasePreparedStatements: boolean;
  /** Redis URL for pub/sub and presence; unset means in-process. */
  redisUrl?: string;
  /** Prefix of every Redis key and channel, so that several deployments can share one Redis. Default `chat:`. */
  redisPrefix: string;
  jwt: {
    /** HS256 secret (JWT_SECRET, else the development secret outside production). */
    secret?: string;
    /** True when `secret` is the development secret. */
    usingDevelopmentSecret: boolean;
    /** JWKS endpoint for RS256/ES256 tokens. */
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  production: boolean;
  /** GraphiQL and introspection: on outside production, or with GRAPHIQL=true. */
  graphiql: boolean;
  /** Per-user rate limits; RATE_LIMITS=off disables them. */
  rateLimits: boolean;
  /** WebSocket ping interval; a socket that misses 3 in a row is dropped. Default 12 s. */
  keepAliveMs: number;
  /**
   * A WebSocket that was written less than this long ago keeps further frames
   * until the interval has passed (or they reach 16 KiB), then writes them in
   * one system call. Default 30 ms; 0 writes at the end of every turn of the event loop.
   */
  wsFlushIntervalMs: number;
  /** Events waiting for one subscriber whose socket does not keep up before its subscription ends with an error. Default 10,000. */
  subscriberMaxQueue: number;
  /**
   * Executions of an operation document (over a WebSocket, or a
   * subscription's per event) after which it is compiled with graphql-jit.
   * Default 2; 0 executes everything with graphql-js.
   */
  compileAfter: number;
  presence: {
    /** How long a process's presence lease lives without renewal. Default 45 s. */
    leaseMs: number;
    /** How often leases are renewed and dead processes' leases reaped. Default 10 s. */
    heartbeatMs: number;
  };
}

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const secret = nonEmpty(env.JWT_SECRET);
  const jwksUrl = nonEmpty(env.JWT_JWKS_URL);
  if (production && !secret && !jwksUrl) {
    throw new ConfigError(
      'NODE_ENV=production needs JWT_SECRET or JWT_JWKS_URL: the development secret is never used in production.',
    );
  }
  const usingDevelopmentSecret = !secret && !jwksUrl;
  return {
    port: integer(env.PORT, 4000, 'PORT'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    pgliteDataDir: nonEmpty(env.PGLITE_DATA_DIR) ?? './.data/pglite',
    databasePoolSize: integer(env.DATABASE_POOL_SIZE, 10, 'DATABASE_POOL_SIZE'),
    // Off behind a pooler in transaction mode (PgBouncer before 1.21), which cannot keep them.
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'off',
    redisUrl: nonEmpty(env.REDIS_URL),
    redisPrefix: nonEmpty(env.REDIS_KEY_PREFIX) ?? 'chat:',
    jwt: {
      secret: secret ?? (usingDevelopmentSecret ? DEVELOPMENT_JWT_SECRET : undefined),
      usingDevelopmentSecret,
      jwksUrl,
      issuer: nonEmpty(env.JWT_ISSUER),
      audience: nonEmpty(env.JWT_AUDIENCE),
    },
    production,
    graphiql: env.GRAPHIQL ? env.GRAPHIQL === 'true' : !production,
    rateLimits: env.RATE_LIMITS !== 'off',
    keepAliveMs: integer(env.WS_KEEPALIVE_MS, 12_000, 'WS_KEEPALIVE_MS'),
    wsFlushIntervalMs: integer(env.WS_FLUSH_INTERVAL_MS, 30, 'WS_FLUSH_INTERVAL_MS'),
    subscriberMaxQueue: integer(env.SUBSCRIBER_MAX_QUEUE, 10_000, 'SUBSCRIBER_MAX_QUEUE'),
    compileAfter: integer(env.COMPILE_AFTER, 2, 'COMPILE_AFTER'),
    presence: {
      leaseMs: integer(env.PRESENCE_LEASE_MS, 45_000, 'PRESENCE_LEASE_MS'),
      heartbeatMs: integer(env.PRESENCE_HEARTBEAT_MS, 10_000, 'PRESENCE_HEARTBEAT_MS'),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}
