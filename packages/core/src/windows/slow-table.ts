// Internal: the per-slot slow-call tables of CountWindow (flags) and TimeWindow (counts) are rows
// of `capacity` columns, one column per learned threshold, grown by doubling when a threshold is
// learned past the capacity.

/** The capacity after growing from `capacity`: 4, then doubling. */
export function grownCapacity(capacity: number): number {
  return capacity === 0 ? 4 : capacity * 2;
}

/**
 * Copies `old` (`rows` rows of `oldCapacity` columns) into `table`, whose rows are `capacity`
 * columns wide. O(rows × oldCapacity), once per learned threshold.
 */
export function copyRows(
  old: Uint8Array | Float64Array,
  table: Uint8Array | Float64Array,
  rows: number,
  oldCapacity: number,
  capacity: number,
): void {
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < oldCapacity; column++) {
      table[row * capacity + column] = old[row * oldCapacity + column] as number;
    }
  }
}
