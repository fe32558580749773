// The CLI's exit codes, in one place so the docs, the CLI and its tests agree.

/** Exit status of the `netcon` command. */
export const EXIT_CODES = Object.freeze({
  /** The command did what was asked. */
  OK: 0,
  /** Any failure not listed below (e.g. a COM error other than E_ACCESSDENIED). */
  FAILURE: 1,
  /** Bad command line or invalid name/GUID. */
  USAGE: 2,
  /** ERR_CONNECTION_NOT_FOUND */
  CONNECTION_NOT_FOUND: 3,
  /** ERR_AMBIGUOUS_CONNECTION */
  AMBIGUOUS_CONNECTION: 4,
  /** E_ACCESSDENIED or ERROR_ELEVATION_REQUIRED: run it elevated. */
  ACCESS_DENIED: 5,
  /** ERR_UNSUPPORTED_PLATFORM or ERR_NATIVE_MODULE_LOAD: netcon cannot run here at all. */
  UNSUPPORTED: 6,
  /** ERR_TIMEOUT: --timeout ran out before Windows answered, or --wait before it reported the connection down/up. */
  TIMEOUT: 7,
  /** `netcon doctor` found a check that fails: netcon cannot work here as things are (ERR_UNSUPPORTED_PLATFORM and ERR_NATIVE_MODULE_LOAD still give 6). */
  DOCTOR_FAILED: 8,
  /** `netcon offline`: a connection it took down did not come back (`netcon offline --restore` tries again). */
  NOT_RESTORED: 9,
} as const);

const BY_ERROR_CODE: Readonly<Record<string, number>> = Object.freeze({
  ERR_USAGE: EXIT_CODES.USAGE,
  ERR_INVALID_ARG_TYPE: EXIT_CODES.USAGE,
  ERR_INVALID_ARG_VALUE: EXIT_CODES.USAGE,
  ERR_CONNECTION_NOT_FOUND: EXIT_CODES.CONNECTION_NOT_FOUND,
  ERR_AMBIGUOUS_CONNECTION: EXIT_CODES.AMBIGUOUS_CONNECTION,
  E_ACCESSDENIED: EXIT_CODES.ACCESS_DENIED,
  ERROR_ELEVATION_REQUIRED: EXIT_CODES.ACCESS_DENIED,
  ERR_UNSUPPORTED_PLATFORM: EXIT_CODES.UNSUPPORTED,
  ERR_NATIVE_MODULE_LOAD: EXIT_CODES.UNSUPPORTED,
  ERR_TIMEOUT: EXIT_CODES.TIMEOUT,
});

/** The exit status for an error's `code` (util.parseArgs' ERR_PARSE_ARGS_* codes are usage errors). */
export function exitCodeFor(errorCode: string | undefined): number {
  if (errorCode === undefined) return EXIT_CODES.FAILURE;
  if (errorCode.startsWith('ERR_PARSE_ARGS_')) return EXIT_CODES.USAGE;
  return Object.prototype.hasOwnProperty.call(BY_ERROR_CODE, errorCode) ? BY_ERROR_CODE[errorCode] : EXIT_CODES.FAILURE;
}
