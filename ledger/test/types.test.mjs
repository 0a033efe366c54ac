// lib/calldata.d.ts (which re-exports the typings of `cipherchart/ledger` from the built
// package) compiles under strict TypeScript (nodenext: through calldata.d.mts) and types what
// calldata.mjs returns. Uses the TypeScript of .ci/js (CI's JS tools); skipped,
// with the reason, where it is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const TSC = fileURLToPath(new URL('../../.ci/js/node_modules/typescript/bin/tsc', import.meta.url));
const LIB = fileURLToPath(new URL('../lib/calldata.mjs', import.meta.url));
const skip = existsSync(TSC) ? false : 'TypeScript is not installed in .ci/js (npm ci --prefix .ci/js)';

const USE = `import * as C from ${JSON.stringify(LIB)};
declare const cp: { origin: string; size: number; root: Uint8Array; signatures: { keyName: string; keyId: Uint8Array; signature: Uint8Array }[] };
const a: [bigint, string, string, string, string[]] = C.anchorArgs(cp, { newSize: 3, path: [] });
const k: [C.Hex, C.Hex, C.Hex] = C.keyArgs(new Uint8Array(48), '0x00');
const e = C.entryArgs({ toBytes: () => new Uint8Array(200) });
declare const pf: C.ProofFileLike;
const i: [C.Hex, bigint, C.Hex[]] = C.inclusionArgs(pf);
const j = C.receiptAtArgs(pf);
declare const iface: C.EventParser;
for (const ev of C.decodeEvents({ interface: iface, target: '0x' }, { logs: [] })) if (ev.event === 'Anchored') { const n: number = ev.size; C.anchoredNote('o', ev); void n; }
declare const registry: C.RevocationReader;
declare const token: C.SignedConsentTokenLike;
const hit: Promise<{ revocationId: Uint8Array; publicKey: Uint8Array } | null> = C.revokedOnChain(registry, token);
// @ts-expect-error an entry alone is not a receipt with its proof
C.receiptAtArgs({ hash: new Uint8Array(32) });
// @ts-expect-error sizes go to the contract as bigint
const bad: number = C.anchorArgs(cp)[0];
// @ts-expect-error signature lines need their key name (review L8: the log's line is the origin's)
C.checkpointSignature({ origin: 'o', size: 1, root: new Uint8Array(32), signatures: [{ keyId: new Uint8Array(4), signature: new Uint8Array(96) }] });
declare const tree: { consistencyProof(oldSize: number, newSize: number): C.ConsistencyProofLike };
const after: [bigint, C.Hex, C.Hex, C.Hex, C.Hex[]] | null = C.anchorArgsAfter([3n, '0x00'], cp, tree, new Uint8Array(32));
// @ts-expect-error anchorArgsAfter may return null (already anchored)
const notNull: [bigint, C.Hex, C.Hex, C.Hex, C.Hex[]] = C.anchorArgsAfter([3n, '0x00'], cp, tree);
const u: Uint8Array = C.publicKeyU(new Uint8Array(48));
export { a, k, e, i, j, hit, bad, after, notNull, u };
`;

test('calldata.d.ts: strict TypeScript accepts the uses and refuses the misuses', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-ledger-types-'));
  try {
    writeFileSync(join(dir, 'use.ts'), USE);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022'], module: 'nodenext', moduleResolution: 'nodenext', types: [] },
      files: ['use.ts'],
    }));
    const r = await promisify(execFile)(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')]).catch((e) => e);
    assert.equal(r.code ?? 0, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
