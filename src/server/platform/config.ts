import path from 'node:path';
import { z } from 'zod';

/** Every setting comes from the environment and is parsed here, once. */
const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const ROLE_NAMES = ['api', 'worker', 'scheduler', 'ingest'] as const;

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Prepared statements kept per PostgreSQL connection for the hot reads (db/statements.ts); 0 turns them off. */
  DB_STATEMENT_CACHE: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Old-generation growth past the live heap before a full GC, in percent; 0 = V8's own heuristic (platform/heap.ts). */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(100),
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
    .optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  BASE_URL: z.url('must be an absolute URL such as https://safety.example.gov.cn').optional(),
  DEMO: bool.default(true),
  DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters').default('fangxian-demo'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TILE_URL: z
    .string()
    .regex(/\{z\}.*\{x\}.*\{y\}|\{z\}.*\{y\}.*\{x\}/, 'must be a tile template containing {z}, {x} and {y}')
    .optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  ROLES: z
    .string()
    .default('api,worker,scheduler,ingest')
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(ROLE_NAMES)).min(1)),
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  PGLITE_SOCKET: bool.default(true),
  TZ_DISPLAY: z.string().default('Asia/Shanghai'),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };
export type ProcessRole = (typeof ROLE_NAMES)[number];

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(input[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}
