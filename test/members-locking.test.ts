// Membership changes racing sends (the churn benchmark's finding): a member
// removed, or leaving, while their own sends are being stored. Sends lock the
// sender's participant row and then the conversation's row; a removal or a
// leave that locked the conversation first and the member's row second
// deadlocked with them (PostgreSQL aborted one side: INTERNAL_SERVER_ERROR).
// Every answer here is a success or NOT_FOUND, never an internal error.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, http, ok, type GraphQLResponse } from './helpers/clients.js';
import { group } from './helpers/seed.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUsers, type TestUser } from './helpers/users.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ADD = 'mutation ($c: ID!, $u: [ID!]!) { addParticipants(conversationId: $c, userIds: $u) { id } }';
const REMOVE = 'mutation ($c: ID!, $u: ID!) { removeParticipant(conversationId: $c, userId: $u) { id } }';
const LEAVE = 'mutation ($c: ID!) { leaveConversation(conversationId: $c) }';
const SEND = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id seq } }';
const MEMBERS = 'query ($c: ID!) { conversation(id: $c) { members { user { id } role } } }';

const ROUNDS = 6;
const SENDS = 20;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

const call = (user: TestUser, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<Any>> =>
  http<Any, Record<string, unknown>>(server.url, user.token, query, variables);

/** Codes of every answer that failed (an answer without errors counts as none). */
const failures = (answers: GraphQLResponse<Any>[]) => answers.flatMap((a) => (a.errors?.length ? errorCodes(a) : []));

describe('membership changes racing sends', () => {
  it("removes a member while their sends are being stored: each send is stored or NOT_FOUND, every removal answers, the group stays whole", async () => {
    const [owner, sender, other] = await createUsers(server, 3, 'lockrm');
    const c = await group(server, owner!, [sender!, other!]);
    const codes: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sends = Array.from({ length: SENDS }, (_, i) => call(sender!, SEND, { c, t: `r${round}-${i}` }));
      // The removal lands among the sends (the batcher stores them a few at a time).
      await new Promise((resolve) => setTimeout(resolve, 2 * round));
      const removal = call(owner!, REMOVE, { c, u: sender!.id });
      codes.push(...failures([await removal]), ...failures(await Promise.all(sends)));
      await ok(server.url, owner!.token, ADD, { c, u: [sender!.id] });
    }
    expect(codes.filter((code) => code !== 'NOT_FOUND')).toEqual([]);
    const members = (await ok<Any, Any>(server.url, owner!.token, MEMBERS, { c })).conversation.members;
    expect(members.map((m: Any) => m.role).sort()).toEqual(['MEMBER', 'MEMBER', 'OWNER']);
  }, 60_000);

  it('lets a member leave while their sends are being stored, and an OWNER leave while the successor sends', async () => {
    const [owner, leaver, heir] = await createUsers(server, 3, 'lockleave');
    const c = await group(server, owner!, [heir!, leaver!]);
    const codes: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sends = Array.from({ length: SENDS }, (_, i) => call(leaver!, SEND, { c, t: `l${round}-${i}` }));
      await new Promise((resolve) => setTimeout(resolve, 2 * round));
      codes.push(...failures([await call(leaver!, LEAVE, { c })]), ...failures(await Promise.all(sends)));
      await ok(server.url, owner!.token, ADD, { c, u: [leaver!.id] });
    }
    // The OWNER hands over to the member who joined first (heir) while heir is sending.
    const sends = Array.from({ length: SENDS }, (_, i) => call(heir!, SEND, { c, t: `h${i}` }));
    codes.push(...failures([await call(owner!, LEAVE, { c })]), ...failures(await Promise.all(sends)));
    expect(codes.filter((code) => code !== 'NOT_FOUND')).toEqual([]);
    const members = (await ok<Any, Any>(server.url, heir!.token, MEMBERS, { c })).conversation.members;
    expect(members.map((m: Any) => [m.user.id, m.role])).toEqual(expect.arrayContaining([[heir!.id, 'OWNER'], [leaver!.id, 'MEMBER']]));
    expect(members).toHaveLength(2);
  }, 60_000);
});
