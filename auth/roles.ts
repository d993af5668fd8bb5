/**
 * Who may do what. Roles belong to people who sign in; approvers have no role (their link is
 * their credential). A coordinator acts within their own office; admins and auditors see every office.
 */
export const roles = ['coordinator', 'admin', 'auditor'] as const;
export type Role = (typeof roles)[number];

export const isRole = (value: unknown): value is Role => roles.includes(value as Role);

/** What a route asks of the caller: to read applications, to act on them, to read the access log, or to manage people and keys. */
export type Permission = 'read' | 'act' | 'audit' | 'manage';

const granted: Record<Role, readonly Permission[]> = {
  coordinator: ['read', 'act'],
  admin: ['read', 'act', 'audit', 'manage'],
  auditor: ['read', 'audit'],
};

export const roleMay = (role: Role, permission: Permission): boolean => granted[role].includes(permission);

/** Whether the role reaches applications of every office, not just the person's own. */
export const seesEveryOffice = (role: Role): boolean => role !== 'coordinator';
