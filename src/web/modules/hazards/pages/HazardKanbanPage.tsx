import { useQueries } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Space, Spin } from 'antd';
import { useState } from 'react';
import type { HazardAction, HazardStatus } from '../../../../core/hazards/workflow';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { useIsPhone } from '../../../shared/hooks';
import { useMe } from '../../auth/api';
import { HAZARD_KEYS, type HazardListItem, hazardApi } from '../api';
import { moves } from '../clientActions';
import { ActionModal, type ActionTarget, actionLabel } from '../components/ActionModal';
import { HazardCard } from '../components/HazardCards';
import { HazardFiltersBar, ViewsMenu } from '../components/HazardFilters';
import { STATUS_COLOR } from '../components/Tags';
import { HazardViewSwitch } from '../components/ViewSwitch';
import { useHazardListState } from '../useHazardListState';

const COLUMNS: readonly HazardStatus[] = ['reported', 'rectifying', 'submitted', 'verified', 'closed', 'rejected'];
const PER_COLUMN = 50;
const COLOR_HEX: Record<string, string> = {
  orange: '#fa8c16',
  default: '#8c8c8c',
  processing: '#1677ff',
  purple: '#722ed1',
  cyan: '#13c2c2',
  success: '#52c41a',
};

/** Hazards by status; a card moves to the next column by drag (desktop) or by its buttons (phones). */
export default function HazardKanbanPage() {
  const t = useT();
  const phone = useIsPhone();
  const { message } = App.useApp();
  const me = useMe();
  const state = useHazardListState();
  const filters = { ...state.filters, status: undefined };
  const shown = state.filters.status?.length ? COLUMNS.filter((s) => state.filters.status?.includes(s)) : COLUMNS;
  const columns = useQueries({
    queries: shown.map((status) => ({
      queryKey: [...HAZARD_KEYS.kanban(filters), status],
      queryFn: () => hazardApi.list({ ...filters, status: [status], page: 1, pageSize: PER_COLUMN, sort: 'deadline' }),
    })),
  });
  const [dragging, setDragging] = useState<HazardListItem | null>(null);
  const [over, setOver] = useState<HazardStatus | null>(null);
  const [pending, setPending] = useState<{ target: ActionTarget; action: HazardAction } | null>(null);
  const who = me.data ? { role: me.data.user.role, enterpriseId: me.data.user.enterprise?.id ?? null } : null;
  const movesOf = (h: HazardListItem) => (who ? moves(h, who) : []);
  const targetOf = (h: HazardListItem): ActionTarget => ({
    id: h.id,
    code: h.code,
    version: h.version,
    level: h.level,
    deadline: h.deadline,
  });

  const drop = (status: HazardStatus) => {
    const h = dragging;
    setDragging(null);
    setOver(null);
    if (!h || h.status === status) return;
    const m = movesOf(h).find((x) => x.to === status);
    if (!m) {
      message.warning(t('hazards.kanban.notAllowed', { status: t(`hazards.status.${status}`) }));
      return;
    }
    setPending({ target: targetOf(h), action: m.action });
  };

  return (
    <>
      <div className="fx-toolbar">
        <h1 className="fx-page-title fx-grow" style={{ marginBottom: 0 }}>
          {t('hazards.menu.kanban')}
        </h1>
        <HazardViewSwitch value="kanban" search={state.search} />
        <ViewsMenu search={state.search} onApply={state.apply} />
      </div>
      <HazardFiltersBar filters={state.filters} onChange={state.setFilters} onReset={state.reset} />
      {!phone && <Alert type="info" showIcon title={t('hazards.kanban.hint')} style={{ marginBottom: 12 }} />}
      <div
        data-testid="kanban"
        style={{
          display: 'flex',
          gap: 8,
          overflowX: 'auto',
          alignItems: 'flex-start',
          scrollSnapType: phone ? 'x mandatory' : undefined,
          paddingBottom: 8,
        }}
      >
        {shown.map((status, i) => {
          const q = columns[i];
          const items = q?.data?.items ?? [];
          const total = q?.data?.total ?? items.length;
          const possible = dragging ? movesOf(dragging).find((m) => m.to === status) : undefined;
          return (
            <section
              key={status}
              data-testid={`kanban-col-${status}`}
              onDragOver={(e) => {
                if (possible) {
                  e.preventDefault();
                  setOver(status);
                }
              }}
              onDragLeave={() => setOver((s) => (s === status ? null : s))}
              onDrop={(e) => {
                e.preventDefault();
                drop(status);
              }}
              style={{
                flex: phone ? '0 0 86%' : '1 0 220px',
                minWidth: phone ? undefined : 220,
                scrollSnapAlign: 'start',
                background: over === status ? '#e6f4ff' : possible ? '#f6ffed' : '#eef1f5',
                border: possible ? '2px dashed #52c41a' : '2px solid transparent',
                borderRadius: 8,
                padding: 8,
              }}
            >
              <div style={{ display: 'flex', alignItems: 'center', gap: 6, marginBottom: 8, fontWeight: 600 }}>
                <Badge color={COLOR_HEX[STATUS_COLOR[status]] ?? '#8c8c8c'} />
                {t(`hazards.status.${status}`)}
                <Badge count={total} showZero overflowCount={9999} style={{ background: '#8c8c8c' }} />
              </div>
              {possible && (
                <div style={{ fontSize: 12, color: '#389e0d', marginBottom: 6 }}>
                  {t('hazards.kanban.dropHere', {
                    action: dragging ? t(actionLabel(possible.action, dragging.level)) : '',
                  })}
                </div>
              )}
              {q?.error && <Alert type="error" title={errorMessage(q.error)} />}
              <Spin spinning={q?.isFetching ?? false}>
                <div style={{ display: 'flex', flexDirection: 'column', gap: 6, minHeight: 60 }}>
                  {items.map((h) => {
                    const ms = movesOf(h);
                    return (
                      <div
                        key={h.id}
                        draggable={!phone && ms.length > 0}
                        onDragStart={(e) => {
                          e.dataTransfer.effectAllowed = 'move';
                          e.dataTransfer.setData('text/plain', h.id);
                          setDragging(h);
                        }}
                        onDragEnd={() => {
                          setDragging(null);
                          setOver(null);
                        }}
                        style={{ cursor: ms.length > 0 && !phone ? 'grab' : undefined }}
                      >
                        <HazardCard
                          h={h}
                          extra={
                            ms.length > 0 && (
                              <Space wrap size={4} style={{ marginTop: 6 }}>
                                {ms.map((m) => (
                                  <Button
                                    key={m.action}
                                    size="small"
                                    danger={m.action === 'return' || m.action === 'reject'}
                                    onClick={() => setPending({ target: targetOf(h), action: m.action })}
                                    data-testid={`kanban-${m.action}`}
                                  >
                                    {t(actionLabel(m.action, h.level))}
                                  </Button>
                                ))}
                              </Space>
                            )
                          }
                        />
                      </div>
                    );
                  })}
                </div>
              </Spin>
              {total > items.length && (
                <div style={{ fontSize: 12, color: '#888', marginTop: 6 }}>
                  {t('hazards.kanban.more', { count: total - items.length })}
                </div>
              )}
            </section>
          );
        })}
      </div>
      <ActionModal target={pending?.target ?? null} action={pending?.action ?? null} onClose={() => setPending(null)} />
    </>
  );
}
