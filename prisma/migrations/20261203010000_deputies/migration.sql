-- Deputies: a link held by someone deciding on behalf of the request's party, and who decided.
ALTER TABLE "ApprovalToken" ADD COLUMN "holderName" TEXT;
ALTER TABLE "ApprovalToken" ADD COLUMN "onBehalf" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "ApprovalToken" ADD COLUMN "holderUntil" TIMESTAMP(3);
ALTER TABLE "ApprovalRequest" ADD COLUMN "decidedByName" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "decidedByEmail" TEXT;
