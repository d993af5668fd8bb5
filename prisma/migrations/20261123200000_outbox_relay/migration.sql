-- The outbox relay (mail/outbox-relay.ts) claims messages for a while: a relay that dies mid-send
-- leaves its claim to lapse, and another relay sends the same sealed bytes.
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedUntil" TIMESTAMP(3);
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
-- Messages the earlier activities left mid-send go to the relay now; one never composed (written
-- before the outbox kept messages) is tried once by the relay, which records it failed.
UPDATE "OutboxMessage"
SET "status" = CASE WHEN "sealedMessage" IS NULL THEN 'retrying' ELSE 'queued' END,
    "nextAttemptAt" = CASE WHEN "sealedMessage" IS NULL THEN CURRENT_TIMESTAMP ELSE NULL END
WHERE "status" = 'sending';
