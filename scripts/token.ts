// Prints a development token, and nothing else (with npm's -s): npm run -s token -- <username> [--name "Display Name"] [--ttl 3600] (default: JWT_MAX_TTL_S, 24 h)
// It uses JWT_SECRET when set, else the development secret (the server's default).
import { parseArgs } from 'node:util';
import { readConfig } from '../src/infra/env.js';
import { signToken } from '../test/helpers/tokens.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, ttl: { type: 'string' }, sub: { type: 'string' } },
});
const username = positionals[0];
if (!username) {
  console.error('usage: npm run -s token -- <username> [--name "Display Name"] [--sub id] [--ttl seconds]');
  process.exit(2);
}
const config = readConfig();
if (!config.jwt.secret) {
  console.error('JWT_SECRET is not set and the server uses a JWKS: get a token from your identity provider.');
  process.exit(2);
}
console.log(
  await signToken(config.jwt.secret, {
    sub: values.sub ?? username,
    preferred_username: username,
    name: values.name,
    iss: config.jwt.issuer,
    aud: config.jwt.audience,
    // Default: as long as the server accepts (JWT_MAX_TTL_S, 24 h unless set).
    ttlSeconds: values.ttl ? Number(values.ttl) : config.jwtMaxTtlSeconds,
  }),
);
