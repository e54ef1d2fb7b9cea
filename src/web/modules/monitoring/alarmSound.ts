import { SEVERITIES, type Severity } from '../../../core/monitoring';

/**
 * The alarm sound of the live screens: which live alarm events call for it, the user's preferences (kept in
 * localStorage), and a short tone generated with the Web Audio API (no audio file). Browsers keep an
 * AudioContext suspended until the user has interacted with the page; `audioState()` tells the screens so they
 * can offer an "enable sound" button, whose click (`unlockAudio`) is that interaction.
 */

export type SoundScope = 'highest' | 'all';
export interface SoundPrefs {
  muted: boolean;
  /** 'highest': only new alarms of the highest severity (red); 'all': every new alarm. */
  scope: SoundScope;
}

export const SOUND_PREFS_KEY = 'fx.monitoring.sound';
export const DEFAULT_SOUND_PREFS: SoundPrefs = { muted: false, scope: 'highest' };
export const HIGHEST_SEVERITY: Severity = Math.max(...SEVERITIES) as Severity;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): Store | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled: the preferences last for this page only
  }
}

export function readSoundPrefs(store: Store | null = browserStorage()): SoundPrefs {
  try {
    const v: unknown = JSON.parse(store?.getItem(SOUND_PREFS_KEY) ?? 'null');
    if (typeof v !== 'object' || v === null) return DEFAULT_SOUND_PREFS;
    const o = v as Record<string, unknown>;
    return {
      muted: typeof o.muted === 'boolean' ? o.muted : DEFAULT_SOUND_PREFS.muted,
      scope: o.scope === 'all' || o.scope === 'highest' ? o.scope : DEFAULT_SOUND_PREFS.scope,
    };
  } catch {
    return DEFAULT_SOUND_PREFS;
  }
}

export function writeSoundPrefs(prefs: SoundPrefs, store: Store | null = browserStorage()): void {
  try {
    store?.setItem(SOUND_PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // quota or private mode: the choice lasts for this page only
  }
}

/** A live event that announces a NEW alarm: raised, or raised again after it had cleared. */
export function isNewAlarmEvent(event: string): boolean {
  return event === 'raise' || event === 'return';
}

/** Whether a live alarm event calls for the sound and the notification, under the user's scope. */
export function shouldAnnounce(e: { event: string; alarm: { severity: number } }, scope: SoundScope): boolean {
  return isNewAlarmEvent(e.event) && (scope === 'all' || e.alarm.severity >= HIGHEST_SEVERITY);
}

// ── Web Audio ──────────────────────────────────────────────────────────────────────────────────────────────

export type AudioState = 'unsupported' | 'suspended' | 'running' | 'closed';

let context: AudioContext | null = null;
const listeners = new Set<() => void>();

function audioContext(): AudioContext | null {
  if (context) return context;
  if (typeof window === 'undefined' || typeof window.AudioContext === 'undefined') return null;
  context = new window.AudioContext();
  context.addEventListener('statechange', () => {
    for (const l of listeners) l();
  });
  return context;
}

/** For `useSyncExternalStore`: the page's one AudioContext changes state (suspended → running). */
export function subscribeAudio(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function audioState(): AudioState {
  const c = audioContext();
  if (!c) return 'unsupported';
  return c.state === 'interrupted' ? 'suspended' : c.state;
}

/** Call from a click: resumes the AudioContext (the user's gesture is what the browser waits for). */
export async function unlockAudio(): Promise<boolean> {
  const c = audioContext();
  if (!c) return false;
  if (c.state !== 'running') await c.resume();
  return c.state === 'running';
}

/**
 * A short two-tone alarm (about 0.9 s): three pairs of 880/660 Hz beeps for the highest severity, one pair
 * otherwise. Returns false when the browser has not allowed audio yet.
 */
export function playAlarmTone(severity: number): boolean {
  const c = audioContext();
  if (c?.state !== 'running') return false;
  const pairs = severity >= HIGHEST_SEVERITY ? 3 : 1;
  const beep = 0.14;
  const start = c.currentTime + 0.02;
  for (let i = 0; i < pairs * 2; i++) {
    const at = start + i * (beep + 0.01);
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = 'square';
    osc.frequency.value = i % 2 === 0 ? 880 : 660;
    // A quick attack and release: no click at either end.
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.15, at + 0.01);
    gain.gain.setValueAtTime(0.15, at + beep - 0.02);
    gain.gain.linearRampToValueAtTime(0, at + beep);
    osc.connect(gain).connect(c.destination);
    osc.start(at);
    osc.stop(at + beep + 0.01);
  }
  return true;
}
