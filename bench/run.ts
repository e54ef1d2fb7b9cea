/**
 * Runs every benchmark, writes bench/results/<name>.json for each and regenerates bench/results/README.md.
 * Options come from the environment (see docs/performance.md); BENCH_ONLY=name,name runs a subset.
 */
import { benchEnterprises, optionsFromEnv } from './enterprises.js';
import { benchHazards, hazardOptionsFromEnv } from './hazards.js';
import { benchIngest, optionsFromEnv as ingestOptionsFromEnv } from './ingest.js';
import { type BenchResult, writeReadme, writeResult } from './lib/report.js';

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  enterprises: () => benchEnterprises(optionsFromEnv()),
  ingest: () => benchIngest(ingestOptionsFromEnv()),
  hazards: () => benchHazards(hazardOptionsFromEnv()),
};

async function main() {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`== ${name}\n`);
    const file = writeResult(await run());
    process.stderr.write(`wrote ${file}\n`);
  }
  process.stderr.write(`wrote ${writeReadme()}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
