// A local Web Push service over HTTPS (the run's self-signed certificate, push-ca-setup.ts),
// as a browser vendor's would be: it checks each request's VAPID JWT
// (RFC 8292: ES256 signature with the key in `k`, aud = the endpoint's
// origin, exp within a day, sub) and decrypts the aes128gcm payload
// (RFC 8291) as a browser does, with the subscription's own P-256 key pair
// and auth secret. Tests tell it what to answer (410, 500, 429 + Retry-After)
// and can take it down and bring it back on the same port.
import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
// http_ece is what web-push itself encrypts with; here it decrypts.
import ece from 'http_ece';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';
import { inject } from 'vitest';
import { waitFor } from './deferred.js';
import { cleanup } from './cleanup.js';

export interface BrowserSubscription {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface ReceivedPush {
  subscriptionId: string;
  at: number;
  payload: Record<string, unknown>;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  claims: JWTPayload;
  vapidKey: string;
}

interface Keys {
  ecdh: ECDH;
  auth: Buffer;
}

export interface PushService {
  origin: string;
  /** PEM file of its certificate, for PUSH_CA_FILE. */
  caFile: string;
  /** A new browser subscription (its own keys) with an endpoint on this service. */
  subscription(): BrowserSubscription;
  /** Pushes accepted (answered 201), in arrival order. */
  received: ReceivedPush[];
  /** Every request, accepted or not, with the status it was answered. */
  attempts: { subscriptionId: string; at: number; status: number }[];
  /** Requests that failed the VAPID or decryption checks (none expected). */
  rejected: string[];
  /** The next answers for a subscription (then 201 again). */
  answer(subscriptionId: string, ...answers: { status: number; retryAfter?: string }[]): void;
  receivedBy(subscriptionId: string): ReceivedPush[];
  waitForPushes(subscriptionId: string, count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  /** Stops listening (connections refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  // The run's certificate (push-ca-setup.ts), which every test server trusts.
  const certificate = inject('pushCertificate' as never) as { cert: string; key: string; file: string };
  const pems = { cert: certificate.cert, private: certificate.key };
  const caFile = certificate.file;
  const keys = new Map<string, Keys>();
  const answers = new Map<string, { status: number; retryAfter?: string }[]>();
  const received: ReceivedPush[] = [];
  const attempts: PushService['attempts'] = [];
  const rejected: string[] = [];
  let port = 0;
  let origin = '';

  const handle = async (id: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<ReceivedPush> => {
    const key = keys.get(id);
    if (!key) throw new Error(`unknown subscription ${id}`);
    const authorization = String(headers.authorization ?? '');
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
    if (!match) throw new Error(`no VAPID authorization: ${authorization}`);
    const [, jwt, k] = match as unknown as [string, string, string];
    if (decodeProtectedHeader(jwt).alg !== 'ES256') throw new Error('VAPID JWT is not ES256');
    const point = Buffer.from(k, 'base64url');
    if (point.length !== 65 || point[0] !== 4) throw new Error('k is not a P-256 point');
    const publicKey = await importJWK(
      { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      'ES256',
    );
    const { payload: claims } = await jwtVerify(jwt, publicKey, { audience: origin });
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) throw new Error(`bad exp ${claims.exp}`);
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`bad sub ${claims.sub}`);
    if (headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${headers['content-encoding']}`);
    const plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth.toString('base64url') });
    return {
      subscriptionId: id,
      at: Date.now(),
      payload: JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>,
      ttl: Number(headers.ttl),
      urgency: headers.urgency as string | undefined,
      topic: headers.topic as string | undefined,
      claims,
      vapidKey: k,
    };
  };

  let server: Server = makeServer();
  function makeServer(): Server {
    return createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const id = (req.url ?? '').split('/').pop() ?? '';
        const next = answers.get(id)?.shift();
        if (next) {
          attempts.push({ subscriptionId: id, at: Date.now(), status: next.status });
          res.writeHead(next.status, next.retryAfter ? { 'retry-after': next.retryAfter } : {}).end();
          return;
        }
        handle(id, req.headers, Buffer.concat(chunks)).then(
          (push) => {
            attempts.push({ subscriptionId: id, at: Date.now(), status: 201 });
            received.push(push);
            res.writeHead(201).end();
          },
          (error: Error) => {
            rejected.push(error.message);
            attempts.push({ subscriptionId: id, at: Date.now(), status: 400 });
            res.writeHead(400).end(error.message);
          },
        );
      });
    });
  }
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        origin = `https://127.0.0.1:${port}`;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen();

  const service: PushService = {
    get origin() {
      return origin;
    },
    caFile,
    received,
    attempts,
    rejected,
    subscription() {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      keys.set(id, { ecdh, auth });
      return { id, endpoint: `${origin}/push/${id}`, p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') };
    },
    answer(id, ...next) {
      answers.set(id, [...(answers.get(id) ?? []), ...next]);
    },
    receivedBy: (id) => received.filter((push) => push.subscriptionId === id),
    async waitForPushes(id, count, timeoutMs = 15_000) {
      await waitFor(() => service.receivedBy(id).length >= count, { timeoutMs, intervalMs: 20, what: `${count} push(es) at ${id}` });
      return service.receivedBy(id);
    },
    down: stop,
    async up() {
      server = makeServer();
      await listen();
    },
    close: stop,
  };
  cleanup(() => service.close());
  return service;
}
