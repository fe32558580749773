export interface Target {
  toolchain: string;
  /** The compiler that must be installed; absent when npm ci brings it. */
  compiler?: string;
  from: string;
  machine: number;
  delayImportDirectory: boolean;
}
export const TARGETS: Record<string, Target>;
export const TEST_BUILDS: Record<string, Target>;
export function prebuildPath(root: string, arch: string): string;
export function testBuildPath(root: string, name: string): string;
