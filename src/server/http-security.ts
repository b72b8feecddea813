// What the HTTP side answers to browsers and scrapers (contract, "Hardening
// details"): CORS from CORS_ORIGINS, POST bodies that a cross-site form could
// send refused (CSRF), HTML answers that cannot be framed or sniffed, and
// /metrics behind METRICS_TOKEN.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { Config } from '../infra/env.js';

/** Headers that make a multipart POST one a browser preflights (as Apollo Server and Yoga's CSRF prevention name them). */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'] as const;

/** Bearer auth only, never cookies: no answer ever allows credentials. */
export function corsOptions(config: Config): CORSOptions {
  if (config.corsOrigins) return { origin: [...config.corsOrigins], credentials: false };
  return config.production ? false : { origin: '*', credentials: false };
}

/** Whether a WebSocket upgrade's Origin may connect: any when CORS_ORIGINS is unset; else listed ones, or none sent (not a browser). */
export function allowedWebSocketOrigin(config: Config, origin: string | undefined): boolean {
  return !config.corsOrigins || origin === undefined || config.corsOrigins.includes(origin);
}

/**
 * POST bodies a page on another site can send without a preflight
 * (`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`)
 * are refused, except multipart with a preflight header (uploads); GET needs no header.
 */
export function useContentTypePolicy(): Plugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (request.method !== 'POST') return;
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type === 'application/json') return;
      const preflighted = PREFLIGHT_HEADERS.some((name) => request.headers.has(name));
      if (type === 'multipart/form-data' && preflighted) return;
      const [status, message] =
        type === 'multipart/form-data'
          ? [400, `A multipart request needs one of the headers ${PREFLIGHT_HEADERS.join(', ')} (CSRF prevention).`]
          : [415, 'POST bodies must be application/json.'];
      endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message }] }), { status, headers: { 'content-type': 'application/json' } }));
    },
  };
}

/** HTML answers (GraphiQL, any page) cannot be framed, sniffed into another type, or re-based. */
export function useHtmlSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      if (!response.headers.get('content-type')?.toLowerCase().startsWith('text/html')) return;
      response.headers.set('x-content-type-options', 'nosniff');
      response.headers.set('x-frame-options', 'DENY');
      // Scripts are left alone: GraphiQL runs inline ones.
      response.headers.set('content-security-policy', "frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
    },
  };
}

/** /metrics: the bearer METRICS_TOKEN when set; else open outside production, hidden (404) in production. */
export function metricsAccess(config: Config, req: IncomingMessage): 200 | 401 | 404 {
  if (!config.metricsToken) return config.production ? 404 : 200;
  const sent = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${config.metricsToken}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected) ? 200 : 401;
}
