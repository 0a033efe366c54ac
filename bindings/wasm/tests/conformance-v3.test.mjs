// The format v3 revocation vectors (tests/vectors/cipherchart-v3.json) through the JavaScript
// API: notices (decoded, verified or refused with the `now` and previous notice given), keys under
// notices, v3 records and who opens them, catch-ups (re-run here with the vectors' master key:
// the same effect), refused catch-ups and the v3 decoders' refusals. The same file is generated
// and checked by tests/encodings_vectors/revocation_vectors.rs and checked by
// bindings/python/tests/test_conformance_v3.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const doc = JSON.parse(
  readFileSync(new URL('../../../tests/vectors/cipherchart-v3.json', import.meta.url), 'utf8'),
);
const h = (s) => new Uint8Array(Buffer.from(s, 'hex'));
const hex = (b) => Buffer.from(b).toString('hex');
const dec = (b) => new TextDecoder().decode(b);
const byName = (group, name) => {
  const found = doc[group].filter((x) => x.name === name);
  assert.equal(found.length, 1, `${group}/${name}`);
  return found[0];
};

/** Runs `run`: it must succeed if `error` is null, else throw that code (and `detail` as `.kind`). */
function expectOutcome(run, error, detail, what) {
  if (error === null) return run();
  let caught;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `${what}: expected ${error}`);
  assert.equal(caught.code, error, `${what}: ${caught.message}`);
  if (detail !== null && detail !== undefined) assert.equal(caught.kind, detail, `${what}: detail`);
  return undefined;
}

const noticeKey = () => cc.BlsPublicKey.fromBytes(h(doc.authority.notice_key));
const notice = (name) => cc.VersionNotice.fromBytes(h(byName('notices', name).bytes));
const verified = (name) => {
  const n = notice(name);
  return n.verify(noticeKey(), n.issuedAt);
};
const pk = () => cc.PublicKey.fromBytes(h(doc.authority.public_key));
const keys = () => {
  const out = new Map();
  for (const k of doc.keys) {
    const key = cc.UserKey.fromBytes(h(k.bytes));
    assert.equal(hex(key.toBytes()), k.bytes);
    assert.deepEqual(key.versionedAttributes(), k.versioned_attributes);
    out.set(k.name, key);
  }
  return out;
};
function checkOpens(record, opens, what) {
  const users = keys();
  assert.equal(opens.length, users.size);
  for (const o of opens) {
    const got = expectOutcome(() => users.get(o.key).open(pk(), record), o.error, null, `${what} by ${o.key}`);
    if (o.error === null) assert.equal(dec(got), o.payload, `${what} by ${o.key}`);
  }
}

test('every group is known', () => {
  assert.deepEqual(Object.keys(doc).sort(), [
    'authority', 'catch_ups', 'description', 'generator', 'keys', 'notice_decode_errors',
    'notice_verifications', 'notices', 'record_decode_errors', 'records', 'reencryption',
    'refused_catch_ups', 'session_catch_ups', 'session_decode_errors', 'session_splits', 'sessions', 'stream_catch_ups',
    'stream_decode_errors', 'streams', 'trailer_decode_errors', 'version',
  ]);
  assert.equal(doc.version, 3);
});

test('notices: decoded, verified, refused', () => {
  for (const v of doc.notices) {
    const n = cc.VersionNotice.fromBytes(h(v.bytes));
    assert.equal(hex(n.toBytes()), v.bytes);
    assert.equal(hex(n.digest), v.digest);
    assert.equal(n.serial, v.serial);
    assert.equal(n.bumpCount, v.bump_count);
    assert.deepEqual(n.versions, v.versions);
  }
  for (const v of doc.notice_verifications) {
    const previous = v.previous === null ? undefined : verified(v.previous);
    expectOutcome(() => notice(v.notice).verify(noticeKey(), v.now, previous), v.error, null, v.name);
  }
  for (const v of doc.notice_decode_errors) {
    expectOutcome(() => cc.VersionNotice.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
});

test('keys and records: who opens what', () => {
  const n1 = verified('n1');
  const n2 = verified('n2');
  for (const v of doc.records) {
    const r = cc.SealedRecord.fromBytes(h(v.bytes));
    assert.equal(hex(r.toBytes()), v.bytes);
    assert.equal(r.noticeSerial ?? null, v.notice_serial);
    const c = r.bodyCommitment;
    assert.equal(c === null || c === undefined ? null : hex(c), v.body_commitment);
    assert.equal(hex(r.headerDigest), v.header_digest);
    assert.deepEqual(r.attributeVersions(), v.attribute_versions);
    assert.deepEqual({ n1: r.needsCatchUp(n1), n2: r.needsCatchUp(n2) }, v.needs_catch_up);
    checkOpens(r, v.opens, v.name);
  }
});

test('catch-ups: the vectors and a re-run with the master key', () => {
  const authority = cc.Authority.fromSecretBytes(h(doc.authority.master_key));
  for (const v of doc.catch_ups) {
    const before = cc.SealedRecord.fromBytes(h(byName('records', v.before).bytes));
    const after = cc.SealedRecord.fromBytes(h(v.after));
    const n = verified(v.notice);
    assert.ok(!after.needsCatchUp(n));
    assert.equal(after.noticeSerial, n.serial);
    assert.deepEqual(after.recordId, before.recordId);
    assert.deepEqual(after.metadata, before.metadata);
    if (before.bodyCommitment !== null && before.bodyCommitment !== undefined) {
      assert.deepEqual(after.bodyCommitment, before.bodyCommitment);
    }
    checkOpens(after, v.opens, v.name);
    checkOpens(authority.rewrap(before, n), v.opens, `${v.name} (re-run)`);
  }
  for (const v of doc.refused_catch_ups) {
    const record = cc.SealedRecord.fromBytes(h(byName('records', v.record).bytes));
    expectOutcome(() => authority.rewrap(record, verified(v.notice)), v.error, null, v.name);
  }
});

test('the v3 record decoder refuses', () => {
  for (const v of doc.record_decode_errors) {
    expectOutcome(() => cc.SealedRecord.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
});

test('v3 sessions: who opens each, and the header decoder refuses', () => {
  const users = keys();
  for (const v of doc.sessions) {
    const header = cc.SessionHeader.fromBytes(h(v.header));
    assert.equal(hex(header.toBytes()), v.header);
    assert.equal(header.noticeSerial ?? null, v.notice_serial);
    assert.deepEqual(header.attributeVersions(), v.attribute_versions);
    const records = v.records.map((r) => cc.SessionRecord.fromBytes(h(r)));
    assert.equal(v.opens.length, users.size);
    for (const o of v.opens) {
      const what = `${v.name} by ${o.key}`;
      const opener = expectOutcome(() => users.get(o.key).openSession(pk(), header), o.error, null, what);
      if (o.error === null) assert.deepEqual(records.map((r) => dec(opener.open(r))), o.payloads, what);
    }
  }
  for (const v of doc.session_decode_errors) {
    expectOutcome(() => cc.SessionHeader.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
});

test('session catch-ups: the headers, trailers and proofs, who opens them, a re-run', () => {
  const users = keys();
  const authority = cc.Authority.fromSecretBytes(h(doc.authority.master_key));
  const opened = (header, records, rows, name) => {
    assert.equal(rows.length, users.size);
    for (const o of rows) {
      const what = `${name} by ${o.key}`;
      const opener = expectOutcome(() => users.get(o.key).openSession(pk(), header), o.error, null, what);
      if (o.error !== null) continue;
      let got;
      if (header.trailer === undefined) {
        got = records.map((r) => dec(opener.open(r)));
      } else {
        got = records.map((r, i) => dec(opener.openIncluded(r, cc.proveSessionRecord(records, i))));
        assert.deepEqual(opener.openAll(records).map(dec), got, what);
      }
      assert.deepEqual(got, o.payloads, what);
    }
  };
  for (const v of doc.session_catch_ups) {
    const header = cc.SessionHeader.fromBytes(h(v.header));
    assert.equal(hex(header.toBytes()), v.header);
    assert.deepEqual([hex(header.digest), header.noticeSerial ?? null], [v.header_digest, v.notice_serial]);
    const trailer = cc.Trailer.fromBytes(h(v.trailer));
    assert.equal(header.trailer ? hex(header.trailer.toBytes()) : null, v.carried_trailer);
    const records = v.records.map((r) => cc.SessionRecord.fromBytes(h(r)));
    assert.ok(cc.sessionTrailer(header, records).equals(trailer), v.name);
    v.proofs.forEach((p, i) => {
      const proof = cc.proveSessionRecord(records, i);
      assert.deepEqual([proof.index, proof.size, proof.path.map(hex)], [p.index, p.size, p.path]);
    });
    const old = byName('sessions', v.session);
    const oldHeader = cc.SessionHeader.fromBytes(h(old.header));
    const oldRecords = old.records.map((r) => cc.SessionRecord.fromBytes(h(r)));
    const n = verified(v.notice);
    assert.ok(oldHeader.needsCatchUp(n) && !header.needsCatchUp(n));
    opened(header, records, v.opens, v.name);
    if (v.how === 'rewrap') {
      assert.deepEqual(v.records, old.records);
      assert.ok(header.trailer.equals(trailer));
      opened(authority.rewrapSession(oldHeader, trailer, n), oldRecords, v.opens, `${v.name} (re-run)`);
    } else {
      const again = authority.reencryptSession(oldHeader, oldRecords, null, n);
      assert.ok(cc.sessionTrailer(again.header, again.records).equals(again.trailer));
      opened(again.header, again.records, v.opens, `${v.name} (re-run)`);
    }
  }
});

test('session splits: both halves, their trailers, who opens each, a re-run', () => {
  const users = keys();
  const authority = cc.Authority.fromSecretBytes(h(doc.authority.master_key));
  const records = (list) => list.map((r) => cc.SessionRecord.fromBytes(h(r)));
  const checkOpens = (header, recs, rows, name) => {
    assert.equal(rows.length, users.size);
    const proofs = cc.proveSessionRecords(recs);
    for (const o of rows) {
      const what = `${name} by ${o.key}`;
      const opener = expectOutcome(() => users.get(o.key).openSession(pk(), header), o.error, null, what);
      if (o.error !== null) continue;
      const got = header.trailer === undefined
        ? recs.map((r) => dec(opener.open(r)))
        : recs.map((r, i) => dec(opener.openIncluded(r, proofs[i])));
      assert.deepEqual(got, o.payloads, what);
    }
  };
  for (const v of doc.session_splits) {
    const prefix = cc.SessionHeader.fromBytes(h(v.prefix));
    const tail = cc.SessionHeader.fromBytes(h(v.tail));
    const progress = cc.Trailer.fromBytes(h(v.progress));
    const close = cc.Trailer.fromBytes(h(v.close));
    assert.equal(hex(prefix.toBytes()), v.prefix);
    assert.ok(prefix.trailer.equals(progress));
    assert.equal(tail.trailer, undefined);
    const old = byName('sessions', v.session);
    const oldHeader = cc.SessionHeader.fromBytes(h(old.header));
    const oldRecords = records(old.records);
    assert.ok(cc.sessionTrailer(oldHeader, oldRecords).equals(close));
    const s = progress.count;
    assert.ok(cc.sessionTrailer(oldHeader, oldRecords.slice(0, s)).equals(progress));
    const tailRecords = records(v.tail_records);
    assert.ok(cc.sessionTrailer(tail, tailRecords).equals(cc.Trailer.fromBytes(h(v.tail_trailer))));
    checkOpens(prefix, oldRecords.slice(0, s), v.prefix_opens, `${v.name} (prefix)`);
    checkOpens(tail, tailRecords, v.tail_opens, `${v.name} (tail)`);
    const again = authority.splitSession(oldHeader, oldRecords, progress, close, verified(v.notice));
    checkOpens(again.prefix, oldRecords.slice(0, s), v.prefix_opens, `${v.name} (re-run prefix)`);
    checkOpens(again.tail, again.tailRecords, v.tail_opens, `${v.name} (re-run tail)`);
  }
});

test('v3 streams (and a v2 one): the public info, who opens each, the header decoder refuses', () => {
  const users = keys();
  for (const v of doc.streams) {
    const stream = h(v.bytes);
    const info = cc.StreamInfo.read(stream);
    assert.deepEqual(
      [hex(info.streamId), hex(info.metadata), info.chunkSize, info.noticeSerial ?? null],
      [v.info.stream_id, v.info.metadata, v.info.chunk_size, v.info.notice_serial],
    );
    assert.deepEqual(info.attributeVersions(), v.info.attribute_versions);
    assert.equal(v.opens.length, users.size);
    for (const o of v.opens) {
      const what = `${v.name} by ${o.key}`;
      const got = expectOutcome(() => users.get(o.key).openStream(pk(), stream), o.error, null, what);
      if (o.error === null) assert.equal(dec(got), o.payload, what);
    }
  }
  for (const v of doc.stream_decode_errors) {
    expectOutcome(() => cc.StreamInfo.read(h(v.bytes)), v.error, v.detail, v.name);
  }
});

test('stream catch-ups: the trailers, the caught-up streams, who opens them, a re-run', () => {
  const users = keys();
  const authority = cc.Authority.fromSecretBytes(h(doc.authority.master_key));
  const headerEnd = (s) => 8 + new DataView(s.buffer, s.byteOffset).getUint32(4);
  const opens = (stream, rows, name) => {
    assert.equal(rows.length, users.size);
    for (const o of rows) {
      const what = `${name} by ${o.key}`;
      const got = expectOutcome(() => users.get(o.key).openStream(pk(), stream), o.error, null, what);
      if (o.error === null) assert.equal(dec(got), o.payload, what);
    }
  };
  for (const v of doc.stream_catch_ups) {
    const t = v.trailer;
    const trailer = cc.Trailer.fromBytes(h(t.bytes));
    assert.equal(hex(trailer.toBytes()), t.bytes);
    assert.deepEqual(
      [hex(trailer.digest), hex(trailer.id), hex(trailer.headerDigest), hex(trailer.keyCommitment), trailer.count, hex(trailer.root)],
      [t.digest, t.id, t.header_digest, t.key_commitment, t.count, t.root],
    );
    const caughtUp = h(v.bytes);
    assert.ok(cc.streamTrailer(caughtUp).equals(trailer), v.name);
    const info = cc.StreamInfo.read(caughtUp);
    assert.deepEqual(
      [hex(info.streamId), hex(info.metadata), info.chunkSize, info.noticeSerial ?? null, hex(info.headerDigest)],
      [v.info.stream_id, v.info.metadata, v.info.chunk_size, v.info.notice_serial, v.info.header_digest],
    );
    assert.deepEqual(info.attributeVersions(), v.info.attribute_versions);
    assert.equal(info.trailer ? hex(info.trailer.digest) : null, v.info.trailer_digest);
    const old = h(byName('streams', v.stream).bytes);
    const n = verified(v.notice);
    assert.ok(cc.StreamInfo.read(old).needsCatchUp(n));
    assert.ok(!info.needsCatchUp(n));
    opens(caughtUp, v.opens, v.name);
    let again;
    if (v.how === 'rewrap') {
      assert.equal(hex(caughtUp.subarray(headerEnd(caughtUp))), hex(old.subarray(headerEnd(old))));
      assert.ok(cc.streamTrailer(old).equals(trailer));
      again = authority.rewrapStream(old, trailer, n);
    } else {
      again = authority.reencryptStream(old, null, n);
    }
    opens(again, v.opens, `${v.name} (re-run)`);
  }
  for (const v of doc.trailer_decode_errors) {
    expectOutcome(() => cc.Trailer.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
});

test('v3 re-encryption: re-keys, re-derived hops, who opens them, the decoders refuse', () => {
  const g = doc.reencryption;
  const d = cc.DelegationKey.fromBytes(h(g.delegation_key.bytes));
  assert.equal(hex(d.toBytes()), g.delegation_key.bytes);
  assert.equal(hex(d.keyId), g.delegation_key.key_id);
  const users = new Map(g.keys.map((k) => [k.name, cc.UserKey.fromBytes(h(k.bytes))]));
  const notices = { n1: verified('n1'), n2: verified('n2') };
  const rekeys = g.rekeys.map((v) => {
    const rk = cc.ReKey.fromBytes(h(v.bytes));
    assert.equal(hex(rk.toBytes()), v.bytes);
    assert.ok(rk.isV3);
    assert.equal(hex(cc.rekeyDigest(rk)), v.digest);
    assert.equal(hex(rk.delegationKeyId), v.delegation_key_id);
    assert.equal(hex(rk.grant), v.grant);
    assert.equal(rk.parent === undefined ? null : hex(rk.parent), v.parent);
    assert.deepEqual(rk.attributeVersions(), v.attribute_versions);
    assert.deepEqual(rk.targetVersions(), v.target_versions);
    for (const [name, n] of Object.entries(notices)) {
      expectOutcome(() => rk.checkCurrent([n]), v.check_current[name], null, `${v.name} under ${name}`);
    }
    return rk;
  });
  assert.equal(hex(rekeys[0].delegationKeyId), hex(d.keyId));
  let below = cc.SealedRecord.fromBytes(h(byName('records', g.source_record).bytes));
  g.records.forEach((v, i) => {
    const r = cc.SealedRecord.fromBytes(h(v.bytes));
    assert.equal(hex(r.toBytes()), v.bytes);
    assert.equal(r.hopCount, v.hop_count);
    assert.equal(r.newestGrant === undefined ? null : hex(r.newestGrant), v.newest_grant);
    assert.equal(hex(rekeys[i].reencrypt(below).toBytes()), v.bytes, 'deterministic');
    for (const o of v.opens) {
      const got = expectOutcome(() => users.get(o.key).open(pk(), r), o.error, null, `${v.name} by ${o.key}`);
      if (o.error === null) assert.equal(dec(got), o.payload, `${v.name} by ${o.key}`);
    }
    below = r;
  });
  for (const v of g.record_decode_errors) {
    expectOutcome(() => cc.SealedRecord.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
  for (const v of g.rekey_decode_errors) {
    expectOutcome(() => cc.ReKey.fromBytes(h(v.bytes)), v.error, v.detail, v.name);
  }
});
