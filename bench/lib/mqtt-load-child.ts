/**
 * MQTT load generator, run as a child process (so it does not share the event loop of what it measures):
 * one connection per gateway, QoS 1, `{"readings":[…]}` messages of `perMessage` readings.
 *
 * Flow control is end to end: the parent reports how many readings have come out at the far end (stored,
 * received, written) and the child keeps at most `maxOutstanding` readings between "published" and that
 * figure. So a broker's queue never overflows (Mosquitto drops QoS 1 messages beyond `max_queued_messages`),
 * and the rate measured is the rate of the slowest stage. With `ratePerSec` the child publishes at that rate
 * instead (open loop, still capped by `maxOutstanding`), for latency measurements.
 *
 * Sentinel readings (`sentinelEveryMs`): every that many ms one point of `sentinels` gets an excursion value
 * 1.2 + seq / 1e7 (methane alarm level is 1.0, power cut 1.5), followed by 0.3 in its next reading, so each
 * sentinel raises (or reopens) an alarm; the child reports each sentinel's seq and send time (epoch ms with
 * sub-ms precision) so the parent can compute publish-to-alarm latency.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface MqttLoadConfig {
  url: string;
  gateways: { id: string; token: string; topic: string; points: string[] }[];
  perMessage: number;
  /** Epoch ms of the first reading of every point; each next reading of a point is 1 ms later. */
  startTs: number;
  maxOutstanding: number;
  ratePerSec: number | null;
  warmupSec: number;
  seconds: number;
  sentinels: string[];
  sentinelEveryMs: number | null;
}

export type ChildToParent =
  | { type: 'ready' }
  | { type: 'measuring'; published: number }
  | { type: 'sentinel'; seq: number; sentAt: number }
  | {
      type: 'done';
      published: number;
      publishedMeasured: number;
      messages: number;
      maxTsOffset: number;
      cpuPct: number;
      pubackErrors: number;
    };
export type ParentToChild = { type: 'config'; config: MqttLoadConfig } | { type: 'done'; count: number };

const now = () => performance.timeOrigin + performance.now();
const send = (m: ChildToParent) => process.send?.(m);

let doneCount = 0;

async function run(c: MqttLoadConfig) {
  const clients: MqttClient[] = await Promise.all(
    c.gateways.map(
      (g) =>
        new Promise<MqttClient>((resolve, reject) => {
          const cl = mqtt.connect(c.url, {
            clientId: `bench-${g.id.slice(0, 8)}-${process.pid}`,
            username: g.id,
            password: g.token,
            clean: true,
            protocolVersion: 4,
            reconnectPeriod: 0,
            keepalive: 60,
          });
          cl.once('connect', () => resolve(cl));
          cl.once('error', reject);
        }),
    ),
  );
  send({ type: 'ready' });
  const counters = new Map<string, number>();
  // Sentinels in excursion: their readings keep the excursion value for HOLD_MS, then return to normal. Holding
  // it keeps the raise and the clear in different flushes, so the raise's live event carries the excursion value.
  const pending = new Map<string, { value: number; since: number }>();
  const HOLD_MS = 1000;
  let published = 0;
  let messages = 0;
  let maxTsOffset = 0;
  let pubackErrors = 0;
  let seq = 0;
  let nextSentinel = c.sentinelEveryMs ? now() + c.sentinelEveryMs : Number.POSITIVE_INFINITY;
  const cursor = c.gateways.map(() => 0);

  const t0 = now();
  const measureFrom = t0 + c.warmupSec * 1000;
  // One second past the measured window: the parent's window opens when it hears "measuring", a little later.
  const until = measureFrom + (c.seconds + 1) * 1000;
  let publishedAtMeasure = -1;
  const cpu0 = process.cpuUsage();

  function reading(gi: number, forceCode?: string): { point: string; ts: number; value: number } {
    const g = c.gateways[gi];
    if (!g) throw new Error('no gateway');
    const at = cursor[gi] ?? 0;
    cursor[gi] = at + 1;
    const code = forceCode ?? g.points[at % g.points.length] ?? '';
    const k = counters.get(code) ?? 0;
    counters.set(code, k + 1);
    if (k > maxTsOffset) maxTsOffset = k;
    let value = 0.3 + ((k * 7) % 10) / 1000; // methane 0.300–0.309 %: no alarm
    const ex = pending.get(code);
    if (ex && now() - ex.since < HOLD_MS) value = ex.value;
    else if (ex) pending.delete(code);
    return { point: code, ts: c.startTs + k, value };
  }

  function message(gi: number): string {
    const items: { point: string; ts: number; value: number }[] = [];
    const g = c.gateways[gi];
    if (!g) throw new Error('no gateway');
    for (let i = 0; i < c.perMessage; i++) items.push(reading(gi));
    const t = now();
    if (t >= nextSentinel && c.sentinels.length) {
      // A sentinel of this gateway: the gateways' point lists hold the sentinels round robin.
      const free = (p: string) => {
        const e = pending.get(p);
        return !e || t - e.since >= HOLD_MS;
      };
      const code = g.points.find((p) => c.sentinels.includes(p) && free(p));
      if (code) {
        nextSentinel = t + (c.sentinelEveryMs ?? 0);
        seq++;
        const r = reading(gi, code);
        r.value = 1.2 + seq / 1e7;
        pending.set(code, { value: r.value, since: t });
        items[items.length - 1] = r;
        send({ type: 'sentinel', seq, sentAt: t });
      }
    }
    return JSON.stringify({ readings: items });
  }

  await new Promise<void>((resolve) => {
    let stopped = false;
    let inFlight = 0;
    const rateStart = now();
    const pump = () => {
      if (stopped) return;
      const t = now();
      if (publishedAtMeasure < 0 && t >= measureFrom) {
        publishedAtMeasure = published;
        send({ type: 'measuring', published });
      }
      if (t >= until) {
        stopped = true;
        resolve();
        return;
      }
      let allowed =
        c.ratePerSec === null
          ? Number.POSITIVE_INFINITY
          : Math.floor(((t - rateStart) / 1000) * c.ratePerSec) - published;
      let progress = false;
      for (let gi = 0; gi < clients.length && allowed > 0; gi++) {
        const cl = clients[gi];
        if (!cl) continue;
        // Per connection at most 64 messages waiting for their PUBACK, and end to end at most maxOutstanding.
        while (
          allowed > 0 &&
          published - doneCount + c.perMessage <= c.maxOutstanding &&
          inFlight < 64 * clients.length
        ) {
          const g = c.gateways[gi];
          if (!g) break;
          inFlight++;
          cl.publish(g.topic, message(gi), { qos: 1 }, (err) => {
            inFlight--;
            if (err) pubackErrors++;
          });
          published += c.perMessage;
          messages++;
          allowed -= c.perMessage;
          progress = true;
          if (messages % 50 === 0) break; // next connection
        }
      }
      setTimeout(pump, progress ? 0 : 1);
    };
    pump();
  });
  const u = process.cpuUsage(cpu0);
  const cpuPct = Math.round(((u.user + u.system) / 1000 / (now() - t0)) * 100);
  await Promise.all(clients.map((cl) => cl.endAsync(false)));
  send({
    type: 'done',
    published,
    publishedMeasured: published - Math.max(0, publishedAtMeasure),
    messages,
    maxTsOffset,
    cpuPct,
    pubackErrors,
  });
}

process.on('message', (m: ParentToChild) => {
  if (m.type === 'done') doneCount = m.count;
  else if (m.type === 'config') {
    run(m.config).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  }
});
