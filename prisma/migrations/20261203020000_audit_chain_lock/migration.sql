-- An application's audit chain, locked and read in one round trip (activities/audit.ts): the
-- chain's advisory lock (held to the end of the transaction, as pg_advisory_xact_lock holds it),
-- then its head, whether records wait to be chained, and which of the given keys are written.
-- VOLATILE, so the query after the lock takes a snapshot of its own and sees what the lock's
-- previous holder committed (one statement doing both would read a snapshot from before the lock).
CREATE FUNCTION "k2flow_lock_audit_chain"(application_id TEXT, idempotency_keys TEXT[])
RETURNS TABLE ("headSeq" INTEGER, "headHash" TEXT, "unsealed" BOOLEAN, "existing" TEXT[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('k2flow-audit:' || application_id, 0));
  RETURN QUERY SELECT
    (SELECT e."seq" FROM "AuditEvent" e WHERE e."applicationId" = application_id AND e."seq" IS NOT NULL ORDER BY e."seq" DESC LIMIT 1),
    (SELECT e."hash" FROM "AuditEvent" e WHERE e."applicationId" = application_id AND e."seq" IS NOT NULL ORDER BY e."seq" DESC LIMIT 1),
    EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."applicationId" = application_id AND e."seq" IS NULL),
    ARRAY(SELECT e."idempotencyKey" FROM "AuditEvent" e WHERE e."idempotencyKey" = ANY(idempotency_keys));
END
$$;
