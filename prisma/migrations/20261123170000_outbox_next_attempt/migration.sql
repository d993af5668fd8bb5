-- When a message whose last attempt failed will be tried again (status 'retrying').
ALTER TABLE "OutboxMessage" ADD COLUMN "nextAttemptAt" TIMESTAMP(3);
