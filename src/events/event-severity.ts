import type { EventKind, Severity } from './secret-event';

/**
 * How loud each kind of event is, the same for every cloud. Critical: something is broken or a
 * secret is (about to be) gone while in use. Warning: needs a human soon. Info: for the record.
 */
const SEVERITY_BY_KIND: Record<EventKind, Severity> = {
  'rotation.started': 'info',
  'rotation.succeeded': 'info',
  'rotation.failed': 'critical',
  'rotation.abandoned': 'warning',
  'rotation.requested': 'info',
  'rotation.cancelled': 'info',
  'rotation.label-updated': 'info',
  'rotation.overdue': 'warning',
  'test-rotation.started': 'info',
  'test-rotation.succeeded': 'info',
  'test-rotation.failed': 'warning',
  'deletion.scheduled': 'warning',
  'deletion.forced': 'critical',
  'deletion.cancelled': 'info',
  'deletion.started': 'warning',
  'deletion.completed': 'critical',
  'access.pending-deletion': 'critical',
  'access.pending-deletion-cleared': 'info',
};

export function severityOf(kind: EventKind): Severity {
  return SEVERITY_BY_KIND[kind];
}
