import { Table, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../app/i18n';
import type { BoardRow, MonthState } from './api';

const CELL: Record<'ok' | 'missing' | 'open' | 'future', { bg: string; fg: string }> = {
  ok: { bg: '#f6ffed', fg: '#389e0d' },
  missing: { bg: '#fff1f0', fg: '#cf1322' },
  open: { bg: '#fff7e6', fg: '#d46b08' },
  future: { bg: 'transparent', fg: '#bfbfbf' },
};

function cellKind(n: number, state: MonthState) {
  if (n > 0) return 'ok';
  if (state === 'past') return 'missing';
  if (state === 'current') return 'open';
  return 'future';
}

/** Rows × 12 months: green with a count, red for a past month without one, orange for this month so far. */
export function BoardGrid<R extends BoardRow>({
  rows,
  months,
  rowKey,
  label,
  testId,
}: {
  rows: R[];
  months: { month: number; state: MonthState }[];
  rowKey: (r: R) => string;
  label: { title: string; render: (r: R) => ReactNode };
  testId: string;
}) {
  const t = useT();
  return (
    <Table<R>
      size="small"
      rowKey={rowKey}
      data-testid={testId}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 160 + 12 * 44 }}
      columns={[
        { title: label.title, fixed: 'left', width: 160, render: (_, r) => label.render(r) },
        ...months.map((m) => ({
          title: t('supervision.plans.month', { m: m.month }),
          width: 44,
          align: 'center' as const,
          onCell: (r: R) => {
            const c = CELL[cellKind(r.counts[m.month - 1] ?? 0, m.state)];
            return { style: { background: c.bg, color: c.fg, padding: 4 } };
          },
          render: (_: unknown, r: R) => {
            const n = r.counts[m.month - 1] ?? 0;
            const kind = cellKind(n, m.state);
            return (
              <span data-testid={`cell-${kind}`} data-month={m.month}>
                {n > 0 ? n : kind === 'missing' ? '✕' : kind === 'open' ? '…' : ''}
              </span>
            );
          },
        })),
        {
          title: '',
          width: 70,
          render: (_, r) =>
            r.missing > 0 ? (
              <Tooltip title={t('supervision.field.missing', { n: r.missing })}>
                <span style={{ color: '#cf1322' }}>−{r.missing}</span>
              </Tooltip>
            ) : null,
        },
      ]}
    />
  );
}
