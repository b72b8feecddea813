// Operation limits: each one refuses what is over it and lets what is at it through.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { http, subscribe, wsClient } from './helpers/clients.js';
import { startServer, waitForListeners } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const nested = (depth: number) => {
  // conversations.edges.node is depth 3; each lastMessage.conversation pair adds 2.
  let inner = 'id';
  for (let i = 0; i < depth; i++) inner = `lastMessage { conversation { ${inner} } }`;
  return `{ conversations { edges { node { ${inner} } } } }`;
};

describe('operation limits', async () => {
  const server = await startServer();
  const user = await createUser(server, 'limits');
  const post = (query: string) => http(server.url, user.token, query);
  const message = (r: { errors?: { message: string }[] }) => r.errors?.map((e) => e.message).join(' ') ?? '';

  it('refuses a query deeper than 10 and runs one of depth 10', async () => {
    expect((await post(nested(3))).errors).toBeUndefined(); // depth 3 + 2×3 = 9
    expect(message(await post(nested(4)))).toMatch(/depth limit of 10/);
  });

  it('counts the fields inside fragments, not the spreads themselves', async () => {
    // The same depths as above, the nested part behind two fragment spreads
    // (which, counted as levels, would make depth 9 an 11).
    const viaFragments = (depth: number) => {
      let inner = 'id';
      for (let i = 0; i < depth; i++) inner = `lastMessage { conversation { ${inner} } }`;
      return `{ conversations { edges { node { ...Outer } } } } fragment Outer on Conversation { ...Deep } fragment Deep on Conversation { ${inner} }`;
    };
    expect((await post(viaFragments(3))).errors).toBeUndefined();
    expect(message(await post(viaFragments(4)))).toMatch(/depth limit of 10/);
  });

  it('refuses more than 15 aliases', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await post(aliases(15))).errors).toBeUndefined();
    expect(message(await post(aliases(16)))).toMatch(/Aliases limit of 15/);
  });

  it('refuses documents of more than 2,000 tokens', async () => {
    const many = `{ me { ${Array.from({ length: 2100 }, () => 'id').join(' ')} } }`;
    expect(message(await post(many))).toMatch(/Token limit/i);
  });

  it('refuses operations costing more than 10,000', async () => {
    const fields = 'id seq content createdAt clientMessageId conversationId status';
    const user = 'id username displayName avatarUrl online lastSeenAt';
    const heavy = `conversations { edges { node { messages { edges { node { ${fields} sender { ${user} } readBy { ${user} } conversation { id title kind participants { ${user} } lastMessage { ${fields} sender { ${user} } } } } } } } } }`;
    const costly = `{ ${Array.from({ length: 15 }, (_, i) => `c${i}: ${heavy}`).join(' ')} }`;
    expect(message(await post(costly))).toMatch(/cost/i);
  });

  it('refuses too many directives', async () => {
    const directives = `{ me { id ${Array.from({ length: 60 }, () => '@include(if: true)').join(' ')} } }`;
    expect(message(await post(directives))).toMatch(/Directives limit/i);
  });

  it('answers 413 to an HTTP body over 100 KB', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(101 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });

  it('answers an over-limit or malformed subscription with errors for it alone, and the socket serves on', async () => {
    const ws = wsClient(server.wsUrl, { token: user.token });
    await ws.connected;
    let deep = 'id';
    for (let i = 0; i < 6; i++) deep = `lastMessage { conversation { ${deep} } }`;
    const tooDeep = subscribe(ws, `subscription { notifications { ... on ConversationCreatedNotification { conversation { ${deep} } } } }`);
    const broken = subscribe(ws, 'subscription { notifications {');
    await expect(tooDeep.completed).rejects.toThrow(/depth limit of 10/);
    await expect(broken.completed).rejects.toThrow(/Syntax Error/);
    const me = subscribe(ws, 'subscription { notifications { __typename } }');
    await waitForListeners(server, 'notifications', user.id);
    expect(ws.closes).toEqual([]);
    me.unsubscribe();
  });

  it('refuses an over-limit operation each time a socket sends it, and answers a valid one each time', async () => {
    // The server remembers the texts that passed (ws.ts); one that failed must fail again.
    const ws = wsClient(server.wsUrl, { token: user.token });
    await ws.connected;
    for (let i = 0; i < 2; i++) {
      await expect(subscribe(ws, nested(6)).completed).rejects.toThrow(/depth limit of 10/);
      const me = subscribe(ws, '{ me { id } }');
      await me.completed;
      expect(me.results).toEqual([{ data: { me: { id: user.id } } }]);
    }
    expect(ws.closes).toEqual([]);
  });

  it('closes a socket that sends a frame over 100 KB with 1009', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token: user.token, pad: 'x'.repeat(101 * 1024) } }));
    expect(await closed).toBe(1009);
  });
});
