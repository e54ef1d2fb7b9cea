import {
  allowedActions,
  type HazardAction,
  type HazardStatus,
  type Role,
  transitionFor,
} from '../../../core/hazards/workflow';
import { ROLE_SCOPE } from '../../../core/roles';
import type { HazardListItem } from './api';

/**
 * The status-changing actions this user may take on a list item, from the core transition table — the same
 * table and the same actor rule the server enforces (`hazards.policy.ts`: a user of the hazard's enterprise acts
 * as the enterprise, any other user who sees the hazard supervises it). Used by the kanban to offer only the
 * moves that will succeed; the server still decides (a stale version answers 409 and the board reloads).
 * Extension actions are left to the detail page (the list does not carry the extension flags).
 */
export function moves(
  h: Pick<HazardListItem, 'status' | 'deadline' | 'pendingExtension' | 'level' | 'path' | 'enterpriseId'>,
  me: { role: Role; enterpriseId: string | null },
): { action: HazardAction; to: HazardStatus }[] {
  const actions = allowedActions({
    status: h.status,
    deadline: h.deadline,
    extensionRequestedForCurrentDeadline: false,
    pendingExtension: h.pendingExtension,
    level: h.level,
    path: h.path,
    actorRole: me.role,
    actorIsOwnEnterprise: ROLE_SCOPE[me.role] === 'enterprise' && me.enterpriseId === h.enterpriseId,
    actorIsSupervisor: ROLE_SCOPE[me.role] !== 'enterprise',
  });
  return actions.flatMap((action) => {
    const tr = transitionFor(h.status, action, h.level, h.path);
    return tr && tr.to !== h.status ? [{ action, to: tr.to }] : [];
  });
}
