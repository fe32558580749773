// diagnose() and `netcon doctor`: "will netcon work here, and if not, why", read-only. The
// addon reads the facts (native/diagnose.cc); this file judges them, one check per line, each
// ok, warn or fail with a fix. A trial list proves the whole path.
import type { Backend } from './backend';
import type { NetConnection } from './connection';
import { DEFAULT_PROG_ID } from './defaults';
import { CallTimeoutError, NativeModuleLoadError, NetConAbortError, UnsupportedPlatformError } from './errors';
import { HRESULTS } from './hresults';
import { hresultToHex } from './messages';
import type { NativeApartment, NativeDiagnosis } from './native';
import { guidePath } from './package-root';

/** How a check came out: `'fail'` means netcon cannot work here until it is fixed. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of a diagnosis. */
export interface DiagnosisCheck {
  /** What was checked: `'platform'`, `'windows'`, `'architecture'`, `'runtime'`, `'binary'`, `'com-class'`, `'service'`, `'elevation'`, `'apartment'`, `'trial-list'`. */
  readonly check: string;
  /** `'fail'`: netcon cannot work here until it is fixed; `'warn'`: it can, with the limit `summary` names. */
  readonly status: CheckStatus;
  /** What was found, on one line. */
  readonly summary: string;
  /** What to do about a warn or fail. */
  readonly fix?: string;
}

/** What diagnose() resolves with. */
export interface Diagnosis {
  /** True when no check failed: netcon can work here. */
  readonly ok: boolean;
  /** Every check, in this order: platform or windows, architecture, runtime, binary, com-class, service, elevation, apartment, trial-list. */
  readonly checks: readonly DiagnosisCheck[];
}

/** What diagnose() needs from the client it belongs to. */
export interface DiagnoseContext {
  readonly progId: string;
  /** The backend, or the error that says why there is none (not Windows, the addon not loadable). */
  readonly backend: () => Backend;
  /** The machine's facts, within the call's deadline. */
  readonly facts: (backend: Backend) => Promise<NativeDiagnosis | Error>;
  /** The trial list, within what is left of the deadline. */
  readonly trialList: (backend: Backend) => Promise<NetConnection[]>;
}

const NODE_API_NEEDED = 8;
const NODE_NEEDED = [16, 17] as const;
const ERROR_SERVICE_DOES_NOT_EXIST = 1060;
const ERROR_ACCESS_DENIED = 5;
const SERVICE_DISABLED = 4;
const SERVICE_RUNNING = 4;
const START_TYPES: Record<number, string> = { 0: 'boot', 1: 'system', 2: 'automatic', 3: 'manual', 4: 'disabled' };
const SERVICE_STATES: Record<number, string> = { 1: 'stopped', 2: 'starting', 3: 'stopping', 4: 'running', 5: 'resuming', 6: 'pausing', 7: 'paused' };
const APARTMENTS: Record<number, string> = { 0: 'an STA', 1: 'the MTA', 2: 'the neutral apartment', 3: 'the main STA' };

const ok = (check: string, summary: string): DiagnosisCheck => ({ check, status: 'ok', summary });
const warn = (check: string, summary: string, fix: string): DiagnosisCheck => ({ check, status: 'warn', summary, fix });
const fail = (check: string, summary: string, fix: string): DiagnosisCheck => ({ check, status: 'fail', summary, fix });

// The order a diagnosis lists its checks in: from the machine up to the trial list.
const ORDER = ['platform', 'windows', 'architecture', 'runtime', 'binary', 'com-class', 'service', 'elevation', 'apartment', 'trial-list'];

/** Runs every check; rejects only when the call's signal aborts. */
export async function diagnoseWith(context: DiagnoseContext): Promise<Diagnosis> {
  const checks: DiagnosisCheck[] = [];
  const done = (): Diagnosis => {
    checks.sort((a, b) => ORDER.indexOf(a.check) - ORDER.indexOf(b.check));
    return { ok: !checks.some((c) => c.status === 'fail'), checks };
  };

  let backend: Backend;
  try {
    backend = context.backend();
  } catch (error) {
    if (error instanceof UnsupportedPlatformError) {
      checks.push(fail('platform', `${error.platform}: netcon works only on Windows`, 'Run it on Windows. Elsewhere netcon imports, and every call rejects with ERR_UNSUPPORTED_PLATFORM.'));
      return done();
    }
    if (!(error instanceof NativeModuleLoadError)) throw error;
    const [summary, ...fixes] = error.message.split('\n');
    checks.push(runtimeCheck(), fail('binary', summary, fixes.filter((line) => line.startsWith('- ')).map((line) => line.slice(2)).join(' ')));
    return done();
  }
  checks.push(runtimeCheck(), apartmentCheck(backend.apartment()));

  const facts = await context.facts(backend);
  if (facts instanceof NetConAbortError) throw facts;
  if (facts instanceof Error) {
    const why = facts instanceof CallTimeoutError ? 'Windows did not answer in time' : facts.message;
    checks.push(fail('windows', `could not read the machine's facts: ${why}`, 'The registry or the service control manager is stuck; restart the machine.'));
  } else {
    checks.push(windowsCheck(facts), architectureCheck(facts), binaryCheck(facts), comClassCheck(facts, context.progId), elevationCheck(facts));
  }

  const started = performance.now();
  let listWorked = false;
  try {
    const connections = await context.trialList(backend);
    const ms = Math.round(performance.now() - started);
    listWorked = true;
    checks.push(
      connections.length === 0
        ? warn('trial-list', `listConnections() found no connections (${ms} ms)`, 'Windows shows none to this process; VPN and dial-up entries need initializeComSecurity() at start-up.')
        : ok('trial-list', `listConnections() found ${connections.length} connection${connections.length === 1 ? '' : 's'} in ${ms} ms`),
    );
  } catch (error) {
    if (error instanceof NetConAbortError) throw error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    checks.push(fail('trial-list', `listConnections() failed: ${typeof code === 'string' ? `${code}: ` : ''}${message}`, `See the other checks, and ${guidePath('errors.md')} for this code.`));
  }
  if (!(facts instanceof Error)) checks.push(serviceCheck(facts, context.progId, listWorked));
  return done();
}

function runtimeCheck(): DiagnosisCheck {
  const { node, electron, napi } = process.versions as NodeJS.ProcessVersions & { electron?: string };
  const host = electron ? `Electron ${electron} (Node ${node})` : `Node ${node}`;
  const summary = `${host}, Node-API ${napi ?? 'unknown'}`;
  if (Number(napi) < NODE_API_NEEDED) return fail('runtime', summary, `netcon needs Node-API ${NODE_API_NEEDED}: Node 16.17+ or Electron 22+.`);
  const [major, minor] = node.split('.').map(Number);
  if (major < NODE_NEEDED[0] || (major === NODE_NEEDED[0] && minor < NODE_NEEDED[1])) {
    return fail('runtime', summary, 'netcon needs Node 16.17 or later (Electron 22 or later).');
  }
  return ok('runtime', summary);
}

function windowsName({ windowsMajor: major, windowsMinor: minor, windowsBuild: build }: NativeDiagnosis): string {
  const version = `${major}.${minor}.${build}`;
  const name = major === 6 ? { 0: 'Vista', 1: '7', 2: '8', 3: '8.1' }[minor] : major === 10 ? (build >= 22000 ? '11' : '10') : undefined;
  return name ? `Windows ${name} (${version})` : `Windows ${version}`;
}

function windowsCheck(facts: NativeDiagnosis): DiagnosisCheck {
  const summary = [windowsName(facts), facts.servicePack, facts.wineVersion && `under Wine ${facts.wineVersion}`].filter(Boolean).join(', ');
  const tooOld = facts.windowsMajor < 6 || (facts.windowsMajor === 6 && facts.windowsMinor < 1);
  return tooOld ? fail('windows', summary, 'netcon needs Windows 7 SP1 or later (no Node-API runtime runs on older Windows).') : ok('windows', summary);
}

function architectureCheck(facts: NativeDiagnosis): DiagnosisCheck {
  const host = facts.hostExe.split('\\').pop() || facts.hostExe;
  // x64 and ia32 code is emulated on ARM64; a 32-bit process on x64 runs natively under WoW64.
  const how = facts.osArch === facts.binaryArch || facts.osArch === 'unknown' ? '' : facts.osArch === 'arm64' ? ' (emulated)' : ' (WoW64)';
  const summary = `${process.arch} process (${host}), ${facts.binaryArch} binary, ${facts.osArch} machine${how}`;
  return ok('architecture', summary);
}

function binaryCheck(facts: NativeDiagnosis): DiagnosisCheck {
  const path = facts.addonPath.toLowerCase();
  const kind = path.includes('\\prebuilds\\') ? 'prebuild' : path.includes('\\build\\') ? 'local build' : 'loaded';
  return ok('binary', `${kind}: ${facts.addonPath}`);
}

function comClassCheck(facts: NativeDiagnosis, progId: string): DiagnosisCheck {
  const isHNetShare = progId === DEFAULT_PROG_ID;
  // A 32-bit process on 64-bit Windows reads the 32-bit registry and loads SysWOW64's DLLs.
  const wow64 = facts.binaryArch === 'ia32' && facts.osArch !== 'ia32' && facts.osArch !== 'unknown';
  const system = wow64 ? '%SystemRoot%\\SysWOW64' : '%SystemRoot%\\System32';
  const register = isHNetShare
    ? `hnetcfg.dll is missing or not registered${wow64 ? ' for 32-bit processes' : ''} (Windows Server Core and containers lack it). From an elevated prompt: ${wow64 ? `${system}\\regsvr32` : 'regsvr32'} ${system}\\hnetcfg.dll`
    : `Register the COM server for ${progId} on this machine.`;
  if (facts.otherView) {
    const bits = facts.binaryArch === 'ia32' ? '32-bit' : '64-bit';
    const fix = isHNetShare
      ? register
      : `Register ${progId} for ${bits} processes too (its ${bits} server, with reg import … /reg:${bits.slice(0, 2)} or that build's regsvr32), or run netcon in a ${facts.otherView} process.`;
    return fail('com-class', `${progId} is registered only for ${facts.otherView} processes (${facts.otherViewServerPath}); this is a ${bits} process`, fix);
  }
  if (facts.clsidHresult !== 0) return fail('com-class', `${progId} is not registered (CLSIDFromProgID: ${hresultToHex(facts.clsidHresult)})`, register);
  if (facts.serverError !== 0) {
    return fail('com-class', `${progId} → ${facts.clsid}, which has no server registered (Win32 error ${facts.serverError})`, register);
  }
  const model = facts.threadingModel ? `, ThreadingModel ${facts.threadingModel}` : '';
  const summary = `${progId} → ${facts.clsid} → ${facts.serverPath} (${facts.serverKind}${model})`;
  return facts.serverFileExists ? ok('com-class', summary) : fail('com-class', `${summary}: the file is missing`, register);
}

function serviceCheck(facts: NativeDiagnosis, progId: string, listWorked: boolean): DiagnosisCheck {
  const name = 'Network Connections service (Netman)';
  if (facts.serviceError === ERROR_SERVICE_DOES_NOT_EXIST) {
    // A test server (or Wine's stand-in) that listed without it shows the service is not needed.
    if (listWorked) return ok('service', `${name}: not installed; ${progId} answered without it`);
    return fail('service', `${name}: not installed`, 'This edition of Windows has no Network Connections service (Server Core, containers): netcon cannot work here.');
  }
  if (facts.serviceError === ERROR_ACCESS_DENIED) return warn('service', `${name}: this process may not read it`, 'Run elevated to see its state.');
  if (facts.serviceError !== 0) return warn('service', `${name}: could not be read (Win32 error ${facts.serviceError})`, 'Check it in services.msc.');
  const start = START_TYPES[facts.serviceStartType] ?? `start type ${facts.serviceStartType}`;
  const state = SERVICE_STATES[facts.serviceState] ?? `state ${facts.serviceState}`;
  if (facts.serviceStartType === SERVICE_DISABLED) {
    return fail('service', `${name}: ${state}, disabled`, 'From an elevated prompt: sc config Netman start= demand');
  }
  const note = facts.serviceState === SERVICE_RUNNING ? '' : '; Windows starts it when netcon asks';
  return ok('service', `${name}: ${state}, start ${start}${note}`);
}

function elevationCheck(facts: NativeDiagnosis): DiagnosisCheck {
  if (facts.elevationError !== 0) return warn('elevation', `could not be read (Win32 error ${facts.elevationError})`, 'Disconnect and connect usually need an elevated process.');
  return facts.elevated
    ? ok('elevation', 'elevated: disconnect and connect are allowed')
    : warn('elevation', 'not elevated: listing works; disconnect and connect usually answer E_ACCESSDENIED', 'Run elevated (Run as administrator) to disconnect or connect.');
}

function apartmentCheck(apartment: NativeApartment): DiagnosisCheck {
  const where =
    apartment.hresult === HRESULTS.CO_E_NOTINITIALIZED.hresult
      ? 'in no COM apartment'
      : apartment.hresult === 0
        ? `in ${APARTMENTS[apartment.type] ?? `apartment type ${apartment.type}`}`
        : `of unknown apartment (${hresultToHex(apartment.hresult)})`;
  return ok('apartment', `this thread is ${where}; netcon's COM calls run on threads of its own, in the MTA`);
}
