-- A creation's feed position is its message's "createdPos": "MessageChange"
-- keeps only the later changes (edited, deleted, reactions changed). A send
-- wrote a row there per message that repeated what the message row says, one
-- row of four per send; a hub that misses a creation reads it from "Message"
-- by this index instead.
CREATE UNIQUE INDEX "Message_conversationId_createdPos_key" ON "Message"("conversationId", "createdPos");
DELETE FROM "MessageChange" WHERE "kind" = 1;
