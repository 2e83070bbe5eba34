/**
 * The benchmark runner behind `npm run bench -- <scenario> [--smoke]`. It states the machine, runs one
 * scenario (Hajime and its baseline in the same run), prints its tables and target checks, and prints one
 * JSON object with every figure as the last line of stdout, for scripts and CI. Progress goes to stderr.
 *
 * @example
 * npm run bench -- actor            # full sizes, about a minute
 * npm run bench -- actor --smoke    # tiny sizes, a few seconds (what CI and the smoke test run)
 * npm run bench -- ws-heartbeat     # Hajime's /ws gateway vs a bare ws server, about a minute and a half
 * node --expose-gc benchmarks/dist/run.js --list
 */
import { describeMachine, formatMachine } from './lib/machine.js';
import type { ScenarioReport } from './lib/scenario.js';
import { formatTable } from './lib/table.js';
import { SCENARIOS, findScenario } from './scenarios.js';

const USAGE = `usage: npm run bench -- <scenario> [--smoke]
       node --expose-gc benchmarks/dist/run.js <scenario> [--smoke] | --list

  --smoke   tiny sizes and two runs per contender; finishes in a few seconds
  --list    print the scenarios and exit

scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(12)} ${s.description}`).join('\n')}`;

function printReport(report: ScenarioReport, smoke: boolean): void {
  for (const table of report.tables) console.log(`\n${formatTable(table)}`);
  console.log(
    `\n${formatTable({
      title: 'Targets',
      headers: ['target', 'measured', ''],
      rows: report.targets.map((t) => [t.target, t.measured, t.status === 'met' ? 'met' : t.status === 'missed' ? 'MISSED' : 'skipped']),
      ...(smoke ? { notes: ['smoke run: sizes are too small (and the JIT too cold) for these verdicts to mean anything'] } : {}),
    })}\n`,
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('-')));
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknown = [...flags].filter((f) => !['--smoke', '--list', '--help', '-h'].includes(f));
  if (flags.has('--help') || flags.has('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (flags.has('--list')) {
    for (const s of SCENARIOS) console.log(`${s.name}\t${s.description}`);
    return 0;
  }
  if (unknown.length > 0 || names.length !== 1) {
    console.error(unknown.length > 0 ? `unknown option ${unknown.join(', ')}\n` : 'name exactly one scenario\n');
    console.error(USAGE);
    return 2;
  }
  const scenario = findScenario(names[0]!);
  if (scenario === undefined) {
    console.error(`no scenario named "${names[0]}"\n`);
    console.error(USAGE);
    return 2;
  }
  const smoke = flags.has('--smoke');
  const machine = describeMachine();
  console.log(`Hajime benchmark: ${scenario.name}${smoke ? ' (smoke: tiny sizes, figures are not meaningful)' : ''}`);
  console.log(scenario.description);
  console.log(`machine: ${formatMachine(machine)}`);

  const t0 = performance.now();
  const report = await scenario.run({ smoke, progress: (line) => process.stderr.write(`  ${scenario.name}: ${line}\n`) });
  const seconds = (performance.now() - t0) / 1000;
  printReport(report, smoke);
  console.log(`finished in ${seconds.toFixed(1)} s`);
  console.log(JSON.stringify({ scenario: scenario.name, smoke, machine, seconds: Math.round(seconds * 10) / 10, ...report.figures }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
