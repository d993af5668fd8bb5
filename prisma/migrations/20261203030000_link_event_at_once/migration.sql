-- An approval link's opening, refusal or document download (client/services/link-audit.ts), written
-- unchained and at most once per group of repeats (same link, client, attempt and reason) within a
-- window, in one round trip: the group's advisory lock (held to the end of the caller's transaction,
-- the statement's own when called alone), a look for a record of the group since `since`, then the
-- insert; true when it wrote one. VOLATILE, so the look takes a snapshot of its own after the lock,
-- and sees the record that the lock's previous holder committed.
CREATE FUNCTION "k2flow_record_link_event"(
  group_prefix TEXT, since TIMESTAMP(3),
  event_id TEXT, idempotency_key TEXT, application_id TEXT, event_type TEXT, event_actor TEXT, event_data JSONB, occurred_at TIMESTAMP(3))
RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(group_prefix, 0));
  IF EXISTS (SELECT 1 FROM "AuditEvent" e
             WHERE e."applicationId" = application_id AND e."type" = event_type
               AND starts_with(e."idempotencyKey", group_prefix) AND e."occurredAt" > since) THEN
    RETURN FALSE;
  END IF;
  INSERT INTO "AuditEvent" ("id", "idempotencyKey", "applicationId", "type", "actor", "data", "occurredAt")
  VALUES (event_id, idempotency_key, application_id, event_type, event_actor, event_data, occurred_at)
  ON CONFLICT ("idempotencyKey") DO NOTHING;
  RETURN FOUND;
END
$$;
