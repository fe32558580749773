export interface Target {
  toolchain: string;
  /** The compiler that must be installed; absent when npm ci brings it. */
  compiler?: string;
  /** Built with Zig, which the build fetches. */
  zig?: boolean;
  from: string;
  machine: number;
  delayImportDirectory: boolean;
}
export const ZIG: { version: string; package(platform: string, arch: string): string };
export const TARGETS: Record<string, Target>;
export const TEST_BUILDS: Record<string, Target>;
export function prebuildPath(root: string, arch: string): string;
export function testBuildPath(root: string, name: string): string;
export function zigPath(root: string): string;
