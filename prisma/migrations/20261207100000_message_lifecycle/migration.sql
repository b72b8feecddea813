-- The message lifecycle (issue 19): edits, tombstones, reactions, replies,
-- mentions, and the change feed's positions.
--
-- Every change to a conversation's messages (created, edited, deleted,
-- reactions changed) takes the next position of the conversation's feed,
-- "lastEventPos" + 1, under the conversation row's lock and in the change's
-- own transaction, as "lastSeq" is taken: positions are gapless and commit in
-- order. Until now every change was a creation, so existing messages were
-- created (and last changed) at the position equal to their seq.
ALTER TABLE "Conversation" ADD COLUMN "lastEventPos" INTEGER NOT NULL DEFAULT 0;
UPDATE "Conversation" SET "lastEventPos" = "lastSeq";

ALTER TABLE "Message"
  ADD COLUMN "editedAt" TIMESTAMPTZ(3),
  ADD COLUMN "deletedAt" TIMESTAMPTZ(3),
  ADD COLUMN "replyToId" TEXT,
  ADD COLUMN "mentionedUserIds" TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1,
  -- Feed positions: of its creation, of its latest edit, of its latest change.
  ADD COLUMN "createdPos" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "editedPos" INTEGER,
  ADD COLUMN "eventPos" INTEGER NOT NULL DEFAULT 0;
UPDATE "Message" SET "createdPos" = seq, "eventPos" = seq;
ALTER TABLE "Message" ALTER COLUMN "createdPos" DROP DEFAULT, ALTER COLUMN "eventPos" DROP DEFAULT;
-- `since` replays: every message whose latest change is after a position, in feed order.
CREATE UNIQUE INDEX "Message_conversationId_eventPos_key" ON "Message"("conversationId", "eventPos");

-- One row per change: what each position was (a subscriber's hub that missed
-- one reads it here). kind: 1 created, 2 edited, 3 deleted, 4 reactions.
CREATE TABLE "MessageChange" (
  "conversationId" TEXT NOT NULL,
  "pos" INTEGER NOT NULL,
  "messageId" TEXT NOT NULL,
  "kind" SMALLINT NOT NULL,
  CONSTRAINT "MessageChange_pkey" PRIMARY KEY ("conversationId", "pos"),
  CONSTRAINT "MessageChange_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "MessageChange" ("conversationId", "pos", "messageId", "kind")
SELECT "conversationId", seq, id, 1 FROM "Message";

-- One reaction per (message, user, emoji), enforced here also under
-- concurrent calls. "id" orders them: emojis by their first use, users
-- earliest first.
CREATE TABLE "Reaction" (
  "id" BIGSERIAL NOT NULL,
  "messageId" TEXT NOT NULL,
  "userId" TEXT NOT NULL,
  "emoji" TEXT NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "Reaction_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "Reaction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "Reaction_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Reaction_messageId_userId_emoji_key" ON "Reaction"("messageId", "userId", "emoji");
