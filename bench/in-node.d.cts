// Types of in-node.cjs, which runs untranspiled inside Windows node.exe.
import type { NetConClient } from '../src/client';
import type { NativeAddon } from '../src/native';
import type { FakeConnection, FakeSetup } from '../wine/run';

type Configure = (setup: FakeSetup) => void;
type Netcon = Pick<NetConClient, 'listConnections' | 'disconnect'>;
export interface Delay {
  ms: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export function connections(n: number): FakeConnection[];
export function median(xs: number[]): number;
/** The test-only addon's raw COM loops (test/native-helper/), run in the calling thread's MTA. */
export interface RawLoops {
  rawList(progId: string, mode: 'naive' | 'getprops'): number;
  rawDisconnect(progId: string, guid: string): boolean;
}
export function alternate<K extends string>(sides: Record<K, () => unknown>, options: { warmup: number; reps: number }): Promise<Record<K, number[]>>;
export function overhead(
  netcon: Netcon,
  addon: NativeAddon,
  helper: RawLoops,
  progId: string,
  configure: Configure,
  plan: { sizes: { n: number; reps: number }[]; warmup: number },
): Promise<{ n: number; list: number[]; binding: number[]; naive: number[]; getProps: number[]; disconnect: number[]; rawDisconnect: number[] }[]>;
export function listsAgainstRaw(netcon: Netcon, helper: RawLoops, progId: string, options: { warmup: number; reps: number }): Promise<{ netcon: number[]; naive: number[]; getProps: number[] }>;
export function eventLoop(
  netcon: Netcon,
  configure: Configure,
  plan: { idleMs: number; delayMs: number; listN: number; listMs: number },
): Promise<{ idle: Delay; slowDisconnect: Delay & { callMs: number }; lists: Delay & { calls: number; n: number } }>;
export function concurrency(
  netcon: Netcon,
  configure: Configure,
  plan: { n: number; levels: number[]; ops: number },
): Promise<{ concurrency: number; n: number; ops: number; ms: number; opsPerSecond: number }[]>;
export function allocation(call: () => Promise<unknown>, ops: number): Promise<{ ops: number; bytesPerOp: number; gcs: number }>;
export function spawnCost(
  netcon: Netcon,
  configure: Configure,
  plan: { wine: boolean; rawComExe: string; progId: string; machine: FakeConnection[]; warmup: number; reps: number },
): Promise<{ netconListMs: number; children: { label: string; medianMs: number; ratio: number }[] }>;
export function detailsCost(
  netcon: Netcon,
  addon: NativeAddon,
  configure: Configure,
  plan: { sizes: number[]; warmup: number; reps: number },
): Promise<{ n: number; adapters: number; joined: number; plain: number[]; detailed: number[] }[]>;
export interface FirstCall {
  root: string;
  reps: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Connections the first list returned. */
  count: number;
  /** The DLLs require() and the first list loaded, by file name, lower case. */
  added: string[];
}
export function firstCall(roots: string[], plan: { reps: number }): FirstCall[];
