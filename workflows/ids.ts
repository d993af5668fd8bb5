// Workflow ids are part of the public contract (admins search by them); never change the format.
export const unitBranchWorkflowId = (applicationId: string, stageId: string, unitKey: string) => `${applicationId}:${stageId}:${unitKey}`;
