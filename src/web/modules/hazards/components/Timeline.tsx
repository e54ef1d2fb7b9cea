import { Tag, Timeline } from 'antd';
import type { HazardStatus } from '../../../../core/hazards/workflow';
import { type MessageKey, translateDynamic, useT } from '../../../app/i18n';
import { formatDateTime } from '../../../shared/format';
import type { HazardEvent } from '../api';
import { STATUS_COLOR } from './Tags';

const COLOR: Record<string, string> = {
  create: 'blue',
  confirm: 'blue',
  submit: 'purple',
  verify: 'cyan',
  close: 'green',
  return: 'orange',
  reject: 'gray',
};

/** The payload texts worth reading in the history (reason, note, plan, deadlines), in a fixed order. */
const SHOWN: { key: string; label: MessageKey }[] = [
  { key: 'reason', label: 'hazards.fields.reason' },
  { key: 'note', label: 'hazards.fields.note' },
  { key: 'interimMeasures', label: 'hazards.fields.interimMeasures' },
  { key: 'newDeadline', label: 'hazards.fields.newDeadline' },
  { key: 'requestedDeadline', label: 'hazards.fields.requestedDeadline' },
  { key: 'deadline', label: 'hazards.fields.deadline' },
  { key: 'number', label: 'hazards.fields.code' },
];

function label(action: string, t: ReturnType<typeof useT>): string {
  if (action.startsWith('escalation.')) {
    const step = action.slice('escalation.'.length);
    return `${t('hazards.action.escalation')} · ${translateDynamic(`hazards.detail.step.${step}`) ?? step}`;
  }
  if (action === 'update') return t('hazards.action.edit');
  if (action === 'document_issued') return t('hazards.action.document');
  if (action === 'campaign_started') return t('hazards.action.campaign');
  return translateDynamic(`hazards.action.${action}`) ?? action;
}

/** Every step of the hazard, oldest first: who, when, what, the status change and the words they wrote. */
export function HazardTimeline({ events }: { events: HazardEvent[] }) {
  const t = useT();
  return (
    <Timeline
      data-testid="hazard-timeline"
      items={events.map((e) => {
        const data = e.data ?? {};
        const plan = data.plan as Record<string, string> | undefined;
        return {
          key: String(e.id),
          color: COLOR[e.action] ?? (e.action.startsWith('escalation.') ? 'red' : 'gray'),
          content: (
            <div data-testid="timeline-item">
              <div>
                <b>{label(e.action, t)}</b>{' '}
                {e.from && e.to && e.from !== e.to && (
                  <>
                    <Tag color={STATUS_COLOR[e.from as HazardStatus]}>{t(`hazards.status.${e.from}`)}</Tag>→{' '}
                    <Tag color={STATUS_COLOR[e.to as HazardStatus]}>{t(`hazards.status.${e.to}`)}</Tag>
                  </>
                )}
                {!e.from && e.to && <Tag color={STATUS_COLOR[e.to as HazardStatus]}>{t(`hazards.status.${e.to}`)}</Tag>}
              </div>
              <div style={{ color: '#888', fontSize: 12 }}>
                {formatDateTime(e.at)} · {e.actorName ?? ''}
                {e.actorRole ? ` (${translateDynamic(`roles.${e.actorRole}`) ?? e.actorRole})` : ''}
              </div>
              {SHOWN.filter((s) => typeof data[s.key] === 'string' && data[s.key] !== '').map((s) => (
                <div key={s.key} style={{ fontSize: 13, overflowWrap: 'anywhere' }}>
                  {t(s.label)}：{String(data[s.key])}
                </div>
              ))}
              {typeof data.approved === 'boolean' && (
                <div style={{ fontSize: 13 }}>
                  {t('hazards.fields.approved')}：{data.approved ? t('hazards.form.approve') : t('hazards.form.deny')}
                </div>
              )}
              {plan && (
                <div style={{ fontSize: 13, overflowWrap: 'anywhere' }}>
                  {t('hazards.fields.plan')}：{plan.owner} / {plan.measures} / {plan.funds} / {plan.deadline} /{' '}
                  {plan.contingency}
                </div>
              )}
            </div>
          ),
        };
      })}
    />
  );
}
