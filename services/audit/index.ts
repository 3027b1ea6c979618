export { auditService, toAuditRow } from './audit-service.js';
export { AuditStore, type AuditRow } from './audit-store.js';
export { AUDIT_TABLE, AUDIT_MIGRATIONS } from './schema.js';
