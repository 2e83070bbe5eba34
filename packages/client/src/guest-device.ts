/**
 * Guest device credentials: `{device_id, device_secret}` that let a player "play now" without an account
 * and come back as the same player. The secret is 32 bytes from the platform's CSPRNG, base64; the server
 * keeps only a peppered HMAC of it. Credentials live in a pluggable store: `localStorage` (key
 * `hajime.guest_device`) in browsers, memory in Node, or your own (a file, the OS keychain,
 * React Native AsyncStorage).
 */

/** What `POST /auth/guest` takes. */
export interface GuestDeviceCredentials {
  readonly device_id: string;
  /** Base64 of 32 random bytes. Treat it like a password. */
  readonly device_secret: string;
}

/** Where the credentials are kept. Methods may be synchronous or return promises. */
export interface GuestDeviceStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** The part of the Web Storage API the local-storage store uses. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The `localStorage` key the credentials are kept under by default. */
export const GUEST_DEVICE_KEY = 'hajime.guest_device';

/** Bytes of randomness in a device secret. */
export const DEVICE_SECRET_BYTES = 32;

/** A store in memory: credentials last as long as the process (the default in Node). */
export function memoryStore(): GuestDeviceStore {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}

/** A store over Web Storage (`localStorage` by default). */
export function webStorageStore(storage: WebStorageLike): GuestDeviceStore {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

/** `localStorage` when the platform has a usable one (browsers), else undefined (Node, some sandboxes). */
export function platformLocalStorage(): WebStorageLike | undefined {
  try {
    const ls = (globalThis as { localStorage?: WebStorageLike }).localStorage;
    return ls !== undefined && ls !== null && typeof ls.getItem === 'function' ? ls : undefined;
  } catch {
    return undefined; // Accessing localStorage throws when storage is blocked.
  }
}

/** `localStorage` in browsers, memory elsewhere. */
export function defaultGuestDeviceStore(): GuestDeviceStore {
  const ls = platformLocalStorage();
  return ls === undefined ? memoryStore() : webStorageStore(ls);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

function isCredentials(v: unknown): v is GuestDeviceCredentials {
  const c = v as Partial<GuestDeviceCredentials> | null;
  return typeof c === 'object' && c !== null && typeof c.device_id === 'string' && c.device_id !== '' && typeof c.device_secret === 'string' && c.device_secret !== '';
}

/**
 * This device's guest credentials.
 *
 * @example
 * const device = new GuestDevice();               // localStorage in browsers, memory in Node
 * const creds = await device.loadOrCreate();      // the same credentials on every later call
 * await client.auth.guest(creds);                 // or simply client.auth.guestDevice()
 */
export class GuestDevice {
  readonly #store: GuestDeviceStore;
  readonly #key: string;
  #creating: Promise<GuestDeviceCredentials> | undefined;

  /** @param options.store default {@link defaultGuestDeviceStore}; `options.key` default `hajime.guest_device`. */
  constructor(options: { readonly store?: GuestDeviceStore; readonly key?: string } = {}) {
    this.#store = options.store ?? defaultGuestDeviceStore();
    this.#key = options.key ?? GUEST_DEVICE_KEY;
  }

  /** New credentials (not stored): a random UUID and 32 CSPRNG bytes in base64. */
  static generate(): GuestDeviceCredentials {
    const id = typeof globalThis.crypto.randomUUID === 'function' ? globalThis.crypto.randomUUID() : Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
    return { device_id: id, device_secret: base64(randomBytes(DEVICE_SECRET_BYTES)) };
  }

  /** The stored credentials, or undefined (none stored, or unreadable). */
  async load(): Promise<GuestDeviceCredentials | undefined> {
    const raw = await this.#store.get(this.#key);
    if (raw === null || raw === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isCredentials(parsed) ? { device_id: parsed.device_id, device_secret: parsed.device_secret } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores credentials (replacing any). */
  async save(credentials: GuestDeviceCredentials): Promise<void> {
    await this.#store.set(this.#key, JSON.stringify({ device_id: credentials.device_id, device_secret: credentials.device_secret }));
  }

  /** The stored credentials, creating and storing new ones the first time. Concurrent calls get the same ones. */
  loadOrCreate(): Promise<GuestDeviceCredentials> {
    this.#creating ??= (async () => {
      const existing = await this.load();
      if (existing !== undefined) return existing;
      const fresh = GuestDevice.generate();
      await this.save(fresh);
      return fresh;
    })().finally(() => {
      this.#creating = undefined;
    });
    return this.#creating;
  }

  /** Forgets the stored credentials (the next `loadOrCreate` makes a new guest). */
  async clear(): Promise<void> {
    await this.#store.remove(this.#key);
  }
}
