import { Tag } from 'antd';
import type { AlarmStatus, Severity, SeverityColour } from '../../../../core/monitoring';
import { SEVERITY_COLOUR, SEVERITY_WARNING_LEVEL } from '../../../../core/monitoring';
import { useT } from '../../../app/i18n';
import type { WorstState } from '../api';

/** The four warning colours (red I … blue IV), as drawn on maps, tags and charts. */
export const SEVERITY_HEX: Record<SeverityColour, string> = {
  red: '#cf1322',
  orange: '#fa8c16',
  yellow: '#d4b106',
  blue: '#1677ff',
};
export const STATE_HEX = { offline: '#8c8c8c', normal: '#389e0d', no_points: '#bfbfbf' } as const;

export function severityHex(severity: Severity | null | undefined): string | null {
  return severity ? SEVERITY_HEX[SEVERITY_COLOUR[severity]] : null;
}

/** The colour of a state: the worst active severity's colour, else grey when offline, else green. */
export function stateHex(state: WorstState | 'noData', severity: Severity | null): string {
  if (state === 'alarm') return severityHex(severity) ?? SEVERITY_HEX.red;
  if (state === 'offline' || state === 'noData') return STATE_HEX.offline;
  if (state === 'no_points') return STATE_HEX.no_points;
  return STATE_HEX.normal;
}

export function SeverityTag({ severity }: { severity: Severity }) {
  const t = useT();
  const colour = SEVERITY_COLOUR[severity];
  return (
    <Tag color={SEVERITY_HEX[colour]} style={{ marginInlineEnd: 0 }} data-testid="alarm-severity">
      {t('monitoring.severity.level', { level: SEVERITY_WARNING_LEVEL[severity] })}·{t(`monitoring.severity.${colour}`)}
    </Tag>
  );
}

const STATUS_COLOUR: Record<AlarmStatus, string> = { active: 'error', cleared: 'warning', closed: 'default' };

export function AlarmStatusTag({ status, acknowledged }: { status: AlarmStatus; acknowledged: boolean }) {
  const t = useT();
  return (
    <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
      <Tag color={STATUS_COLOUR[status]} style={{ marginInlineEnd: 0 }} data-testid="alarm-status" data-status={status}>
        {t(`monitoring.status.${status}`)}
      </Tag>
      {status !== 'closed' && (
        <Tag
          color={acknowledged ? 'green' : 'magenta'}
          style={{ marginInlineEnd: 0 }}
          data-testid="alarm-ack"
          data-acknowledged={String(acknowledged)}
        >
          {acknowledged ? t('monitoring.ack.yes') : t('monitoring.ack.no')}
        </Tag>
      )}
    </span>
  );
}

export function StateDot({ colour, size = 10 }: { colour: string; size?: number }) {
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        width: size,
        height: size,
        borderRadius: '50%',
        background: colour,
        marginRight: 6,
        verticalAlign: -1,
        flex: 'none',
      }}
    />
  );
}

/** A reading with its unit, or a dash. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '—';
  const v = Math.abs(value) >= 100 ? value.toFixed(1) : Number(value.toPrecision(4)).toString();
  return unit ? `${v} ${unit}` : v;
}

/** "3 分钟" / "3 min" style duration between two instants. */
export function formatDuration(ms: number, lang: 'zh-CN' | 'en'): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const zh = lang === 'zh-CN';
  if (s < 60) return zh ? `${s} 秒` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return zh ? `${m} 分钟` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return zh ? `${h} 小时 ${m % 60} 分` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return zh ? `${d} 天` : `${d} d`;
}

/**
 * The unit of an alarm's threshold and peak: a rate-of-change alarm measures the rate (units per minute), every
 * other rule the value itself.
 */
export function measureUnit(a: { rule: string; point: { unit: string } | null }): string {
  const unit = a.point?.unit ?? '';
  return a.rule === 'rate_of_change' ? `${unit}/min` : unit;
}
