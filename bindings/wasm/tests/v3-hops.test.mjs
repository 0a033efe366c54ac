// Format v3 re-encryption through the JavaScript (WASM) binding (the Rust
// tests/revocation/hops.rs, case for case): delegation keys at attribute versions
// (Authority.issueDelegationKeyUnder), v3 re-keys (DelegationKey.rekeyUnder) with parent links,
// SealedRecord.newestGrant, the proxy's currency check (ReKey.checkCurrent, StaleReKey), a
// revocation reaching a hop's audience, a v3 referral across two authorities, and the refusals:
// every refused call leaves the delegation key usable (outside review FB-1).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const {
  Authority, BlsSigningKey, DelegationKey, Policy, ReKey, SealedRecord, VersionNotice, seal, sealWithNotice,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));

const T0 = 1_800_000_000;
const V3_DELEGATION_KEY = [0x43, 0x43, 0x09, 0x03];
const V3_REKEY = [0x43, 0x43, 0x05, 0x03];

/**
 * An authority's notice service (as tests/revocation/common.rs): its own notice key, the bumped
 * names with their versions, each notice verified against the one before.
 */
class NoticeService {
  constructor(authority) {
    this.key = BlsSigningKey.generate();
    this.authority = authority.publicKey().id;
    this.now = T0;
    this.bumpCount = 0;
    this.versions = new Map();
    this.last = null;
  }

  /** A fresh notice at the current versions. */
  current() {
    this.now += 1;
    const head = new Uint8Array(32);
    if (this.bumpCount) {
      head.fill(0xbb, 0, 24);
      new DataView(head.buffer).setBigUint64(24, BigInt(this.bumpCount));
    }
    const notice = VersionNotice.sign(this.key, {
      authority: this.authority, statementSerial: 0, serial: this.now, issuedAt: this.now,
      notAfter: this.now + 3600, bumpCount: this.bumpCount, bumpHead: head, versions: [...this.versions],
    });
    this.last = notice.verify(this.key.publicKey(), this.now, this.last);
    return this.last;
  }

  /** One bump entry raising each of `names` by one, and the notice that reflects it. */
  bump(names) {
    this.bumpCount += 1;
    for (const n of names) this.versions.set(n, (this.versions.get(n) ?? 0) + 1);
    return this.current();
  }
}

/** A v3 re-key for `attributes` of `authority` to `to` under `target`'s notice. */
function rekey(authority, sourceNotice, attributes, [targetPk, targetNotice], to, parent) {
  const consent = BlsSigningKey.generate();
  return authority.issueDelegationKeyUnder(sourceNotice, attributes, consent.publicKey())
    .rekeyUnder(targetPk, targetNotice, Policy.parse(to), parent);
}

const key = (authority, notice, attributes) => authority.issueKeyUnder(notice, attributes);

/** `call` must throw exactly `cls` (with its code). */
const throwsExactly = (call, cls, what) => assert.throws(call, (e) => {
  assert.equal(e?.constructor, cls, `${what ?? ''}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, cls.code);
  assert.ok(e instanceof cc.CipherchartError);
  return true;
});
/** `call` must throw InvalidArgument naming `argument`. */
const invalid = (call, argument, what) => assert.throws(call, (e) => {
  assert.equal(e?.constructor, cc.InvalidArgument, `${what ?? ''}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, 'invalid_argument');
  assert.ok(e.message.includes(` ${argument} `), `${what ?? ''}: ${e.message}`);
  return true;
});

test('a v3 record is shared through a v3 re-key, and every object round-trips', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n1 = service.bump(['patient:42', 'role:gp']);
  const record = sealWithNotice(pk, n1, Policy.parse('patient:42'), enc('r1'), enc('letter'), enc('x-ray'));
  const consent = BlsSigningKey.generate();
  let delegation = authority.issueDelegationKeyUnder(n1, ['patient:42'], consent.publicKey());
  // A delegation key at a version >= 1 is written in format v3, once.
  const bytes = delegation.toBytes();
  assert.deepEqual([...bytes.slice(0, 4)], V3_DELEGATION_KEY);
  delegation = DelegationKey.fromBytes(bytes);
  assert.deepEqual(delegation.toBytes(), bytes);
  assert.deepEqual(delegation.attributes, ['patient:42']);
  assert.deepEqual(delegation.authority, pk.id);
  const keyId = delegation.keyId;
  assert.ok(keyId instanceof Uint8Array && keyId.length === 32);
  assert.deepEqual(DelegationKey.fromBytes(bytes).keyId, keyId);

  const rk = delegation.rekeyUnder(pk, n1, Policy.parse('role:gp'));
  assert.equal(delegation.isConsumed, true);
  assert.throws(() => delegation.keyId, cc.InvalidArgument);
  assert.throws(() => delegation.rekeyUnder(pk, n1, Policy.parse('role:gp')), cc.InvalidArgument);
  assert.ok(rk instanceof ReKey);
  assert.equal(rk.isV3, true);
  assert.equal(rk.parent, undefined);
  assert.deepEqual(rk.targetVersions(), [['role:gp', 1]]);
  assert.deepEqual(rk.attributeVersions(), [['patient:42', 1]]);
  assert.equal(rk.checkCurrent([n1]), undefined);
  const rkBytes = rk.toBytes();
  assert.deepEqual([...rkBytes.slice(0, 4)], V3_REKEY);
  const rk2 = ReKey.fromBytes(rkBytes);
  assert.deepEqual(rk2.toBytes(), rkBytes);
  assert.deepEqual(rk2.grant, rk.grant);
  assert.equal(rk2.isV3, true);
  // The grant: the source authority's key id, then the grant id, derived from the key id.
  assert.ok(rk.grant instanceof Uint8Array && rk.grant.length === 48);
  assert.deepEqual(rk.grant, concat(pk.id, rk.grantId));
  assert.notDeepEqual(rk.grantId, new Uint8Array(16));
  assert.notDeepEqual(keyId.slice(0, 16), rk.grantId);

  assert.equal(record.newestGrant, undefined);
  const shared = rk.reencrypt(record);
  assert.equal(shared.hopCount, 1);
  assert.deepEqual(shared.newestGrant, rk.grant);
  // Deterministic, and the record round-trips byte for byte.
  assert.deepEqual(rk2.reencrypt(record).toBytes(), shared.toBytes());
  const decoded = SealedRecord.fromBytes(shared.toBytes());
  assert.deepEqual(decoded.toBytes(), shared.toBytes());
  assert.ok(decoded.equals(shared));
  assert.deepEqual(decoded.newestGrant, rk.grant);
  // The grants handed out are copies: changing one changes nothing.
  decoded.newestGrant.fill(0);
  rk.grant.fill(0);
  assert.deepEqual(decoded.newestGrant, rk2.grant);

  assert.equal(dec(key(authority, n1, ['role:gp']).open(pk, decoded)), 'x-ray');
  // The original audience still opens (its layer is embedded).
  assert.equal(dec(key(authority, n1, ['patient:42']).open(pk, decoded)), 'x-ray');
  // A gp key from before the bump of role:gp does not.
  throwsExactly(() => authority.issueKey(['role:gp']).open(pk, decoded), cc.PolicyNotSatisfied);
  throwsExactly(() => key(authority, n1, ['role:nurse']).open(pk, decoded), cc.PolicyNotSatisfied);
});

test('a v2 re-key and record have no v3 fields', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const consent = BlsSigningKey.generate();
  const v2 = authority.issueDelegationKey(['patient:42'], consent.publicKey()).rekey(pk, Policy.parse('role:gp'));
  assert.equal(v2.isV3, false);
  assert.equal(v2.parent, undefined);
  assert.deepEqual(v2.grant, concat(pk.id, v2.grantId));
  assert.deepEqual(v2.attributeVersions(), [['patient:42', 0]]);
  assert.deepEqual(v2.targetVersions(), [['role:gp', 0]]);
  const shared = v2.reencrypt(seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('x')));
  assert.deepEqual(shared.newestGrant, v2.grant);
  // A v2 re-key is current under a notice that bumped nothing it names (every version 0).
  const service = new NoticeService(authority);
  v2.checkCurrent([service.current()]);
  throwsExactly(() => v2.checkCurrent([service.bump(['role:gp'])]), cc.StaleReKey);
});

test('multi-hop follows the parent links', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const n = new NoticeService(authority).bump(['role:gp']);
  const record = sealWithNotice(pk, n, Policy.parse('patient:42'), enc('r'), enc(''), enc('note'));
  const first = rekey(authority, n, ['patient:42'], [pk, n], 'role:gp');
  const hop1 = first.reencrypt(record);

  // The gp forwards to a specialist: a re-key whose parent is the first grant.
  const second = rekey(authority, n, ['role:gp'], [pk, n], 'role:cardiologist', hop1.newestGrant);
  assert.deepEqual(second.parent, first.grant);
  // It applies only to records whose newest hop is of its parent.
  assert.equal(second.canReencrypt(record), false);
  throwsExactly(() => second.reencrypt(record), cc.PolicyNotSatisfied);
  assert.equal(second.canReencrypt(hop1), true);
  const hop2 = second.reencrypt(hop1);
  assert.deepEqual(hop2.newestGrant, second.grant);
  // A re-key without a parent (undefined or null) applies only to records without hops, even
  // where its attributes satisfy the newest layer.
  for (const none of [undefined, null]) {
    const orphan = rekey(authority, n, ['role:gp'], [pk, n], 'role:cardiologist', none);
    assert.equal(orphan.parent, undefined);
    assert.equal(orphan.canReencrypt(hop1), false);
    throwsExactly(() => orphan.reencrypt(hop1), cc.PolicyNotSatisfied);
  }
  // Nor does a re-key whose parent is another grant.
  const stranger = rekey(authority, n, ['patient:42'], [pk, n], 'role:gp');
  const wrongParent = rekey(authority, n, ['role:gp'], [pk, n], 'role:cardiologist', stranger.grant);
  throwsExactly(() => wrongParent.reencrypt(hop1), cc.PolicyNotSatisfied);

  // The parent may also be an array of byte values.
  const third = rekey(authority, n, ['role:cardiologist'], [pk, n], 'role:surgeon', [...hop2.newestGrant]);
  assert.deepEqual(third.parent, second.grant);
  const hop3 = SealedRecord.fromBytes(third.reencrypt(hop2).toBytes());
  assert.equal(hop3.hopCount, 3);
  assert.deepEqual(hop3.newestGrant, third.grant);
  for (const [attrs, expect] of [
    [['patient:42'], true], [['role:gp'], true], [['role:cardiologist'], true], [['role:surgeon'], true],
    [['role:nurse'], false],
  ]) {
    const k = key(authority, n, attrs);
    if (expect) assert.equal(dec(k.open(pk, hop3)), 'note', attrs);
    else throwsExactly(() => k.open(pk, hop3), cc.PolicyNotSatisfied, attrs);
  }
});

test('formats do not mix, and refusals do not consume the delegation key', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const gp = Policy.parse('role:gp');
  const v2Record = seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('x'));
  const v3Record = sealWithNotice(pk, n0, Policy.parse('patient:42'), enc('r'), enc(''), enc('x'));
  const consent = BlsSigningKey.generate();
  const v2 = authority.issueDelegationKey(['patient:42'], consent.publicKey()).rekey(pk, gp);
  const v3 = rekey(authority, n0, ['patient:42'], [pk, n0], 'role:gp');
  throwsExactly(() => v2.reencrypt(v3Record), cc.InvalidArgument);
  throwsExactly(() => v3.reencrypt(v2Record), cc.InvalidArgument);
  assert.equal(v2.canReencrypt(v3Record) || v3.canReencrypt(v2Record), false);
  const [refused] = v2.reencryptBatch([v3Record]);
  assert.ok(refused instanceof cc.InvalidArgument);
  // An unversioned delegation key makes either: a v3 re-key at version 0 here.
  const unversioned = authority.issueDelegationKey(['patient:42'], consent.publicKey()).rekeyUnder(pk, n0, gp);
  assert.equal(unversioned.isV3, true);
  assert.deepEqual(unversioned.attributeVersions(), [['patient:42', 0]]);
  assert.equal(unversioned.canReencrypt(v3Record), true);
  assert.equal(unversioned.canReencrypt(v2Record), false);

  // A versioned one only v3 re-keys: rekey and rekeyTo refuse it without consuming it.
  const n1 = service.bump(['patient:42']);
  const versioned = authority.issueDelegationKeyUnder(n1, ['patient:42'], consent.publicKey());
  throwsExactly(() => versioned.rekey(pk, gp), cc.InvalidArgument);
  assert.equal(versioned.isConsumed, false);
  throwsExactly(() => versioned.rekeyTo(pk, gp), cc.InvalidArgument);
  assert.equal(versioned.isConsumed, false);
  // The refusals keep the core's order: another authority's key first, the guard next.
  const other = Authority.setup();
  const guard = Policy.parse('cipherchart:key-holder');
  throwsExactly(() => versioned.rekey(other.publicKey(), gp), cc.WrongAuthority);
  throwsExactly(() => versioned.rekey(pk, guard), cc.InvalidAttribute);
  throwsExactly(() => versioned.rekeyTo(pk, guard), cc.InvalidAttribute);
  assert.equal(versioned.isConsumed, false);
  assert.deepEqual(versioned.rekeyUnder(pk, n1, gp).attributeVersions(), [['patient:42', 1]]);
  assert.equal(versioned.isConsumed, true);

  // rekeyUnder: a notice of another authority, the guard, a parent that is not 48 bytes: each
  // refused before any work, and the key is still usable.
  const otherNotice = new NoticeService(other).current();
  const d = authority.issueDelegationKeyUnder(n1, ['patient:42'], consent.publicKey());
  throwsExactly(() => d.rekeyUnder(pk, otherNotice, gp), cc.WrongAuthority);
  throwsExactly(() => d.rekeyUnder(other.publicKey(), n1, gp), cc.WrongAuthority);
  throwsExactly(() => d.rekeyUnder(pk, n1, guard), cc.InvalidAttribute);
  for (const length of [0, 16, 32, 47, 49, 96]) {
    assert.throws(() => d.rekeyUnder(pk, n1, gp, new Uint8Array(length)),
      (e) => e instanceof cc.InvalidEncoding && e.code === 'invalid_encoding' && e.kind === 'bad_length');
  }
  assert.equal(d.isConsumed, false);
  const grant = d.rekeyUnder(pk, n1, gp, null);
  assert.equal(grant.isV3, true);
  assert.equal(grant.parent, undefined);
  assert.equal(d.isConsumed, true);
  assert.throws(() => d.rekeyUnder(pk, n1, gp), (e) => e instanceof cc.InvalidArgument && /consumed/.test(e.message));
  // A notice of another authority cannot issue a delegation key.
  throwsExactly(() => authority.issueDelegationKeyUnder(otherNotice, ['patient:42'], consent.publicKey()),
    cc.WrongAuthority);
});

test('a revoked delegatee loses the record and the others keep it', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const record = sealWithNotice(pk, n0, Policy.parse('patient:42'), enc('r'), enc(''), enc('letter'));
  const grant = rekey(authority, n0, ['patient:42'], [pk, n0], 'role:gp');
  const shared = grant.reencrypt(record);
  const [ann, bob] = [key(authority, n0, ['role:gp']), key(authority, n0, ['role:gp'])];
  assert.equal(dec(bob.open(pk, shared)), 'letter');

  // Bob leaves: role:gp is bumped.
  const n1 = service.bump(['role:gp']);
  // The proxy's check: the re-key's target is stale, so it is not applied again.
  assert.throws(() => grant.checkCurrent([n1]), (e) => e instanceof cc.StaleReKey && e.code === 'stale_rekey'
    && e.name === 'StaleReKey' && cc.ERROR_CLASSES.stale_rekey === cc.StaleReKey);
  // A proxy holding only an older notice than the re-key's cannot vouch for it.
  const fresh = rekey(authority, n1, ['patient:42'], [pk, n1], 'role:gp');
  throwsExactly(() => fresh.checkCurrent([n0]), cc.FutureVersion);
  // Stored copies catch up: the hop's layer is stale, the hop is dropped.
  assert.equal(shared.needsCatchUp(n1), true);
  const caughtUp = authority.rewrap(shared, n1);
  assert.equal(caughtUp.hopCount, 0);
  assert.equal(caughtUp.newestGrant, undefined);
  throwsExactly(() => bob.open(pk, caughtUp), cc.PolicyNotSatisfied);
  // The proxy re-applies the grant with a re-key made under the new notice.
  fresh.checkCurrent([n1]);
  const reshared = fresh.reencrypt(caughtUp);
  throwsExactly(() => bob.open(pk, reshared), cc.PolicyNotSatisfied);
  throwsExactly(() => ann.open(pk, reshared), cc.PolicyNotSatisfied);
  const newAnn = key(authority, n1, ['role:gp']);
  assert.equal(dec(newAnn.open(pk, reshared)), 'letter');
  // Applying the stale re-key to the caught-up record: nothing in the record stops it, and
  // Bob's old key opens that copy. This is why a proxy runs checkCurrent before every use.
  const staleCopy = grant.reencrypt(caughtUp);
  throwsExactly(() => newAnn.open(pk, staleCopy), cc.PolicyNotSatisfied);
  assert.equal(dec(bob.open(pk, staleCopy)), 'letter');

  // The delegator's own attribute bumped: the source side is stale.
  const n2 = service.bump(['patient:42']);
  throwsExactly(() => fresh.checkCurrent([n2]), cc.StaleReKey);
  throwsExactly(() => fresh.reencrypt(authority.rewrap(reshared, n2)), cc.PolicyNotSatisfied);
  // The notices given to checkCurrent stay usable.
  assert.equal(n2.versionOf('patient:42'), 1);
  assert.equal(n1.serial + 1, n2.serial);
});

test('a v3 referral across two authorities', () => {
  const [a, b] = [Authority.setup(), Authority.setup()];
  const [pkA, pkB] = [a.publicKey(), b.publicKey()];
  const na = new NoticeService(a).bump(['patient:42']);
  const serviceB = new NoticeService(b);
  const nb = serviceB.bump(['role:cardiologist']);
  const record = sealWithNotice(pkA, na, Policy.parse('patient:42'), enc('ecg'), enc(''), enc('ECG'));
  // The target notice must be the target authority's.
  const d = a.issueDelegationKeyUnder(na, ['patient:42'], BlsSigningKey.generate().publicKey());
  throwsExactly(() => d.rekeyUnder(pkB, na, Policy.parse('role:cardiologist')), cc.WrongAuthority);
  assert.equal(d.isConsumed, false);

  const referral = rekey(a, na, ['patient:42'], [pkB, nb], 'role:cardiologist');
  assert.deepEqual(referral.authority, pkA.id);
  assert.deepEqual(referral.targetAuthority, pkB.id);
  assert.deepEqual(referral.targetVersions(), [['role:cardiologist', 1]]);
  for (const notices of [[na], [nb], []]) throwsExactly(() => referral.checkCurrent(notices), cc.WrongAuthority);
  referral.checkCurrent([na, nb]);
  referral.checkCurrent([nb, na]);
  const referred = SealedRecord.fromBytes(referral.reencrypt(record).toBytes());
  assert.deepEqual(referred.currentAuthority, pkB.id);
  const cardiologist = key(b, nb, ['role:cardiologist']);
  assert.equal(dec(cardiologist.openFederated([pkA, pkB], referred)), 'ECG');
  throwsExactly(() => cardiologist.open(pkB, referred), cc.WrongAuthority);
  // B's own hop onward names the referral as its parent, qualified by A.
  assert.deepEqual(referred.newestGrant, concat(pkA.id, referral.grantId));
  assert.deepEqual(referred.newestGrant, referral.grant);
  const onward = rekey(b, nb, ['role:cardiologist'], [pkB, nb], 'role:surgeon', referred.newestGrant);
  assert.deepEqual(onward.parent, referral.grant);
  assert.deepEqual(onward.grant, concat(pkB.id, onward.grantId));
  const twice = onward.reencrypt(referred);
  assert.equal(dec(key(b, nb, ['role:surgeon']).openFederated([pkA, pkB], twice)), 'ECG');
  // B bumps the target name: the referral's re-key is stale, also beside the older notice.
  const nb2 = serviceB.bump(['role:cardiologist']);
  throwsExactly(() => referral.checkCurrent([na, nb2]), cc.StaleReKey);
  throwsExactly(() => referral.checkCurrent([na, nb, nb2]), cc.StaleReKey);
  // B's notice selects the stored copy by its B layer; B's storage strips the stale hop (the
  // copy is then A's record as sealed), and A's proxy re-refers it under both notices.
  assert.ok(referred.needsCatchUp(nb2) && !record.needsCatchUp(nb2));
  assert.equal(referred.stripStaleHops(na), undefined);
  const stripped = referred.stripStaleHops(nb2);
  assert.deepEqual(stripped.toBytes(), record.toBytes());
  // The strip is logged (B's chain); a pair that is not a strip is refused.
  assert.equal(cc.Entry.forStrip(referred, stripped, 1_800_000_100).action, 'update');
  throwsExactly(() => cc.Entry.forStrip(stripped, referred, 1), cc.InvalidArgument);
  throwsExactly(() => cardiologist.openFederated([pkA, pkB], stripped), cc.WrongAuthority);
  const again = rekey(a, na, ['patient:42'], [pkB, nb2], 'role:cardiologist');
  again.checkCurrent([na, nb2]);
  const reReferred = again.reencrypt(stripped);
  throwsExactly(() => cardiologist.openFederated([pkA, pkB], reReferred), cc.PolicyNotSatisfied);
  assert.equal(dec(key(b, nb2, ['role:cardiologist']).openFederated([pkA, pkB], reReferred)), 'ECG');
});

test('wrong types for every new method are InvalidArgument naming the argument, and consume nothing', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n = service.bump(['role:gp']);
  const unverified = n.notice;
  const consent = BlsSigningKey.generate();
  const gp = Policy.parse('role:gp');
  // A notice of the verify-only build is refused by the full build, and said so.
  const foreign = v.VersionNotice.fromBytes(n.notice.toBytes()).verify(
    v.BlsPublicKey.fromBytes(service.key.publicKey().toBytes()), service.now);
  const freed = service.current();
  freed.free();

  const badNotices = [undefined, null, enc('notice'), n.notice.toBytes(), unverified, pk, 'n', {}, foreign, freed];
  for (const bad of badNotices) {
    invalid(() => authority.issueDelegationKeyUnder(bad, ['patient:42'], consent.publicKey()), 'notice');
  }
  for (const bad of ['patient:42', undefined, [enc('patient:42')], 42, ['\ud800:x']]) {
    invalid(() => authority.issueDelegationKeyUnder(n, bad, consent.publicKey()), 'attributes');
  }
  for (const bad of [undefined, null, consent.publicKey().toBytes(), consent, pk]) {
    invalid(() => authority.issueDelegationKeyUnder(n, ['patient:42'], bad), 'delegator');
  }

  const d = authority.issueDelegationKeyUnder(n, ['patient:42'], consent.publicKey());
  for (const bad of [undefined, null, pk.toBytes(), 'pk', authority, n]) invalid(() => d.rekeyUnder(bad, n, gp), 'target');
  for (const bad of badNotices) invalid(() => d.rekeyUnder(pk, bad, gp), 'targetNotice');
  for (const bad of [undefined, null, 'role:gp', gp.toBytes(), n]) invalid(() => d.rekeyUnder(pk, n, bad), 'targetPolicy');
  const parents = ['a'.repeat(48), 48, new Uint16Array(48), new ArrayBuffer(48), [256, ...new Array(47).fill(0)], pk,
    new DataView(new ArrayBuffer(48)), ['0']];
  for (const bad of parents) invalid(() => d.rekeyUnder(pk, n, gp, bad), 'parent', String(bad));
  assert.equal(d.isConsumed, false);
  const rk = d.rekeyUnder(pk, n, gp, undefined);
  assert.equal(rk.isV3, true);

  const lists = [undefined, null, n, 'notices', enc(''), [unverified], [n, null], [pk], 3, [foreign], [freed], [n, {}]];
  for (const bad of lists) invalid(() => rk.checkCurrent(bad), 'notices', String(bad));
  // The notices given survive the call (it works on copies).
  rk.checkCurrent([n, n]);
  assert.equal(n.versionOf('role:gp'), 1);
  // Called on something that is not a live object of the class: refused too.
  for (const [cls, m, args] of [
    [ReKey, 'checkCurrent', [[n]]], [ReKey, 'attributeVersions', []], [ReKey, 'targetVersions', []],
    [DelegationKey, 'rekeyUnder', [pk, n, gp]],
  ]) {
    invalid(() => cls.prototype[m].apply(Object.create(cls.prototype), args), 'this', `${cls.name}#${m}`);
  }
  for (const [cls, getter] of [[ReKey, 'isV3'], [ReKey, 'parent'], [ReKey, 'grant'], [DelegationKey, 'keyId'],
    [SealedRecord, 'newestGrant']]) {
    invalid(() => Object.getOwnPropertyDescriptor(cls.prototype, getter).get.call({}), 'this', `${cls.name}.${getter}`);
  }
});

test('the consent helper with notices refuses a stale grant, the one without refuses v3 re-keys', () => {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const patient = BlsSigningKey.generate();
  const letter = cc.sealWithNotice(pk, n0, cc.Policy.parse('patient:42'), enc('letter-1'), enc(''), enc('letter'));
  const rk = authority.issueDelegationKeyUnder(n0, ['patient:42'], patient.publicKey())
    .rekeyUnder(pk, n0, cc.Policy.parse('role:gp'));
  const consent = cc.ConsentToken.issueGrant(patient, new cc.Grant('42', cc.Policy.parse('role:gp'), T0, T0 + 86_400)
    .purposes(['treatment']).rekey(rk)).verify(patient.publicKey(), T0 + 10);
  const eli = key(authority, n0, ['role:gp']);
  const shared = cc.reencryptWithConsentUnder(consent, rk, [n0], letter, 'x', 'treatment');
  assert.equal(dec(eli.open(pk, shared)), 'letter');
  const [one] = cc.reencryptBatchWithConsentUnder(consent, rk, [n0], [letter], ['x'], 'treatment');
  assert.ok(one instanceof cc.SealedRecord);
  throwsExactly(() => cc.reencryptWithConsent(consent, rk, letter, 'x', 'treatment'), cc.InvalidArgument);
  throwsExactly(() => cc.reencryptBatchWithConsent(consent, rk, [letter], ['x'], 'treatment'), cc.InvalidArgument);
  const n1 = service.bump(['role:gp']);
  for (const notices of [[n1], [n0, n1], [n1, n0]]) {
    throwsExactly(() => cc.reencryptWithConsentUnder(consent, rk, notices, letter, 'x', 'treatment'), cc.StaleReKey);
    throwsExactly(() => cc.reencryptBatchWithConsentUnder(consent, rk, notices, [letter], ['x'], 'treatment'), cc.StaleReKey);
  }
  throwsExactly(() => cc.reencryptWithConsentUnder(consent, rk, [], letter, 'x', 'treatment'), cc.WrongAuthority);
  throwsExactly(() => cc.reencryptWithConsentUnder(consent, rk, [enc('n0')], letter, 'x', 'treatment'), cc.InvalidArgument);
});
