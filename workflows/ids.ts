// Workflow ids are part of the public contract (admins search by them); never change the format.
export const unitBranchWorkflowId = (applicationId: string, unitKey: string) => `${applicationId}:unit:${unitKey}`;
