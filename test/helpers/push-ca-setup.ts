// One self-signed certificate per test run for the local Web Push services
// (test/helpers/push-service.ts). Every test server trusts it (PUSH_CA_FILE in
// baseEnv): on PostgreSQL all the servers of a run share one database and so
// one push queue, and whichever server takes a push must be able to send it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      // This machine's name too: push.test.ts checks that a name resolving to a loopback address is refused at send time, not by TLS.
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }, { type: 2, value: hostname() }] },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'push-ca-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, pems.cert);
  project.provide('pushCertificate' as never, { cert: pems.cert, key: pems.private, file } as never);
  return () => rmSync(dir, { recursive: true, force: true });
}
