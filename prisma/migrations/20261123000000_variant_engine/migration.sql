-- AlterTable
ALTER TABLE "Application" ADD COLUMN     "definitionVersion" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "stage" TEXT;

-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN     "acceptsLate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ask" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "closedReason" TEXT,
ADD COLUMN     "formData" JSONB,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'sign-off',
ADD COLUMN     "late" BOOLEAN NOT NULL DEFAULT false,
ALTER COLUMN "unitKey" DROP NOT NULL;
