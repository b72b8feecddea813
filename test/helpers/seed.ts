// Seed builders for conversations, through the API as a client would.
import { graphql } from '../generated/gql.js';
import { ok } from './clients.js';
import type { TestServer } from './server.js';
import type { TestUser } from './users.js';

const SeedStart = graphql(`
  mutation SeedStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const SeedGroup = graphql(`
  mutation SeedGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);

/** The DIRECT conversation of `a` and `b`, started by `a`. */
export async function direct(server: TestServer, a: TestUser, b: TestUser): Promise<string> {
  return (await ok(server.url, a.token, SeedStart, { userId: b.id })).startConversation.id;
}

/** A group of `creator` and `others`. */
export async function group(server: TestServer, creator: TestUser, others: TestUser[], title = 'group'): Promise<string> {
  return (await ok(server.url, creator.token, SeedGroup, { title, userIds: others.map((u) => u.id) })).createGroupConversation.id;
}
