// util.parseArgs as Node 16.17 has it (backported from 18.3), for tsconfig.node16.json only:
// @types/node 16 never declared it. Only what 16.17 reads: `default` came in 16.19 and
// `allowNegative` in 20.16, so using either fails this check. tsconfig.json types the rest
// precisely with @types/node 20.
declare module 'util' {
  interface ParseArgsOptionConfig16 {
    type: 'string' | 'boolean';
    multiple?: boolean;
    short?: string;
    default?: never;
  }
  interface ParseArgsConfig16 {
    args?: string[];
    options?: Record<string, ParseArgsOptionConfig16>;
    strict?: boolean;
    allowPositionals?: boolean;
    tokens?: boolean;
    allowNegative?: never;
  }
  type ParsedValue16<O extends ParseArgsOptionConfig16> = O['type'] extends 'boolean'
    ? O['multiple'] extends true ? boolean[] : boolean
    : O['multiple'] extends true ? string[] : string;
  function parseArgs<T extends ParseArgsConfig16>(
    config?: T,
  ): {
    values: { [K in keyof NonNullable<T['options']>]?: ParsedValue16<NonNullable<T['options']>[K]> };
    positionals: string[];
    /** With `tokens: true` (16.17 has it). */
    tokens: { kind: 'option' | 'positional' | 'option-terminator'; index: number }[];
  };
}
