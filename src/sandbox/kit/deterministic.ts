import { createHash } from 'node:crypto';

/**
 * A stable pseudo-random fraction in [0, 1) for a value: a simulator derives the same answer for the same
 * indicator on every run, so tests and demos can rely on it without seeding. `salt` gives independent draws.
 */
export function stableFraction(value: string, salt = ''): number {
  return createHash('sha256').update(`${salt}\u0000${value}`).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/** A stable integer in [min, max] for a value (see `stableFraction`). */
export function stableInt(value: string, salt: string, min: number, max: number): number {
  return min + Math.floor(stableFraction(value, salt) * (max - min + 1));
}

/** Picks one of `options` stably for a value. */
export function stablePick<T>(value: string, salt: string, options: readonly T[]): T {
  return options[stableInt(value, salt, 0, options.length - 1)]!;
}
