// Prints a development token, and nothing else (with npm's -s): npm run -s token -- <username> [--name "Display Name"] [--ttl 3600]
// It uses JWT_SECRET when set, else the development secret (the server's default).
import { parseArgs } from 'node:util';
import { readConfig } from '../src/infra/env.js';
import { signToken } from '../test/helpers/tokens.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, ttl: { type: 'string', default: '86400' }, sub: { type: 'string' } },
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
    ttlSeconds: Number(values.ttl),
  }),
);
