import { createHash } from 'node:crypto';
import { sparseMode, type SparseMode } from '../kit/index.js';
import { z } from 'zod';
import { stableFraction, stableInt, stablePick } from '../kit/index.js';

/** One sample the simulated Hybrid Analysis has analysed. */
export interface SimulatedSample {
  /** Answer with every field but the sample's sha256 (and the search's `sha256s`) sparse (null / absent). */
  sparse?: SparseMode;
  md5: string;
  sha1: string;
  sha256: string;
  verdict: string | null;
  threat_score: number | null;
  av_detect: number | null;
  vx_family: string | null;
  last_file_name: string;
  type: string;
  type_short: string[];
  size: number;
  tags: string[];
  /** Sandbox environments it ran in (ids; see ENVIRONMENTS). */
  environments: number[];
  analysedHoursAgo: number;
}

export const ENVIRONMENTS: Record<number, string> = {
  100: 'Windows 7 32 bit', 110: 'Windows 7 64 bit', 140: 'Windows 11 64 bit', 160: 'Windows 10 64 bit', 310: 'Linux (Ubuntu 20.04, 64 bit)',
};

const PRESETS = ['malicious', 'suspicious', 'clean', 'not-found'] as const;
type FoundPreset = Exclude<(typeof PRESETS)[number], 'not-found'>;

/** Body of PUT /__sandbox/indicators/:hash: a preset answer, and/or fields overriding it. */
export const sampleOverride = z.strictObject({
  preset: z.enum(PRESETS).optional(),
  verdict: z.enum(['malicious', 'suspicious', 'no specific threat', 'whitelisted', 'no verdict']).nullable().optional(),
  threat_score: z.number().int().min(0).max(100).nullable().optional(),
  av_detect: z.number().int().min(0).max(100).nullable().optional(),
  vx_family: z.string().nullable().optional(),
  last_file_name: z.string().optional(),
  type: z.string().optional(),
  type_short: z.array(z.string()).optional(),
  size: z.number().int().min(0).optional(),
  tags: z.array(z.string()).optional(),
  sparse: sparseMode.optional(),
});
export type SampleOverride = z.infer<typeof sampleOverride>;

export function isSampleHash(value: string): boolean {
  return /^[0-9a-f]+$/i.test(value) && [32, 40, 64].includes(value.length);
}

const FAMILIES = ['Emotet', 'Qakbot', 'AgentTesla', 'Formbook', 'LockBit', 'RedLine'] as const;
const FILE_TYPES = [
  { type: 'PE32 executable (GUI) Intel 80386, for MS Windows', type_short: ['peexe', 'executable'], extension: 'exe' },
  { type: 'PE32+ executable (DLL) (GUI) x86-64, for MS Windows', type_short: ['pedll', 'executable'], extension: 'dll' },
  { type: 'Microsoft Word 2007+', type_short: ['docx', 'office'], extension: 'docx' },
  { type: 'Zip archive data, at least v2.0 to extract', type_short: ['zip'], extension: 'zip' },
] as const;
const FILE_NAMES = ['invoice', 'remittance_advice', 'scan_0042', 'setup', 'Q3_report'] as const;

/**
 * Samples seeded through the control API, and a stable derived answer for other hashes: about 40% unknown (404),
 * the rest split between no specific threat, suspicious and malicious. A sample found by one hash is found by
 * its other two afterwards.
 */
export class HybridAnalysisSamples {
  private readonly seeded = new Map<string, SimulatedSample | 'not-found'>();
  /** Any hash of a sample answered before → its sha256. */
  private readonly known = new Map<string, string>();

  get(hash: string): SimulatedSample | null {
    const sha256 = this.known.get(hash.toLowerCase()) ?? hashesOf(hash).sha256;
    const seeded = this.seeded.get(sha256);
    if (seeded === 'not-found') return null;
    const sample = seeded ?? derive(hash);
    if (sample) this.remember(sample);
    return sample;
  }

  seed(hash: string, override: SampleOverride): SimulatedSample | { notFound: true } {
    const sha256 = this.known.get(hash.toLowerCase()) ?? hashesOf(hash).sha256;
    if (override.preset === 'not-found') {
      this.seeded.set(sha256, 'not-found');
      return { notFound: true };
    }
    const { preset, ...fields } = override;
    const current = this.seeded.get(sha256);
    const base = preset || current === undefined || current === 'not-found'
      ? build(hash, preset ?? foundPreset(hashesOf(hash).sha256))
      : current;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const sample: SimulatedSample = { ...base, ...defined };
    this.seeded.set(sha256, sample);
    this.remember(sample);
    return sample;
  }

  remove(hash: string): void {
    this.seeded.delete(this.known.get(hash.toLowerCase()) ?? hashesOf(hash).sha256);
  }

  list(): Record<string, SimulatedSample | 'not-found'> {
    return Object.fromEntries(this.seeded);
  }

  clear(): void {
    this.seeded.clear();
    this.known.clear();
  }

  private remember(sample: SimulatedSample): void {
    for (const hash of [sample.md5, sample.sha1, sample.sha256]) this.known.set(hash, sample.sha256);
  }
}

/** The other two hashes of a sample first seen by one of them (made up, but the same every time). */
function hashesOf(hash: string): { md5: string; sha1: string; sha256: string } {
  const h = hash.toLowerCase();
  return {
    md5: h.length === 32 ? h : createHash('md5').update(`ha:${h}`).digest('hex'),
    sha1: h.length === 40 ? h : createHash('sha1').update(`ha:${h}`).digest('hex'),
    sha256: h.length === 64 ? h : createHash('sha256').update(`ha:${h}`).digest('hex'),
  };
}

function foundPreset(sha256: string): FoundPreset {
  const draw = stableFraction(sha256, 'ha-standing');
  return draw < 0.65 ? 'clean' : draw < 0.75 ? 'suspicious' : 'malicious';
}

function derive(hash: string): SimulatedSample | null {
  const { sha256 } = hashesOf(hash);
  return stableFraction(sha256, 'ha-standing') < 0.4 ? null : build(hash, foundPreset(sha256));
}

function build(hash: string, preset: FoundPreset): SimulatedSample {
  const hashes = hashesOf(hash);
  const id = hashes.sha256;
  const fileType = stablePick(id, 'type', FILE_TYPES);
  const family = stablePick(id, 'family', FAMILIES);
  const byPreset = {
    malicious: { verdict: 'malicious', threat_score: stableInt(id, 'score', 75, 100), av_detect: stableInt(id, 'av', 40, 90), vx_family: `Trojan.${family}`, tags: [family.toLowerCase()] },
    suspicious: { verdict: 'suspicious', threat_score: stableInt(id, 'score', 30, 74), av_detect: stableInt(id, 'av', 1, 15), vx_family: null, tags: [] },
    clean: { verdict: 'no specific threat', threat_score: stableInt(id, 'score', 0, 20), av_detect: 0, vx_family: null, tags: [] },
  }[preset];
  return {
    ...hashes,
    ...byPreset,
    last_file_name: `${stablePick(id, 'name', FILE_NAMES)}.${fileType.extension}`,
    type: fileType.type,
    type_short: [...fileType.type_short],
    size: stableInt(id, 'size', 15_000, 3_000_000),
    environments: stableFraction(id, 'envs') < 0.5 ? [160] : [160, 100],
    analysedHoursAgo: stableInt(id, 'analysed', 1, 2000),
  };
}
