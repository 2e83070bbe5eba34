// Guest device credentials: generation, the stores, load-or-create.
import t from 'tap';
import { DEVICE_SECRET_BYTES, GUEST_DEVICE_KEY, GuestDevice, defaultGuestDeviceStore, memoryStore, platformLocalStorage, webStorageStore, type WebStorageLike } from '../src/index.js';

class FakeWebStorage implements WebStorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

t.test('generate: a UUID device id and 32 CSPRNG bytes in base64, different every time', async (t) => {
  const a = GuestDevice.generate();
  const b = GuestDevice.generate();
  t.match(a.device_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(Buffer.from(a.device_secret, 'base64').length, DEVICE_SECRET_BYTES);
  t.equal(Buffer.from(a.device_secret, 'base64').toString('base64'), a.device_secret, 'canonical base64');
  t.not(a.device_id, b.device_id);
  t.not(a.device_secret, b.device_secret);
});

t.test('loadOrCreate creates once, stores under hajime.guest_device, and returns the same credentials after', async (t) => {
  const storage = new FakeWebStorage();
  const device = new GuestDevice({ store: webStorageStore(storage) });
  t.equal(await device.load(), undefined);
  const [a, b] = await Promise.all([device.loadOrCreate(), device.loadOrCreate()]);
  t.same(a, b, 'concurrent first calls agree (no second guest)');
  t.same(JSON.parse(storage.getItem(GUEST_DEVICE_KEY)!), a);
  t.same(await new GuestDevice({ store: webStorageStore(storage) }).loadOrCreate(), a, 'a later instance (a relaunch) reads them back');
  await device.clear();
  t.equal(storage.getItem(GUEST_DEVICE_KEY), null);
  const c = await device.loadOrCreate();
  t.not(c.device_id, a.device_id, 'after clear, a new device');
});

t.test('unreadable stored values are ignored and replaced', async (t) => {
  for (const bad of ['not json', '{"device_id":""}', '[]', 'null', '{"device_id":"x","device_secret":1}']) {
    const store = memoryStore();
    await store.set(GUEST_DEVICE_KEY, bad);
    const device = new GuestDevice({ store });
    t.equal(await device.load(), undefined, bad);
    const fresh = await device.loadOrCreate();
    t.same(await device.load(), fresh);
  }
});

t.test('a custom key and an async store', async (t) => {
  const values = new Map<string, string>();
  const device = new GuestDevice({
    key: 'my.game.device',
    store: {
      get: async (k) => values.get(k),
      set: async (k, v) => void values.set(k, v),
      remove: async (k) => void values.delete(k),
    },
  });
  const c = await device.loadOrCreate();
  t.same(JSON.parse(values.get('my.game.device')!), c);
});

t.test('the default store: localStorage when the platform has one, memory otherwise (Node)', async (t) => {
  t.equal(platformLocalStorage(), undefined, 'Node 20 has no localStorage');
  const inMemory = new GuestDevice({ store: defaultGuestDeviceStore() });
  const c = await inMemory.loadOrCreate();
  t.same(await inMemory.load(), c);
  t.equal(await new GuestDevice({ store: defaultGuestDeviceStore() }).load(), undefined, 'memory stores are not shared');

  const storage = new FakeWebStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
  t.teardown(() => void delete (globalThis as { localStorage?: unknown }).localStorage);
  t.equal(platformLocalStorage(), storage);
  const browser = await new GuestDevice().loadOrCreate();
  t.same(JSON.parse(storage.getItem(GUEST_DEVICE_KEY)!), browser, 'new GuestDevice() uses localStorage');

  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    get() {
      throw new Error('SecurityError: storage is blocked');
    },
  });
  t.equal(platformLocalStorage(), undefined, 'blocked storage falls back to memory');
});
