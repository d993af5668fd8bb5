-- The message as first composed, sealed with a key the database never holds; every retry sends it.
ALTER TABLE "OutboxMessage" ADD COLUMN "sealedMessage" BYTEA;
