// Reads the process environment once into a typed configuration. The table in
// the README lists every variable; keep both in step.

/** The development HS256 secret used when no JWT_SECRET or JWKS is configured. Never in production. */
export const DEVELOPMENT_JWT_SECRET = 'development-secret-do-not-use-in-production';

export interface Config {
  /** HTTP and WebSocket port. Default 4000. */
  port: number;
  /** Address to listen on. Default 127.0.0.1 outside production, 0.0.0.0 in production. */
  host: string;
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
  /**
   * REDIS_CLUSTER_NODES, `host:port,…`: seed nodes of a Redis Cluster. Replaces
   * `redisUrl`: pub/sub sharded with SPUBLISH/SSUBSCRIBE, keys spread over the slots.
   */
  redisClusterNodes?: readonly { host: string; port: number }[];
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
  /** Any NODE_ENV other than `development` or `test` (case-insensitive); unset is development. */
  production: boolean;
  /**
   * CORS_ORIGINS, comma-separated: the origins allowed by CORS and for
   * WebSocket upgrades. Unset: CORS allows any origin (without credentials)
   * outside production and sends no headers in production; WebSockets accept any origin.
   */
  corsOrigins?: readonly string[];
  /** Bearer token /metrics requires (METRICS_TOKEN). Unset: open outside production, 404 in production. */
  metricsToken?: string;
  /** Tokens whose exp is further than this from now are refused. Default 86,400 s (24 h). */
  jwtMaxTtlSeconds: number;
  /** Open WebSockets plus SSE streams per user (per process). Default 20. */
  maxConnectionsPerUser: number;
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
  uploads: {
    /** Folder where uploaded files are kept (UPLOADS_DIR) when no bucket is set. Default `./.data/uploads`. */
    dir: string;
    /** Largest file accepted, in bytes (UPLOAD_MAX_BYTES). Default 10,485,760 (10 MiB). */
    maxBytes: number;
    /** Bytes one user may upload per hour (UPLOAD_BYTES_PER_HOUR). Default 209,715,200 (200 MiB). */
    bytesPerHour: number;
    /**
     * Key of the HMAC that signs file URLs (UPLOAD_URL_SECRET). Unset: a random
     * one is generated once and kept in the database, so every process signs alike.
     */
    urlSecret?: string;
    /** Prefix of file URLs (PUBLIC_URL, e.g. https://chat.example.com). Unset: URLs are paths on this server (`/files/…`). */
    publicUrl?: string;
    /** Keep files in this S3-compatible bucket instead of the folder (S3_BUCKET with S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE). */
    s3?: {
      bucket: string;
      endpoint?: string;
      region: string;
      forcePathStyle: boolean;
      /** `url` hands out presigned GET URLs of the bucket (S3_PRESIGNED_URLS=true) instead of this server's /files URLs. Default false. */
      presignedUrls: boolean;
    };
  };
  push: {
    /** VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY (base64url). Unset: generated once and kept in the database outside production; push is off in production. */
    vapidKeys?: { publicKey: string; privateKey: string };
    /** VAPID_SUBJECT, a `mailto:` or `https:` contact. Default `mailto:chat@localhost`. */
    subject: string;
    /**
     * PUSH_ALLOW_PRIVATE_HOSTS=true: push endpoints on loopback and private
     * addresses are requested in production too (tests, private push
     * services). Default: allowed outside production only.
     */
    allowPrivateHosts: boolean;
    /** PUSH_CA_FILE: a PEM file of extra certificate authorities trusted for push services (tests). */
    caFile?: string;
    /**
     * PUSH_SENDING=false: this process plans and queues pushes but sends none;
     * processes with it on (the default) send them. Lets push's encryption
     * and requests run on machines of their own. Needs DATABASE_URL: the
     * senders read the queue and the subscriptions from the same database.
     */
    sending: boolean;
  };
  /**
   * WORKERS: server processes sharing the port on this machine (node:cluster,
   * a primary that serves nothing). Default 1: this process serves, no primary.
   */
  workers: number;
  presence: {
    /** How long a process's presence lease lives without renewal. Default 45 s. */
    leaseMs: number;
    /** How often leases are renewed and dead processes' leases reaped. Default 10 s. */
    heartbeatMs: number;
  };
}

export class ConfigError extends Error {}

/** Shortest JWT_SECRET accepted in production, in bytes (HS256 wants a key as long as its hash). */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/** Production unless NODE_ENV says development or test, in any case: a typo must not switch the safeguards off. */
export function isProduction(nodeEnv: string | undefined): boolean {
  const value = nodeEnv?.trim().toLowerCase();
  return !!value && value !== 'development' && value !== 'test';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = isProduction(env.NODE_ENV);
  const secret = nonEmpty(env.JWT_SECRET);
  const jwksUrl = nonEmpty(env.JWT_JWKS_URL);
  if (production) checkProductionSecrets(secret, jwksUrl);
  const usingDevelopmentSecret = !secret && !jwksUrl;
  const corsOrigins = nonEmpty(env.CORS_ORIGINS);
  const redisClusterNodes = clusterNodes(env.REDIS_CLUSTER_NODES);
  const redisPrefix = nonEmpty(env.REDIS_KEY_PREFIX) ?? 'chat:';
  // A hash tag in the prefix would put every key and channel on one slot: one node does all the work.
  if (redisClusterNodes && /[{}]/.test(redisPrefix)) {
    throw new ConfigError(`REDIS_KEY_PREFIX must not contain "{" or "}" with REDIS_CLUSTER_NODES (a hash tag would put every key and channel on one slot), got "${redisPrefix}"`);
  }
  const workers = integer(env.WORKERS, 1, 'WORKERS');
  if (workers < 1) throw new ConfigError('WORKERS must be 1 or more');
  if (workers > 1 && !nonEmpty(env.REDIS_URL) && !redisClusterNodes) {
    throw new ConfigError(`WORKERS=${workers} needs REDIS_URL or REDIS_CLUSTER_NODES: workers are separate processes and share pub/sub, presence and rate limits through Redis.`);
  }
  if (workers > 1 && !nonEmpty(env.DATABASE_URL)) {
    throw new ConfigError(`WORKERS=${workers} needs DATABASE_URL (PostgreSQL): the embedded PGlite database belongs to one process.`);
  }
  return {
    port: integer(env.PORT, 4000, 'PORT'),
    host: nonEmpty(env.HOST) ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    pgliteDataDir: nonEmpty(env.PGLITE_DATA_DIR) ?? './.data/pglite',
    databasePoolSize: integer(env.DATABASE_POOL_SIZE, 10, 'DATABASE_POOL_SIZE'),
    // Off behind a pooler in transaction mode (PgBouncer before 1.21), which cannot keep them.
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'off',
    redisUrl: nonEmpty(env.REDIS_URL),
    redisClusterNodes,
    redisPrefix,
    jwt: {
      secret: secret ?? (usingDevelopmentSecret ? DEVELOPMENT_JWT_SECRET : undefined),
      usingDevelopmentSecret,
      jwksUrl,
      issuer: nonEmpty(env.JWT_ISSUER),
      audience: nonEmpty(env.JWT_AUDIENCE),
    },
    production,
    corsOrigins: corsOrigins?.split(',').map((origin) => origin.trim()).filter(Boolean),
    metricsToken: nonEmpty(env.METRICS_TOKEN),
    jwtMaxTtlSeconds: integer(env.JWT_MAX_TTL_S, 86_400, 'JWT_MAX_TTL_S'),
    maxConnectionsPerUser: integer(env.MAX_CONNECTIONS_PER_USER, 20, 'MAX_CONNECTIONS_PER_USER'),
    graphiql: env.GRAPHIQL ? env.GRAPHIQL === 'true' : !production,
    rateLimits: env.RATE_LIMITS !== 'off',
    keepAliveMs: integer(env.WS_KEEPALIVE_MS, 12_000, 'WS_KEEPALIVE_MS'),
    wsFlushIntervalMs: integer(env.WS_FLUSH_INTERVAL_MS, 20, 'WS_FLUSH_INTERVAL_MS'),
    subscriberMaxQueue: integer(env.SUBSCRIBER_MAX_QUEUE, 10_000, 'SUBSCRIBER_MAX_QUEUE'),
    compileAfter: integer(env.COMPILE_AFTER, 2, 'COMPILE_AFTER'),
    uploads: {
      dir: nonEmpty(env.UPLOADS_DIR) ?? './.data/uploads',
      maxBytes: integer(env.UPLOAD_MAX_BYTES, 10 * 1024 * 1024, 'UPLOAD_MAX_BYTES'),
      bytesPerHour: integer(env.UPLOAD_BYTES_PER_HOUR, 200 * 1024 * 1024, 'UPLOAD_BYTES_PER_HOUR'),
      urlSecret: nonEmpty(env.UPLOAD_URL_SECRET),
      publicUrl: nonEmpty(env.PUBLIC_URL)?.replace(/\/+$/, ''),
      s3: nonEmpty(env.S3_BUCKET)
        ? {
            bucket: nonEmpty(env.S3_BUCKET)!,
            endpoint: nonEmpty(env.S3_ENDPOINT),
            region: nonEmpty(env.S3_REGION) ?? nonEmpty(env.AWS_REGION) ?? 'us-east-1',
            forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
            presignedUrls: env.S3_PRESIGNED_URLS === 'true',
          }
        : undefined,
    },
    push: readPushConfig(env, production),
    workers,
    presence: {
      leaseMs: integer(env.PRESENCE_LEASE_MS, 45_000, 'PRESENCE_LEASE_MS'),
      heartbeatMs: integer(env.PRESENCE_HEARTBEAT_MS, 10_000, 'PRESENCE_HEARTBEAT_MS'),
    },
  };
}

function readPushConfig(env: NodeJS.ProcessEnv, production: boolean): Config['push'] {
  const publicKey = nonEmpty(env.VAPID_PUBLIC_KEY);
  const privateKey = nonEmpty(env.VAPID_PRIVATE_KEY);
  if (!publicKey !== !privateKey) throw new ConfigError('Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither.');
  const subject = nonEmpty(env.VAPID_SUBJECT) ?? 'mailto:chat@localhost';
  if (!/^(mailto:|https:)/.test(subject)) throw new ConfigError(`VAPID_SUBJECT must be a mailto: or https: URL, got "${subject}"`);
  const sending = nonEmpty(env.PUSH_SENDING) ?? 'true';
  if (sending !== 'true' && sending !== 'false') throw new ConfigError(`PUSH_SENDING must be true or false, got "${sending}"`);
  if (sending === 'false' && !nonEmpty(env.DATABASE_URL)) {
    throw new ConfigError('PUSH_SENDING=false needs DATABASE_URL (PostgreSQL): the processes that send the pushes read them from the same database.');
  }
  return {
    vapidKeys: publicKey && privateKey ? { publicKey, privateKey } : undefined,
    subject,
    allowPrivateHosts: env.PUSH_ALLOW_PRIVATE_HOSTS === 'true' || !production,
    caFile: nonEmpty(env.PUSH_CA_FILE),
    sending: sending === 'true',
  };
}

function checkProductionSecrets(secret: string | undefined, jwksUrl: string | undefined): void {
  if (!secret && !jwksUrl) {
    throw new ConfigError('production (NODE_ENV is not development or test) needs JWT_SECRET or JWT_JWKS_URL: the development secret is never used in production.');
  }
  if (secret === DEVELOPMENT_JWT_SECRET) {
    throw new ConfigError('JWT_SECRET is the published development secret: set a secret of your own in production.');
  }
  if (secret && Buffer.byteLength(secret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production.`);
  }
}

/** `host:port,host:port` → seed nodes; unset or empty → undefined. */
function clusterNodes(value: string | undefined): { host: string; port: number }[] | undefined {
  if (!nonEmpty(value)) return undefined;
  return value!.split(',').map((entry) => {
    const match = /^\s*\[?([^\]\s]+?)\]?:(\d{1,5})\s*$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      throw new ConfigError(`REDIS_CLUSTER_NODES must be host:port,host:port,…, got "${entry.trim()}"`);
    }
    return { host: match[1]!, port };
  });
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
