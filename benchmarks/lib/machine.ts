/**
 * The machine a benchmark ran on, stated with every result: figures from different machines (or from a
 * busy shared one) are not comparable, and a reader needs to know which they are looking at.
 */
import { availableParallelism, cpus, platform, arch, totalmem, release } from 'node:os';
import { getHeapStatistics } from 'node:v8';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gb: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  readonly heap_limit_mb: number;
}

/** Describes this machine and this Node process. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    v8: process.versions.v8,
    heap_limit_mb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  };
}

/** One line for people, e.g. `AMD EPYC, 2 cores, 23.5 GiB RAM, linux 6.1 x64, Node v20.20.2 (V8 11.3), heap limit 4144 MiB`. */
export function formatMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memory_gb} GiB RAM, ${m.os}, Node ${m.node} (V8 ${m.v8}), heap limit ${m.heap_limit_mb} MiB`;
}
