-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN     "partyLanguage" TEXT NOT NULL DEFAULT 'pl';
