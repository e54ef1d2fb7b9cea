import { describe, expect, it } from 'vitest';
import { DEFAULT_SOUND_PREFS, readSoundPrefs, SOUND_PREFS_KEY, shouldAnnounce, writeSoundPrefs } from './alarmSound';
import type { MonitoringPoint } from './api';
import { createBody, definitionProblem, EMPTY_POINT_FORM, formFromPoint, overridesOf, updateBody } from './pointForm';

function memoryStore(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('alarm sound', () => {
  it('announces new alarms of the highest severity, or every new alarm when the user chose so', () => {
    const ev = (event: string, severity: number) => ({ event, alarm: { severity } });
    expect(shouldAnnounce(ev('raise', 4), 'highest')).toBe(true);
    expect(shouldAnnounce(ev('return', 4), 'highest')).toBe(true);
    expect(shouldAnnounce(ev('raise', 3), 'highest')).toBe(false);
    expect(shouldAnnounce(ev('raise', 1), 'all')).toBe(true);
    // Updates, clearing, acknowledgement are not new alarms, whatever their severity.
    for (const e of ['update', 'clear', 'acknowledge', 'close', 'escalated']) {
      expect(shouldAnnounce(ev(e, 4), 'all'), e).toBe(false);
    }
  });

  it('remembers mute and scope, and falls back to the defaults on anything unreadable', () => {
    expect(readSoundPrefs(memoryStore())).toEqual(DEFAULT_SOUND_PREFS);
    expect(readSoundPrefs(memoryStore({ [SOUND_PREFS_KEY]: '{not json' }))).toEqual(DEFAULT_SOUND_PREFS);
    expect(readSoundPrefs(memoryStore({ [SOUND_PREFS_KEY]: '{"muted":"yes","scope":"loud"}' }))).toEqual(
      DEFAULT_SOUND_PREFS,
    );
    expect(readSoundPrefs(null)).toEqual(DEFAULT_SOUND_PREFS);
    const store = memoryStore();
    writeSoundPrefs({ muted: true, scope: 'all' }, store);
    expect(readSoundPrefs(store)).toEqual({ muted: true, scope: 'all' });
  });
});

describe('point form', () => {
  it('sends an override only for a filled input, null for a threshold switched off', () => {
    expect(
      overridesOf({
        thresholds: { high: 0.8, highHigh: null, deadband: 0.05 },
        removed: { restore: true, high: false },
        bound: '',
      }),
    ).toEqual({ high: 0.8, deadband: 0.05, restore: null });
    expect(overridesOf({ thresholds: {}, removed: {}, bound: 'exceed' })).toEqual({ bound: 'exceed' });
  });

  it('reads a point back into the form and writes the same definition', () => {
    const point = {
      id: '0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      enterpriseId: '1b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      code: 'CH4-1301',
      name: '1301 工作面 T1',
      kind: 'methane',
      unit: '%',
      installation: null,
      location: '1301 工作面',
      lng: 112.4,
      lat: 35.5,
      rangeMin: 0,
      rangeMax: 4,
      intervalSeconds: 10,
      template: 'coal-ch4-working-face',
      templateUncertain: false,
      thresholds: { high: 0.8, restore: null, persistSeconds: 5 },
      effectiveThresholds: null,
      flatlineSeconds: 600,
      flatlineTolerance: 0.01,
      rateWindowSeconds: null,
      severities: { high: 4 },
      active: true,
      version: 3,
      status: null,
    } satisfies MonitoringPoint;
    const v = formFromPoint(point);
    expect(v.removed).toEqual({ restore: true });
    const body = updateBody(point.version, v);
    expect(body).toMatchObject({
      version: 3,
      template: 'coal-ch4-working-face',
      thresholds: point.thresholds,
      severities: { high: 4 },
      installation: null,
      flatlineSeconds: 600,
      active: true,
    });
    expect(createBody(point.enterpriseId, { ...v, code: ' CH4-9 ' })).toMatchObject({ code: 'CH4-9', kind: 'methane' });
  });

  it("finds the problem the server's compilePoint would name, on the field it names", () => {
    const base = { ...EMPTY_POINT_FORM, code: 'X', name: 'x', kind: 'methane' as const };
    expect(definitionProblem({ ...base, template: 'coal-ch4-working-face' })).toBeNull();
    expect(definitionProblem({ ...base, template: 'coal-ch4-working-face', thresholds: { high: 2 } })).toEqual({
      path: ['thresholds', 'high'],
      message: 'thresholds.inconsistent',
    });
    expect(definitionProblem({ ...base, kind: 'liquid_level', template: 'tank-level' })).toEqual({
      path: ['thresholds', 'high'],
      message: 'thresholds.missing',
    });
    expect(definitionProblem({ ...base, rangeMin: 5, rangeMax: 1 })).toEqual({
      path: ['rangeMin'],
      message: 'point.invalid',
    });
    expect(definitionProblem({ ...base, template: 'no-such' })).toEqual({
      path: ['template'],
      message: 'template.unknown',
    });
  });
});
