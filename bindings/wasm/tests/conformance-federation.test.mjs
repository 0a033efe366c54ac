// The federation vectors (tests/vectors/cipherchart-federation.json) through the JavaScript API:
// cross-authority re-keys (decoded, with their authorities and consent digests), the records they
// make (re-encryption re-run here and compared byte for byte), who opens each record with which
// trusted public keys, refused re-encryptions and decoder refusals. The same file is generated and
// checked by tests/encodings_vectors/federation_vectors.rs and checked by
// bindings/python/tests/test_conformance_federation.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const doc = JSON.parse(
  readFileSync(new URL('../../../tests/vectors/cipherchart-federation.json', import.meta.url), 'utf8'),
);
const h = (s) => new Uint8Array(Buffer.from(s, 'hex'));
const hex = (b) => Buffer.from(b).toString('hex');
const byName = (group, name) => {
  const found = doc[group].filter((x) => x.name === name);
  assert.equal(found.length, 1, `${group}/${name}`);
  return found[0];
};
const pk = (name) => {
  const v = byName('authorities', name);
  const key = cc.PublicKey.fromBytes(h(v.public_key));
  assert.equal(hex(key.id), v.public_key_id);
  return key;
};
const record = (name) => {
  const v = byName('records', name);
  const r = cc.SealedRecord.fromBytes(h(v.bytes));
  assert.equal(hex(r.toBytes()), v.bytes);
  assert.equal(hex(r.authority), v.authority);
  assert.equal(hex(r.currentAuthority), v.current_authority);
  assert.equal(r.hopCount, v.hop_count);
  return r;
};
const rekey = (name) => cc.ReKey.fromBytes(h(byName('rekeys', name).bytes));

/** The code `run` throws, or null. */
function codeOf(run) {
  try {
    run();
    return null;
  } catch (e) {
    assert.ok(e instanceof cc.CipherchartError, String(e));
    return e.code;
  }
}

test('the document has the groups this checker knows', () => {
  assert.equal(doc.version, 2);
  assert.deepEqual(Object.keys(doc).sort(), [
    'authorities', 'decode_errors', 'encoding', 'generator', 'opens', 'records', 'reencryptions', 'rekeys',
    'user_keys', 'version',
  ]);
});

test('rekeys: bytes, authorities, target policy, grant id, consent digest', () => {
  for (const v of doc.rekeys) {
    const rk = rekey(v.name);
    assert.equal(hex(rk.toBytes()), v.bytes);
    assert.equal(hex(rk.authority), hex(pk(v.authority).id));
    assert.equal(hex(rk.targetAuthority), hex(pk(v.target_authority).id));
    assert.equal(rk.targetPolicy.toString(), v.target_policy);
    assert.equal(hex(rk.grantId), v.grant_id);
    assert.equal(hex(cc.rekeyDigest(rk)), v.consent_digest);
  }
});

test('records and re-encryptions (deterministic: the same bytes)', () => {
  for (const v of doc.records) record(v.name);
  for (const v of doc.reencryptions) {
    const rk = rekey(v.rekey);
    const input = record(v.input);
    assert.equal(rk.canReencrypt(input), v.error === null, v.name);
    let out;
    assert.equal(codeOf(() => { out = rk.reencrypt(input); }), v.error, v.name);
    if (v.output !== null) assert.equal(hex(out.toBytes()), hex(record(v.output).toBytes()), v.name);
  }
});

test('opens: payload or error with the trusted public keys given', () => {
  for (const v of doc.opens) {
    const key = cc.UserKey.fromBytes(h(byName('user_keys', v.key).bytes));
    const trusted = v.public_keys.map(pk);
    let payload;
    const what = `${v.record}/${v.key}/${v.public_keys.join(',')}`;
    assert.equal(codeOf(() => { payload = key.openFederated(trusted, record(v.record)); }), v.error, what);
    if (v.error === null) assert.equal(hex(payload), v.payload, what);
  }
});

test('decode errors: code and detail', () => {
  for (const v of doc.decode_errors) {
    const decode = v.kind === 'rekey' ? cc.ReKey.fromBytes : cc.SealedRecord.fromBytes;
    let caught;
    try {
      decode(h(v.bytes));
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof cc.InvalidEncoding, v.name);
    assert.equal(caught.code, v.error, v.name);
    assert.equal(caught.kind, v.detail, v.name);
  }
});
