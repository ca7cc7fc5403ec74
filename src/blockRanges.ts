/**
 * The most blocks one `eth_getLogs` request spans. Besu refuses wider ranges (its `--rpc-max-logs-range`, 1000
 * blocks when it was introduced in 22.10.3), so longer ranges are read in chunks of this size.
 */
export const DEFAULT_MAX_LOGS_RANGE = 1_000;

/**
 * `[fromBlock, toBlock]` as consecutive inclusive spans of at most `size` blocks, in chain order: the requests a
 * log reader sends one after another.
 */
export function blockRanges(fromBlock: number, toBlock: number, size: number): [number, number][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`a block range size must be at least 1, got ${size}`);
  const ranges: [number, number][] = [];
  for (let start = fromBlock; start <= toBlock; start += size)
    ranges.push([start, Math.min(start + size - 1, toBlock)]);
  return ranges;
}
