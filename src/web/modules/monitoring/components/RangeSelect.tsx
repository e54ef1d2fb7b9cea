import { DatePicker, Segmented, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useT } from '../../../app/i18n';
import { useIsPhone } from '../../../shared/hooks';

export const PRESETS = {
  m15: 15 * 60_000,
  h1: 3_600_000,
  h6: 6 * 3_600_000,
  h24: 24 * 3_600_000,
  d7: 7 * 24 * 3_600_000,
  d30: 30 * 24 * 3_600_000,
  y1: 365 * 24 * 3_600_000,
} as const;
export type Preset = keyof typeof PRESETS;

/** A preset ("the last hour", ending now and following the clock) or a fixed custom window. */
export type TimeRange = { preset: Preset } | { from: string; to: string };

export function isPreset(v: string | null): v is Preset {
  return v !== null && v in PRESETS;
}

/** The window a range stands for now, as ISO instants; `now` is rounded to the second to keep query keys stable. */
export function resolveRange(r: TimeRange, nowMs: number): { from: string; to: string } {
  if ('preset' in r) {
    const to = Math.ceil(nowMs / 1000) * 1000;
    return { from: new Date(to - PRESETS[r.preset]).toISOString(), to: new Date(to).toISOString() };
  }
  return r;
}

/** Presets from 15 minutes to a year, and a custom date-time range. */
export function RangeSelect({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  const t = useT();
  const custom = !('preset' in value);
  const phone = useIsPhone();
  const keys = Object.keys(PRESETS) as Preset[];
  const options = [
    ...keys.map((k) => ({ value: k as string, label: t(`monitoring.range.${k}`) })),
    { value: 'custom', label: t('monitoring.range.custom') },
  ];
  const pick = (v: string) => {
    if (isPreset(v)) onChange({ preset: v });
    else if (!custom) {
      const now = Date.now();
      onChange({ from: new Date(now - PRESETS.h24).toISOString(), to: new Date(now).toISOString() });
    }
  };
  const current = custom ? 'custom' : value.preset;
  return (
    <Space wrap size={8}>
      {/* Eight choices do not fit a phone's width as a segmented control. */}
      {phone ? (
        <Select data-testid="range-presets" value={current} options={options} onChange={pick} style={{ width: 120 }} />
      ) : (
        <Segmented data-testid="range-presets" value={current} options={options} onChange={(v) => pick(String(v))} />
      )}
      {custom && (
        <DatePicker.RangePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          value={[dayjs(value.from), dayjs(value.to)]}
          allowClear={false}
          onChange={(v: [Dayjs | null, Dayjs | null] | null) => {
            const [a, b] = v ?? [];
            if (a && b && a.isBefore(b)) onChange({ from: a.toISOString(), to: b.toISOString() });
          }}
        />
      )}
    </Space>
  );
}
