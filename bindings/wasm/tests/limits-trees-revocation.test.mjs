// Inspection and bounds: Policy.root (the canonical syntax tree), lsssColumns, lsssDisplay; the
// core's input bounds (the constants MAX_*, from the core's table) tested at and past each bound;
// EMPTY_ROOT and GENESIS; and RevocationSet with ConsentToken.verify.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsSigningKey, ConsentToken, Chain, Entry, MerkleTree, Policy, RevocationSet } = cc;
const enc = (s) => new TextEncoder().encode(s);

test('Policy.root: the canonical tree (flattened, thresholds kept), and back to the text', () => {
  const p = Policy.parse('patient:42 or (role:physician and (dept:cardiology and site:h1)) or 2 of (a:1, b:1, c:1)');
  assert.deepEqual(p.root, {
    kind: 'or',
    children: [
      { kind: 'leaf', attribute: 'patient:42' },
      { kind: 'and', children: ['role:physician', 'dept:cardiology', 'site:h1'].map((a) => ({ kind: 'leaf', attribute: a })) },
      { kind: 'threshold', k: 2, children: ['a:1', 'b:1', 'c:1'].map((a) => ({ kind: 'leaf', attribute: a })) },
    ],
  });
  assert.deepEqual(Policy.parse('x:1').root, { kind: 'leaf', attribute: 'x:1' });
  // The tree, printed back with minimal parentheses, is the canonical text.
  const print = (n) => {
    if (n.kind === 'leaf') return n.attribute;
    if (n.kind === 'threshold') return `${n.k} of (${n.children.map(print).join(', ')})`;
    // `and` binds tighter than `or`: only an `or` inside an `and` needs parentheses.
    return n.children.map((c) => (n.kind === 'and' && c.kind === 'or' ? `(${print(c)})` : print(c)))
      .join(` ${n.kind} `);
  };
  assert.equal(print(p.root), p.toString());
  const q = Policy.parse('(a:1 or b:1) and c:1');
  assert.equal(print(q.root), q.toString());
});

test('lsssColumns and lsssDisplay agree with lsssRows and lsssRho', () => {
  for (const text of ['a:1', 'a:1 and b:1', 'a:1 or b:1', '2 of (a:1, b:1, c:1)', 'a:1 and (b:1 or 2 of (c:1, d:1, e:1))']) {
    const p = Policy.parse(text);
    const rows = p.lsssRows();
    assert.equal(p.lsssColumns(), rows[0].length, text);
    assert.ok(rows.every((r) => r.length === p.lsssColumns()), text);
    // A header naming the columns, then `i  ρ(i)  [ M_i ]` per row.
    const [header, ...lines] = p.lsssDisplay().trimEnd().split('\n');
    assert.deepEqual(header.match(/c\d+/g), rows[0].map((_, j) => `c${j}`), text);
    assert.equal(lines.length, rows.length, text);
    lines.forEach((line, i) => {
      const [, index, attr, entries] = line.match(/^(\d+)\s+(\S+)\s+\[([^\]]*)\]$/);
      assert.deepEqual([Number(index), attr], [i, p.lsssRho()[i]], `${text}: row ${i}`);
      assert.deepEqual(entries.trim().split(/\s+/).map(Number), rows[i], `${text}: row ${i}`);
    });
  }
  // 1 + binary ANDs + Σ (k − 1) over genuine thresholds.
  assert.equal(Policy.parse('a:1 and b:1 and c:1').lsssColumns(), 3);
  assert.equal(Policy.parse('3 of (a:1, b:1, c:1, d:1)').lsssColumns(), 3);
  assert.equal(Policy.parse('a:1 or b:1 or c:1').lsssColumns(), 1);
});

test('The MAX_* constants are the core\'s bounds: accepted at each bound, refused past it', () => {
  assert.equal(cc.MAX_HOPS, 8);
  assert.equal(cc.MAX_RECORD_ID_LEN, 1024);
  assert.ok(cc.DEFAULT_CHUNK_SIZE <= cc.MAX_CHUNK_SIZE);
  for (const k of ['MAX_POLICY_LEAVES', 'MAX_POLICY_DEPTH', 'MAX_POLICY_TEXT_LEN', 'MAX_ATTRIBUTE_LEN',
    'MAX_GATE_CHILDREN', 'MAX_KEY_ATTRIBUTES', 'MAX_METADATA_LEN', 'MAX_PAYLOAD_LEN']) {
    assert.ok(Number.isSafeInteger(cc[k]) && cc[k] > 0, k);
  }
  assert.throws(() => { cc.MAX_HOPS = 100; }, TypeError, 'read-only');

  const leaves = Array.from({ length: cc.MAX_POLICY_LEAVES }, (_, i) => `a:${i}`);
  assert.equal(Policy.parse(leaves.join(' or ')).attributes.length, cc.MAX_POLICY_LEAVES);
  assert.throws(() => Policy.parse([...leaves, 'b:1'].join(' or ')), cc.LimitExceeded);
  Policy.parse(`a:${'x'.repeat(cc.MAX_ATTRIBUTE_LEN - 2)}`);
  assert.throws(() => Policy.parse(`a:${'x'.repeat(cc.MAX_ATTRIBUTE_LEN - 1)}`), cc.LimitExceeded);

  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const p = Policy.parse('a:1');
  cc.seal(pk, p, new Uint8Array(cc.MAX_RECORD_ID_LEN).fill(105), enc(''), enc('x'));
  assert.throws(() => cc.seal(pk, p, new Uint8Array(cc.MAX_RECORD_ID_LEN + 1).fill(105), enc(''), enc('x')),
    cc.InvalidArgument);
  cc.seal(pk, p, enc('i'), new Uint8Array(cc.MAX_METADATA_LEN), enc('x'));
  assert.throws(() => cc.seal(pk, p, enc('i'), new Uint8Array(cc.MAX_METADATA_LEN + 1), enc('x')),
    cc.InvalidArgument);
});

test('Limits of consent tokens, chain entries and key material: accepted at each bound, refused past it', () => {
  const patient = BlsSigningKey.fromIkm(new Uint8Array(cc.MIN_IKM_LEN).fill(7));
  assert.throws(() => BlsSigningKey.fromIkm(new Uint8Array(cc.MIN_IKM_LEN - 1)), cc.InvalidArgument);
  const grantee = Policy.parse('h:2');
  const issue = (subject, purposes) => ConsentToken.issue(patient, subject, grantee, 0, 10, purposes);
  const many = (n) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(4, '0')}`);
  issue('s'.repeat(cc.MAX_CONSENT_SUBJECT_LEN), ['t']);
  assert.throws(() => issue('s'.repeat(cc.MAX_CONSENT_SUBJECT_LEN + 1), ['t']), cc.InvalidArgument);
  issue('s', many(cc.MAX_LIST_LEN));
  assert.throws(() => issue('s', many(cc.MAX_LIST_LEN + 1)), cc.InvalidArgument);
  issue('s', ['x'.repeat(cc.MAX_LABEL_LEN)]);
  assert.throws(() => issue('s', ['x'.repeat(cc.MAX_LABEL_LEN + 1)]), cc.InvalidArgument);

  // MAX_BLOCKS: the authority block and MAX_BLOCKS - 1 attenuations, each by the holder named before.
  const holders = Array.from({ length: cc.MAX_BLOCKS + 1 }, () => BlsSigningKey.generate());
  let token = ConsentToken.issueGrant(patient, new cc.Grant('s', grantee, 0, 10).purposes(['t'])
    .holder(holders[0].publicKey()));
  for (let i = 1; i < cc.MAX_BLOCKS; i += 1) {
    token = token.attenuate(holders[i - 1], new cc.Narrowing().holder(holders[i].publicKey()));
  }
  assert.equal(token.blockCount, cc.MAX_BLOCKS);
  token.present(holders[cc.MAX_BLOCKS - 1]).verify(patient.publicKey(), 5);
  assert.throws(() => token.attenuate(holders[cc.MAX_BLOCKS - 1], new cc.Narrowing()), cc.InvalidArgument);
  assert.ok(token.toBytes().length <= cc.MAX_TOKEN_LEN);

  assert.equal(cc.MAX_ENTRY_SUBJECT_LEN, 1024); // entries.test.mjs signs at and past it
  assert.equal(cc.MAX_ENTRY_METADATA_LEN, 65_536);
  for (const k of ['MAX_NOTE_LEN', 'MAX_NOTE_SIGNATURES', 'MAX_PROOF_HASHES']) {
    assert.ok(Number.isSafeInteger(cc[k]) && cc[k] > 0, k);
  }
  // An inclusion proof longer than any tree of safe size: refused before hashing.
  const tooLong = Array.from({ length: cc.MAX_PROOF_HASHES + 1 }, () => new Uint8Array(32));
  assert.throws(() => cc.verifyInclusion(new Uint8Array(32), 0, 2 ** 53 - 1, tooLong, new Uint8Array(32)),
    cc.CipherchartError);
});

test('EMPTY_ROOT and GENESIS', () => {
  assert.deepEqual(cc.EMPTY_ROOT, new Uint8Array(createHash('sha256').digest()));
  assert.deepEqual(new MerkleTree().root, cc.EMPTY_ROOT);
  assert.deepEqual(new Chain().root, cc.EMPTY_ROOT);
  assert.deepEqual(cc.GENESIS, new Uint8Array(32));
  assert.deepEqual(new Chain().lastHash, cc.GENESIS);
});

test('RevocationSet: outright ids, logged entries counted only from the issuer or an upstream holder', () => {
  const patient = BlsSigningKey.generate();
  const clinic = BlsSigningKey.generate();
  const stranger = BlsSigningKey.generate();
  const grantee = Policy.parse('hospital:h2');
  const token = ConsentToken.issueGrant(patient, new cc.Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .holder(clinic.publicKey())).present(clinic);
  const [id] = token.revocationIds();

  const set = new RevocationSet();
  assert.equal(set.size, 0);
  token.verify(patient.publicKey(), 50, set);

  // A ledger reads entries as they come: a stranger's revoke entry is recorded but does not count.
  const chain = new Chain();
  chain.appendGrant(token, 10, patient);
  chain.appendRevoke(token, 20, stranger);
  assert.equal(set.insertEntry(chain.entry(0)), false, 'a grant entry is not a revocation');
  assert.equal(set.insertEntry(chain.entry(1)), true);
  assert.equal(set.has(id), true);
  token.verify(patient.publicKey(), 50, set);
  // The patient's own revocation does.
  chain.appendRevoke(token, 30, patient);
  set.insertEntry(chain.entry(2));
  assert.throws(() => token.verify(patient.publicKey(), 50, set), cc.ConsentError);
  assert.equal(set.size, 1);
  // fromChain reads the same.
  assert.throws(() => token.verify(patient.publicKey(), 50, RevocationSet.fromChain(chain)), cc.ConsentError);
  assert.throws(() => chain.verifyConsent(token, patient.publicKey(), 50), cc.ConsentError);

  // Outright revocation, whoever asks.
  const outright = new RevocationSet();
  assert.equal(outright.insert(id), true);
  assert.equal(outright.insert(id), false);
  assert.throws(() => token.verify(patient.publicKey(), 50, outright), cc.ConsentError);
  assert.throws(() => outright.insert(new Uint8Array(31)), cc.InvalidEncoding);
  assert.throws(() => outright.has(new Uint8Array(33)), cc.InvalidEncoding);

  // A revoke entry with a forged signature: refused, not silently skipped.
  const bytes = chain.entry(2).toBytes();
  const other = chain.entry(1).toBytes();
  bytes.set(other.slice(other.length - 96), bytes.length - 96);
  assert.throws(() => new RevocationSet().insertEntry(Entry.fromBytes(bytes)), cc.VerificationFailed);
});

test('RevocationSet: a holder can revoke its own block and those after it, never an earlier one', () => {
  const patient = BlsSigningKey.generate();
  const clinic = BlsSigningKey.generate();
  const doctor = BlsSigningKey.generate();
  const grantee = Policy.parse('hospital:h2');
  // Block 0 by the patient (holder: clinic), block 1 by the clinic (holder: doctor), doctor's proof.
  const token = ConsentToken.issueGrant(patient, new cc.Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .holder(clinic.publicKey())).attenuate(clinic, new cc.Narrowing().holder(doctor.publicKey())).present(doctor);
  const [id0, id1] = token.revocationIds();
  const revoke = (id, key) => {
    const chain = new Chain();
    chain.signAndAppend(cc.EntryDraft.forPayload(1, 'revoke', id, id), key);
    const set = new RevocationSet();
    assert.equal(set.insertEntry(chain.entry(0)), true);
    return set;
  };
  const refused = (set) => assert.throws(() => token.verify(patient.publicKey(), 50, set), cc.ConsentError);
  const accepted = (set) => token.verify(patient.publicKey(), 50, set);

  refused(revoke(id1, clinic));   // the clinic signed block 1
  refused(revoke(id1, patient));  // the issuer signed block 0, upstream of block 1
  refused(revoke(id0, patient));
  accepted(revoke(id1, doctor));  // the doctor signed no block (only the proof)
  accepted(revoke(id0, clinic));  // block 0 is upstream of the clinic
  accepted(revoke(id0, doctor));

  // A revoke entry whose subject is not a 32-byte id is not a revocation.
  const chain = new Chain();
  chain.signAndAppend(cc.EntryDraft.forPayload(1, 'revoke', id0.slice(1), id0), patient);
  assert.equal(new RevocationSet().insertEntry(chain.entry(0)), false);
});

