import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type Alarm, MONITORING_KEYS } from './api';

export interface AlarmLiveEvent {
  /** raise, return, update, clear, clear_closed, acknowledge, close, to_hazard, … (server alarm event types). */
  event: string;
  alarm: Alarm;
}

function parse(data: string): AlarmLiveEvent | null {
  try {
    const v: unknown = JSON.parse(data);
    if (typeof v !== 'object' || v === null) return null;
    const e = v as Partial<AlarmLiveEvent>;
    return typeof e.event === 'string' && typeof e.alarm === 'object' && e.alarm !== null
      ? (e as AlarmLiveEvent)
      : null;
  } catch {
    return null;
  }
}

/**
 * Live alarm events (SSE `alarm` on /api/events, sent to every user whose jurisdiction covers the enterprise):
 * each one refreshes the monitoring queries (at most every 500 ms) and is handed to `onAlarm`. Returns whether
 * the stream is connected; the browser reconnects by itself and the pages also poll, so nothing is missed.
 */
export function useMonitoringLive(onAlarm?: (e: AlarmLiveEvent) => void): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const handler = useRef(onAlarm);
  handler.current = onAlarm;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/events', { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void qc.invalidateQueries({ queryKey: MONITORING_KEYS.all });
      }, 500);
    };
    const onMessage = (ev: MessageEvent<string>) => {
      const e = parse(ev.data);
      refresh();
      if (e) handler.current?.(e);
    };
    const onOpen = () => {
      setConnected(true);
      // Whatever happened while the stream was down is fetched again.
      refresh();
    };
    const onError = () => setConnected(false);
    es.addEventListener('alarm', onMessage);
    es.addEventListener('open', onOpen);
    es.addEventListener('error', onError);
    return () => {
      if (timer) clearTimeout(timer);
      es.removeEventListener('alarm', onMessage);
      es.removeEventListener('open', onOpen);
      es.removeEventListener('error', onError);
      es.close();
    };
  }, [qc]);
  return connected;
}
