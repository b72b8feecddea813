// Structured JSON logs (pino). Lines carry a request or connection id; tokens
// and authorization headers are redacted wherever they appear.
import { pino, type Logger as Pino } from 'pino';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

const REDACT = ['authorization', 'Authorization', 'token', '*.authorization', '*.Authorization', '*.token', 'headers.authorization', 'connectionParams'];

export function createLogger({ level = process.env.LOG_LEVEL ?? 'info' }: { level?: string } = {}): Logger {
  return wrap(pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } }));
}

export const silentLogger: Logger = wrap(pino({ level: 'silent' }));

function wrap(log: Pino): Logger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, error, fields) => log.error({ ...fields, err: error }, message),
    child: (bindings) => wrap(log.child(bindings)),
  };
}
