import { MutedOutlined, SoundOutlined } from '@ant-design/icons';
import { App, Button, Select, Tooltip } from 'antd';
import { type HTMLAttributes, useCallback, useRef, useState, useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router';
import { pickLang, useLang, useT } from '../../../app/i18n';
import {
  audioState,
  playAlarmTone,
  readSoundPrefs,
  type SoundPrefs,
  type SoundScope,
  shouldAnnounce,
  subscribeAudio,
  unlockAudio,
  writeSoundPrefs,
} from '../alarmSound';
import type { AlarmLiveEvent } from '../useMonitoringLive';
import { formatValue } from './tags';
import '../monitoring.css';

/** Alarms already announced on this page (an alarm raised again after clearing is a new announcement). */
const announced = new Set<string>();

/**
 * The alarm sound of a live screen: call `announce` with each live alarm event; a new alarm within the user's
 * scope shows a notification and, unless muted and once the browser allows audio, plays the tone.
 */
export function useAlarmSound() {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  const [prefs, setPrefsState] = useState<SoundPrefs>(readSoundPrefs);
  const [plays, setPlays] = useState(0);
  const state = useSyncExternalStore(subscribeAudio, audioState, () => 'unsupported' as const);
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;

  const setPrefs = useCallback((next: SoundPrefs) => {
    setPrefsState(next);
    writeSoundPrefs(next);
  }, []);

  const announce = useCallback(
    (e: AlarmLiveEvent) => {
      const p = prefsRef.current;
      if (!shouldAnnounce(e, p.scope)) return;
      const key = `${e.alarm.id}:${e.alarm.count}`;
      if (announced.has(key)) return;
      announced.add(key);
      const a = e.alarm;
      notification.open({
        key: a.id,
        type: a.severity >= 4 ? 'error' : 'warning',
        title: t('monitoring.sound.newAlarm', { rule: pickLang(lang, a.ruleName.zh, a.ruleName.en) }),
        description: t('monitoring.sound.body', {
          enterprise: a.enterpriseName ?? '',
          point: a.point ? `${a.point.name} (${a.point.code})` : '',
          value: formatValue(a.lastValue ?? a.peakValue, a.point?.unit ?? ''),
        }),
        duration: 15,
        // Below: the page's own toasts (notifications module) and the sound controls stay uncovered at the top.
        placement: 'bottomRight',
        props: { 'data-testid': `alarm-notification-${a.code}` } as HTMLAttributes<HTMLDivElement>,
        onClick: () => navigate(`/monitoring/alarms/${a.id}`),
      });
      if (!p.muted && playAlarmTone(a.severity)) setPlays((n) => n + 1);
    },
    [lang, navigate, notification, t],
  );

  return { prefs, setPrefs, state, plays, announce };
}

/** Mute, scope and — until the browser allows audio — the "enable sound" button. */
export function AlarmSoundControl({ sound }: { sound: ReturnType<typeof useAlarmSound> }) {
  const t = useT();
  const { prefs, setPrefs, state, plays } = sound;
  if (state === 'unsupported') return null;
  const needsGesture = !prefs.muted && state !== 'running';
  return (
    <span
      className="fx-mon-sound"
      data-testid="alarm-sound"
      data-state={state}
      data-muted={String(prefs.muted)}
      data-plays={plays}
    >
      {needsGesture && (
        <Tooltip title={t('monitoring.sound.enableHint')}>
          <Button
            size="small"
            type="primary"
            ghost
            icon={<SoundOutlined />}
            data-testid="sound-enable"
            onClick={() => void unlockAudio().then((ok) => ok && playAlarmTone(1))}
          >
            {t('monitoring.sound.enable')}
          </Button>
        </Tooltip>
      )}
      <Tooltip title={prefs.muted ? t('monitoring.sound.unmute') : t('monitoring.sound.mute')}>
        <Button
          size="small"
          type="text"
          icon={prefs.muted ? <MutedOutlined /> : <SoundOutlined />}
          aria-label={prefs.muted ? t('monitoring.sound.unmute') : t('monitoring.sound.mute')}
          aria-pressed={prefs.muted}
          data-testid="sound-mute"
          onClick={() => setPrefs({ ...prefs, muted: !prefs.muted })}
        />
      </Tooltip>
      <Select<SoundScope>
        size="small"
        value={prefs.scope}
        onChange={(scope) => setPrefs({ ...prefs, scope })}
        options={[
          { value: 'highest', label: t('monitoring.sound.scopeHighest') },
          { value: 'all', label: t('monitoring.sound.scopeAll') },
        ]}
        popupMatchSelectWidth={false}
        data-testid="sound-scope"
        aria-label={t('monitoring.sound.scopeAll')}
      />
    </span>
  );
}
