// examples/ledger/run.mjs runs and tells the story it should: anchors every N entries, a
// receipt verified on chain, a consent granted, shared, revoked on chain, refused by the
// chain, then by cipherchart once logged. Skipped (with the reason) when the WASM package is
// not built (scripts/build-wasm), as live-wasm.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const PKG = fileURLToPath(new URL('../../bindings/wasm/pkg/node/index.mjs', import.meta.url));
const RUN = fileURLToPath(new URL('../../examples/ledger/run.mjs', import.meta.url));
const skip = existsSync(PKG) ? false : 'the WASM package is not built (scripts/build-wasm); the example needs it';

test('examples/ledger/run.mjs: anchor every N, receipt on chain, consent revoked on chain and refused', { skip }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [RUN, '3'], { timeout: 120_000 });
  const lines = stdout.split('\n');
  const has = (re) => assert.ok(lines.some((l) => re.test(l)), `no line matching ${re}\n${stdout}`);
  // N = 3: anchors at 3, 6, 9, 12 (3 seals + 6 reads = 9, then grant, share, revoke)
  for (const [a, b] of [[0, 3], [3, 6], [6, 9]]) has(new RegExp(`tx anchor ${a} -> ${b}: \\d+ gas`));
  has(/^log clinic\.example\/audit registered, log id (0x[0-9a-f]{8})[0-9a-f]{4}… \(its note key id \1\)$/);
  has(/^receipt for entry 0 \(create ecg-1\): verified offline$/);
  has(/^receipt verified on chain \(verifyInclusionAt, size 9\): true$/);
  has(/^a forged receipt \(another leaf, same path\) on chain: false$/);
  has(/^consent granted: .*on chain: granted$/);
  has(/^proxy, before revocation: shared ecg-1 \(hop 1\)$/);
  has(/^H2 cardiologist opens it: "sinus rhythm, 72 bpm"$/);
  has(/^proxy, lab record \(not covered\): refused by cipherchart: ConsentError not_permitted$/);
  has(/^consent revoked on chain: event Revoked/);
  has(/^revoking twice: refused \(AlreadyRevoked\)$/);
  has(/^cipherchart on the clinic log alone, not yet told: still valid$/);
  has(/^proxy, after the on-chain revocation: refused by the chain: block 0x[0-9a-f]+… revoked by key/);
  has(/^revocation logged in the clinic's log \(entry \d+, same hash: true\)$/);
  has(/^cipherchart's gate \(verifyConsent, then reencryptWithConsent\) refuses: ConsentError revoked$/);
  has(/^done: \d+ entries, \d+ anchored, \d+ gas in all$/);
  assert.ok(!/BUG/.test(stdout));
});
