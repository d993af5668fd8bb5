-- What was done to people and keys: who put a person in k2flow, who issued or revoked which key.
CREATE TABLE "AccessEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actorName" TEXT,
    "authMethod" TEXT,
    "requestId" TEXT,
    "subject" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessEvent_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "AccessEvent_occurredAt_idx" ON "AccessEvent"("occurredAt");
