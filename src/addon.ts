// The only file that loads the .node binary, and the Backend over it: names each call for
// abandon(), and decodes the packed list. Loading waits for the first call so that
// `import 'netcon'` never throws, whatever the OS and whatever state the install is in.
import type { AbandonHook, Backend, ChangeSubscription } from './backend';
import { NativeModuleLoadError, UnsupportedPlatformError } from './errors';
import type { NativeAddon, NativeListResult, NativeRawConnection, PackedListResult } from './native';
import { packageRoot } from './package-root';

/** Seams for tests: the platform and the loader are the two things a test cannot set up for real. */
export interface AddonLoaderOptions {
  platform?: () => string;
  arch?: () => string;
  load?: () => unknown;
}

/** `loadBackend` and `isAddonLoadable` over one cache. */
export interface AddonLoader {
  /** The backend over the addon; throws ERR_UNSUPPORTED_PLATFORM off Windows, ERR_NATIVE_MODULE_LOAD when it cannot be loaded. */
  loadBackend(): Backend;
  /** Whether loadBackend would succeed. */
  isAddonLoadable(): boolean;
}

type Outcome = { ok: true; backend: Backend } | { ok: false; cause: unknown };

/** A loader with its own cache; the package uses the default one below. */
export function createAddonLoader(options: AddonLoaderOptions = {}): AddonLoader {
  const { platform = () => process.platform, arch = () => process.arch, load = requireAddon } = options;
  // A failed load is cached too: retrying would re-run node-gyp-build's directory scan on
  // every call and could never succeed without a restart anyway.
  let outcome: Outcome | undefined;

  function loadBackend(): Backend {
    const current = platform();
    if (current !== 'win32') throw new UnsupportedPlatformError(current);
    if (outcome === undefined) outcome = attempt(load);
    // A fresh error per call, so each rejection's stack points at its own caller.
    if (!outcome.ok) throw new NativeModuleLoadError(outcome.cause, arch());
    return outcome.backend;
  }

  function isAddonLoadable(): boolean {
    try {
      loadBackend();
      return true;
    } catch {
      return false;
    }
  }

  return { loadBackend, isAddonLoadable };
}

function attempt(load: () => unknown): Outcome {
  try {
    return { ok: true, backend: backendOver(checkExports(load())) };
  } catch (cause) {
    return { ok: false, cause };
  }
}

// A stale or foreign binary would otherwise fail later as "x is not a function".
function checkExports(exports: unknown): NativeAddon {
  const candidate = exports as Partial<Record<keyof NativeAddon, unknown>> | null | undefined;
  const missing = (['list', 'disconnect', 'connect', 'initializeSecurity', 'diagnose', 'apartment', 'abandon', 'subscribe', 'unsubscribe', 'sharing', 'setSharing', 'rename', 'deleteConnection', 'duplicateConnection', 'portMappings', 'addPortMapping', 'changePortMapping', 'adapters'] as const).filter((name) => typeof candidate?.[name] !== 'function');
  if (missing.length > 0) throw new Error(`the native module does not export ${missing.join(', ')}`);
  return exports as NativeAddon;
}

function backendOver(addon: NativeAddon): Backend {
  let lastId = 0;
  // Names the call for addon.abandon; an abandoned call's promise never settles here.
  function start<T>(hook: AbandonHook | undefined, call: (id: number) => Promise<T | undefined>): Promise<T> {
    const id = (lastId = (lastId + 1) >>> 0);
    const result = call(id);
    if (hook) hook.onAbandon = () => addon.abandon(id);
    return result.then((value) => (value === undefined ? NEVER : value));
  }
  return {
    watchChanges: changeNotifications(addon),
    list: async (progId, hook) => decodeList(await start(hook, (id) => addon.list(progId, id))),
    disconnect: (progId, guid, hook) => start(hook, (id) => addon.disconnect(progId, guid, id)),
    connect: (progId, guid, hook) => start(hook, (id) => addon.connect(progId, guid, id)),
    initializeSecurity: (hook) => start(hook, (id) => addon.initializeSecurity(id)),
    sharing: (progId, hook) => start(hook, (id) => addon.sharing(progId, id)),
    setSharing: (progId, guid, change, hook) => start(hook, (id) => addon.setSharing(progId, guid, String(change), id)),
    rename: (progId, guid, newName, hook) => start(hook, (id) => addon.rename(progId, guid, newName, id)),
    diagnose: (progId, hook) => start(hook, (id) => addon.diagnose(progId, id)),
    apartment: () => addon.apartment(),
    deleteConnection: (progId, guid, hook) => start(hook, (id) => addon.deleteConnection(progId, guid, id)),
    duplicateConnection: (progId, guid, newName, hook) => start(hook, (id) => addon.duplicateConnection(progId, guid, newName, id)),
    portMappings: (progId, guid, hook) => start(hook, (id) => addon.portMappings(progId, guid, id)),
    addPortMapping: (progId, guid, m, hook) =>
      start(hook, (id) =>
        addon.addPortMapping(progId, guid, m.name, String(m.protocol), String(m.externalPort), String(m.internalPort), m.targetType, m.target, m.enable ? '1' : '0', id),
      ),
    changePortMapping: (progId, guid, protocol, externalPort, change, hook) =>
      start(hook, (id) => addon.changePortMapping(progId, guid, String(protocol), String(externalPort), change, id)),
    adapters: (hook) => start(hook, (id) => addon.adapters(id)),
  };
}

const NEVER = new Promise<never>(() => {});

// Windows reports one change as a burst (an adapter going down touches each of its
// interfaces); Chromium waits 500-1,500 ms after NotifyAddrChange for the same reason.
const NOTIFICATION_SETTLE_MS = 250;

// The addon throws only when Node-API itself fails (no thread-safe function could be made);
// watching then goes on by polling, as it does where Windows refuses a registration.
function subscribeQuietly(addon: NativeAddon, notify: () => void) {
  try {
    addon.subscribe(notify);
  } catch {
    // polling only
  }
}

function unsubscribeQuietly(addon: NativeAddon) {
  try {
    addon.unsubscribe();
  } catch {
    // nothing was subscribed
  }
}

// One native subscription for the environment, held while anything watches. What Windows
// answered is not looked at: a registration it refused (Wine's are stubs) leaves the polling.
function changeNotifications(addon: NativeAddon): Backend['watchChanges'] {
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  return (onChange): ChangeSubscription => {
    // A fresh function per subscription, so one listener added twice is still two.
    const listener = () => onChange();
    listeners.add(listener);
    if (listeners.size === 1) subscribeQuietly(addon, notify);
    return {
      settleMs: NOTIFICATION_SETTLE_MS,
      stop() {
        if (listeners.delete(listener) && listeners.size === 0) unsubscribeQuietly(addon);
      },
    };
  };
}

function requireAddon(): unknown {
  // node-gyp-build looks for build/Release/ then prebuilds/win32-<arch>/ under the package root.
  const nodeGypBuild = require('node-gyp-build') as (root: string) => unknown;
  return nodeGypBuild(packageRoot());
}

const defaultLoader = createAddonLoader();

/** The addon, loaded on first use and cached; see AddonLoader.loadBackend. */
export const loadBackend: () => Backend = defaultLoader.loadBackend;

/** Whether the addon can be loaded in this process (false on every OS but Windows). */
export const isAddonLoadable: () => boolean = defaultLoader.isAddonLoadable;

const FIELDS_PER_CONNECTION = 6;

/**
 * Cuts the addon's packed list back into connections. The addon packs them because each
 * Node-API call on the JS thread costs microseconds, where slicing a string costs next to
 * nothing (native/addon.cc, ListToJs). Throws if the two parts do not fit together.
 */
export function decodeList(packed: PackedListResult): NativeListResult {
  if (!packed.ok) return packed;
  const { text, fields } = packed;
  if (fields.length % FIELDS_PER_CONNECTION !== 0) throw new Error(`netcon: the native list has ${fields.length} fields, not a multiple of ${FIELDS_PER_CONNECTION}`);
  const connections: NativeRawConnection[] = [];
  let at = 0;
  const take = (length: number) => text.slice(at, (at += length));
  for (let i = 0; i < fields.length; i += FIELDS_PER_CONNECTION) {
    connections.push({
      id: take(fields[i]),
      name: take(fields[i + 1]),
      deviceName: take(fields[i + 2]),
      status: fields[i + 3],
      mediaType: fields[i + 4],
      characteristics: fields[i + 5],
    });
  }
  if (at !== text.length) throw new Error(`netcon: the native list's text is ${text.length} characters, its fields describe ${at}`);
  return { ok: true, connections };
}
