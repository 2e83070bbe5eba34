// Test fixtures for IAP: a throwaway certificate authority made with the openssl command line (root →
// intermediate → leaf, EC P-256) that signs StoreKit 2 style JWS transactions, and a fake Google Play
// Developer API on loopback.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUNDLE_ID = 'com.hajime.testgame';

export interface TestCa {
  readonly rootPem: string;
  /** base64 DER of root, intermediate and leaf (x5c entries). */
  readonly root: string;
  readonly intermediate: string;
  readonly leaf: string;
  readonly leafKey: KeyObject;
  /** A leaf issued directly by the root (no intermediate). */
  readonly directLeaf: string;
  readonly directLeafKey: KeyObject;
}

function der(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}

/** Generates a CA in a temp dir with openssl; `days` of validity for every certificate. */
export function makeCa(name: string, days = 30): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'hajime-iap-'));
  try {
    const ossl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    };
    const key = (k: string): void => ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', k);
    key('root.key');
    ossl('req', '-x509', '-new', '-key', 'root.key', '-subj', `/CN=${name} Root`, '-days', String(days), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'root.pem');
    key('int.key');
    ossl('req', '-x509', '-new', '-key', 'int.key', '-CA', 'root.pem', '-CAkey', 'root.key', '-subj', `/CN=${name} Intermediate`, '-days', String(days), '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'int.pem');
    key('leaf.key');
    ossl('req', '-x509', '-new', '-key', 'leaf.key', '-CA', 'int.pem', '-CAkey', 'int.key', '-subj', `/CN=${name} Leaf`, '-days', String(days), '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-out', 'leaf.pem');
    key('direct.key');
    ossl('req', '-x509', '-new', '-key', 'direct.key', '-CA', 'root.pem', '-CAkey', 'root.key', '-subj', `/CN=${name} Direct Leaf`, '-days', String(days), '-addext', 'basicConstraints=critical,CA:FALSE', '-out', 'direct.pem');
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    return {
      rootPem: read('root.pem'),
      root: der(read('root.pem')),
      intermediate: der(read('int.pem')),
      leaf: der(read('leaf.pem')),
      leafKey: createPrivateKey(read('leaf.key')),
      directLeaf: der(read('direct.pem')),
      directLeafKey: createPrivateKey(read('direct.key')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface JwsOptions {
  readonly x5c?: readonly string[];
  readonly key?: KeyObject;
  readonly header?: Record<string, unknown>;
}

/** A StoreKit 2 style signed transaction: ES256 over `header.payload` with the leaf key. */
export function signTransaction(ca: TestCa, payload: Record<string, unknown>, options: JwsOptions = {}): string {
  const header = { alg: 'ES256', x5c: options.x5c ?? [ca.leaf, ca.intermediate, ca.root], ...(options.header ?? {}) };
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: options.key ?? ca.leafKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

let seq = 0;
/** A fresh transaction payload (unique ids), overridable. */
export function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  const id = `2000000${Date.now()}${seq}`;
  return {
    transactionId: id,
    originalTransactionId: id,
    bundleId: BUNDLE_ID,
    productId: 'gems_100',
    purchaseDate: Date.now() - 1000,
    originalPurchaseDate: Date.now() - 1000,
    quantity: 1,
    type: 'Consumable',
    inAppOwnershipType: 'PURCHASED',
    signedDate: Date.now(),
    environment: 'Sandbox',
    ...overrides,
  };
}

export interface FakePlay {
  readonly url: string;
  /** purchase token → ProductPurchase body (absent: 404). */
  readonly purchases: Map<string, Record<string, unknown>>;
  /** Requests seen: path and authorization header. */
  readonly requests: { path: string; authorization: string | undefined }[];
  /** Answer every request with this status instead (e.g. 500). */
  failWith: number | undefined;
  close(): Promise<void>;
}

export const PACKAGE_NAME = 'com.hajime.testgame';
export const PLAY_TOKEN = 'test-access-token';

/** A fake Play Developer API answering GET .../applications/{pkg}/purchases/products/{product}/tokens/{token}. */
export async function fakePlay(): Promise<FakePlay> {
  const purchases = new Map<string, Record<string, unknown>>();
  const requests: FakePlay['requests'] = [];
  const state: { failWith: number | undefined } = { failWith: undefined };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, authorization: req.headers.authorization });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.failWith !== undefined) return send(state.failWith, { error: { code: state.failWith } });
    if (req.headers.authorization !== `Bearer ${PLAY_TOKEN}`) return send(401, { error: { code: 401, message: 'bad credentials' } });
    const m = /^\/androidpublisher\/v3\/applications\/([^/]+)\/purchases\/products\/([^/]+)\/tokens\/([^/]+)$/.exec(path);
    if (m === null || req.method !== 'GET' || decodeURIComponent(m[1]!) !== PACKAGE_NAME) return send(404, { error: { code: 404 } });
    const p = purchases.get(`${decodeURIComponent(m[2]!)}/${decodeURIComponent(m[3]!)}`);
    if (p === undefined) return send(404, { error: { code: 404, message: 'The purchase token was not found.' } });
    send(200, { kind: 'androidpublisher#productPurchase', ...p });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakePlay = {
    url: `http://127.0.0.1:${port}`,
    purchases,
    requests,
    get failWith() {
      return state.failWith;
    },
    set failWith(v) {
      state.failWith = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
