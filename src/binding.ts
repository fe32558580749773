// The only file that loads the .node binary. Loading waits for the first call so that
// `import 'netcon'` never throws, whatever the OS and whatever state the install is in.
import { NativeModuleLoadError, UnsupportedPlatformError } from './errors';
import { decodeList, type AbandonHook, type NativeAddon, type NativeBinding } from './native';
import { packageRoot } from './package-root';

/** Seams for tests: the platform and the loader are the two things a test cannot set up for real. */
export interface BindingLoaderOptions {
  platform?: () => string;
  arch?: () => string;
  load?: () => unknown;
}

/** `loadBinding` and `isBindingLoadable` over one cache. */
export interface BindingLoader {
  /** The addon; throws ERR_UNSUPPORTED_PLATFORM off Windows, ERR_NATIVE_MODULE_LOAD when it cannot be loaded. */
  loadBinding(): NativeBinding;
  /** Whether loadBinding would succeed. */
  isBindingLoadable(): boolean;
}

type Outcome = { ok: true; binding: NativeBinding } | { ok: false; cause: unknown };

/** A loader with its own cache; the package uses the default one below. */
export function createBindingLoader(options: BindingLoaderOptions = {}): BindingLoader {
  const { platform = () => process.platform, arch = () => process.arch, load = requireAddon } = options;
  // A failed load is cached too: retrying would re-run node-gyp-build's directory scan on
  // every call and could never succeed without a restart anyway.
  let outcome: Outcome | undefined;

  function loadBinding(): NativeBinding {
    const current = platform();
    if (current !== 'win32') throw new UnsupportedPlatformError(current);
    if (outcome === undefined) outcome = attempt(load);
    // A fresh error per call, so each rejection's stack points at its own caller.
    if (!outcome.ok) throw new NativeModuleLoadError(outcome.cause, arch());
    return outcome.binding;
  }

  function isBindingLoadable(): boolean {
    try {
      loadBinding();
      return true;
    } catch {
      return false;
    }
  }

  return { loadBinding, isBindingLoadable };
}

function attempt(load: () => unknown): Outcome {
  try {
    return { ok: true, binding: checkExports(load()) };
  } catch (cause) {
    return { ok: false, cause };
  }
}

// A stale or foreign binary would otherwise fail later as "x is not a function".
function checkExports(exports: unknown): NativeBinding {
  const candidate = exports as Partial<Record<keyof NativeAddon, unknown>> | null | undefined;
  const missing = (['list', 'disconnect', 'connect', 'initializeSecurity', 'abandon'] as const).filter((name) => typeof candidate?.[name] !== 'function');
  if (missing.length > 0) throw new Error(`the native module does not export ${missing.join(', ')}`);
  const addon = exports as NativeAddon;
  let lastId = 0;
  // Names the call for addon.abandon; an abandoned call's promise never settles here.
  function start<T>(hook: AbandonHook | undefined, call: (id: number) => Promise<T | undefined>): Promise<T> {
    const id = (lastId = (lastId + 1) >>> 0);
    const result = call(id);
    if (hook) hook.onAbandon = () => addon.abandon(id);
    return result.then((value) => (value === undefined ? NEVER : value));
  }
  return {
    list: async (progId, hook) => decodeList(await start(hook, (id) => addon.list(progId, id))),
    disconnect: (progId, guid, hook) => start(hook, (id) => addon.disconnect(progId, guid, id)),
    connect: (progId, guid, hook) => start(hook, (id) => addon.connect(progId, guid, id)),
    initializeSecurity: (hook) => start(hook, (id) => addon.initializeSecurity(id)),
  };
}

const NEVER = new Promise<never>(() => {});

function requireAddon(): unknown {
  // node-gyp-build looks for build/Release/ then prebuilds/win32-<arch>/ under the package root.
  const nodeGypBuild = require('node-gyp-build') as (root: string) => unknown;
  return nodeGypBuild(packageRoot());
}

const defaultLoader = createBindingLoader();

/** The addon, loaded on first use and cached; see BindingLoader.loadBinding. */
export const loadBinding: () => NativeBinding = defaultLoader.loadBinding;

/** Whether the addon can be loaded in this process (false on every OS but Windows). */
export const isBindingLoadable: () => boolean = defaultLoader.isBindingLoadable;
