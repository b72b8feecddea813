-- Conversations people can run (issue 20): roles and each member's own
-- settings on Participant, blocks between users, and each user's privacy
-- settings.
CREATE TYPE "ConversationRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER');
CREATE TYPE "Audience" AS ENUM ('EVERYONE', 'CONTACTS', 'NOBODY');

ALTER TABLE "Participant"
  ADD COLUMN "role" "ConversationRole" NOT NULL DEFAULT 'MEMBER',
  ADD COLUMN "joinedSeq" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "muted" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "archived" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "pinnedAt" TIMESTAMPTZ(3);

-- The creator of an existing group is its OWNER.
UPDATE "Participant" p SET "role" = 'OWNER'
FROM "Conversation" c
WHERE c.id = p."conversationId" AND c.kind = 'GROUP' AND c."createdById" = p."userId";

-- The viewer's conversation list: pinned first, then by activity (conversations.service.ts).
CREATE INDEX "Participant_userId_archived_pinnedAt_idx" ON "Participant" ("userId", "archived", "pinnedAt");

-- No row: the defaults, version 1's behaviour.
CREATE TABLE "PrivacySetting" (
  "userId" TEXT NOT NULL,
  "presence" "Audience" NOT NULL DEFAULT 'EVERYONE',
  "groupInvites" "Audience" NOT NULL DEFAULT 'EVERYONE',
  CONSTRAINT "PrivacySetting_pkey" PRIMARY KEY ("userId"),
  CONSTRAINT "PrivacySetting_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "Block" (
  "blockerId" TEXT NOT NULL,
  "blockedId" TEXT NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Block_pkey" PRIMARY KEY ("blockerId", "blockedId"),
  CONSTRAINT "Block_blockerId_fkey" FOREIGN KEY ("blockerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "Block_blockedId_fkey" FOREIGN KEY ("blockedId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "Block_blockedId_idx" ON "Block" ("blockedId");
