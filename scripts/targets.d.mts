export interface Target {
  toolchain: string;
  compiler: string;
  from: string;
  machine: number;
}
export const TARGETS: Record<string, Target>;
export function prebuildPath(root: string, arch: string): string;
