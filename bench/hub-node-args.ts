/**
 * Node arguments of a benchmarked hub process: the V8 heap cap `npm start` uses (SOCGRAPH_HEAP_MB, default 192 MB)
 * and, with BENCH_HUB_PROFILE_DIR, a CPU profile written there; BENCH_HUB_NODE_ARGS adds more (space-separated, e.g. `--trace-gc`).
 */
export function hubNodeArgs(): string[] {
  const heap = `--max-old-space-size=${process.env.SOCGRAPH_HEAP_MB ?? 192}`;
  const profile = process.env.BENCH_HUB_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HUB_PROFILE_DIR}`] : [];
  const extra = process.env.BENCH_HUB_NODE_ARGS ? process.env.BENCH_HUB_NODE_ARGS.split(' ').filter(Boolean) : [];
  return [heap, ...profile, ...extra];
}
