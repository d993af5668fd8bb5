-- The outbox relay (mail/outbox-relay.ts) claims messages for a while: a relay that dies mid-send
-- leaves its claim to lapse, and another relay sends the same sealed bytes.
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedUntil" TIMESTAMP(3);
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
