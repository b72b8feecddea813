-- The DIRECT conversation key was "<smaller id>\n<larger id>": ambiguous when
-- an id contains "\n" (("a\nb", "c") and ("a", "b\nc") shared one key, issue 17).
-- It becomes "<code points of the smaller id>:<smaller id>\n<larger id>", the
-- ids ordered by their UTF-8 bytes (COLLATE "C"), as directKey() in
-- src/modules/conversations/conversations.service.ts builds it. Existing rows
-- are rewritten from their two participants.
UPDATE "Conversation" AS c
SET "directKey" = k.key
FROM (
  SELECT p."conversationId",
         char_length(min(p."userId" COLLATE "C")) || ':' || min(p."userId" COLLATE "C") || E'\n' || max(p."userId" COLLATE "C") AS key
  FROM "Participant" p
  JOIN "Conversation" d ON d.id = p."conversationId" AND d.kind = 'DIRECT'
  GROUP BY p."conversationId"
) AS k
WHERE c.id = k."conversationId";
