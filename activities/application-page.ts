/** The application's page, where its coordinator finds every action (coordinator emails link to it). */
export const applicationPageUrl = (publicUrl: string, applicationId: string): string => `${publicUrl}/applications/${encodeURIComponent(applicationId)}`;
