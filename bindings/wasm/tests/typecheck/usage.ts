// Type-checked by typecheck.test.mjs against the package's .d.ts, with and without TypeScript's
// esnext.disposable lib: the typings must not require it.
import {
  Authority, BlsSigningKey, EMPTY_ROOT, Entry, EntryDraft, KeyFileError, KeyFileOptions, MAX_HOPS, Policy, PolicySyntaxError,
  ReKey, SealedRecord, StreamInfo, Trailer, UserKey, VerifiedNotice, VersionNotice, seal, sealStreamWithNotice,
  sealWithNotice, streamTrailer,
} from 'cipherchart';
import type { NoticeFields } from 'cipherchart';
import * as verify from 'cipherchart/verify';
import * as ledger from 'cipherchart/ledger';

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const authority = Authority.setup();
try {
  const pk = authority.publicKey();
  const record: SealedRecord = seal(pk, Policy.parse('role:physician'), bytes('r1'), bytes(''), bytes('x'));
  const key = authority.issueKey(['role:physician']);
  const payload: Uint8Array = key.open(pk, record);
  // Key files: bytes in and out, options optional.
  const options: KeyFileOptions = new KeyFileOptions().withWorkFactor(15).withMaxWorkFactor(18);
  const workFactor: number = options.workFactor;
  const file: Uint8Array = key.toKeyFile('correct horse', options);
  UserKey.fromKeyFile(file, 'correct horse').free();
  void workFactor;
  const dispose: () => void = key[Symbol.dispose];
  dispose.call(key);
  const batch: Array<SealedRecord | Uint8Array> = [record, record.toBytes()];
  void payload;
  void batch;
} finally {
  authority.free();
}

// Revocation (format v3): a notice signed from a NoticeFields object, verified, then used.
{
  const noticeKey = BlsSigningKey.generate();
  const fields: NoticeFields = {
    authority: authority.publicKey().id, statementSerial: 0, serial: 1_800_000_000, issuedAt: 1_800_000_000,
    notAfter: 1_800_003_600, bumpCount: 1, bumpHead: new Uint8Array(32).fill(1), versions: [['role:nurse', 1]],
  };
  const notice: VersionNotice = VersionNotice.sign(noticeKey, fields);
  const checked: VerifiedNotice = notice.verify(noticeKey.publicKey(), 1_800_000_000, null);
  const next: VerifiedNotice = notice.verify(noticeKey.publicKey(), 1_800_000_000, checked);
  const versions: Array<[string, number]> = checked.notice.versions;
  const record = sealWithNotice(authority.publicKey(), checked, Policy.parse('role:nurse'), bytes('r'), bytes(''), bytes('x'));
  const serial: number | undefined = record.noticeSerial;
  const commitment: Uint8Array | undefined = record.bodyCommitment;
  const rows: Array<[string, number]> = record.attributeVersions();
  const key: UserKey = authority.issueKeyUnder(next, ['role:nurse']);
  const pairs: Array<[string, number]> = key.versionedAttributes();
  const caughtUp: SealedRecord = authority.rewrap(record, next);
  const needs: boolean = caughtUp.needsCatchUp(next);
  const drafts: EntryDraft[] = [Entry.forNotice(notice, 1), Entry.forKeyUpdate(notice, 1, 1), Entry.forCatchUp(record, caughtUp, 1)];
  const verifyBuild: verify.VerifiedNotice = verify.VersionNotice.fromBytes(notice.toBytes()).verify(
    verify.BlsPublicKey.fromBytes(noticeKey.publicKey().toBytes()), 1_800_000_000);
  void [versions, serial, commitment, rows, pairs, needs, drafts, verifyBuild];

  // The catch-up of streams: whole streams as bytes in and out, the trailer a value class.
  const stream: Uint8Array = sealStreamWithNotice(authority.publicKey(), checked, Policy.parse('role:nurse'), bytes('s'),
    bytes(''), bytes('x'), 1024);
  const trailer: Trailer = streamTrailer(stream);
  const kind: string = trailer.kind;
  const count: number = trailer.count;
  const rewrapped: Uint8Array = authority.rewrapStream(stream, trailer, next);
  const reencrypted: Uint8Array = authority.reencryptStream(stream, streamTrailer(stream), next);
  const info: StreamInfo = StreamInfo.read(rewrapped);
  const carried: Trailer | undefined = info.trailer;
  const headerDigest: Uint8Array = info.headerDigest;
  const streamNeeds: boolean = StreamInfo.read(stream).needsCatchUp(next);
  const streamDrafts: EntryDraft[] = [Entry.forStreamClose(Trailer.fromBytes(trailer.toBytes()), 1),
    Entry.forStreamCatchUp(StreamInfo.read(stream), info, 1)];
  void [kind, count, reencrypted, carried, headerDigest, streamNeeds, streamDrafts];

  // Format v3 re-encryption: a versioned delegation key, a v3 re-key, its currency check.
  const delegation = authority.issueDelegationKeyUnder(next, ['role:nurse'], noticeKey.publicKey());
  const keyId: Uint8Array = delegation.keyId;
  const rekey: ReKey = delegation.rekeyUnder(authority.publicKey(), next, Policy.parse('role:gp'));
  const shared: SealedRecord = rekey.reencrypt(caughtUp);
  const newest: Uint8Array | undefined = shared.newestGrant;
  const onward = authority.issueDelegationKeyUnder(next, ['role:gp'], noticeKey.publicKey())
    .rekeyUnder(authority.publicKey(), next, Policy.parse('role:surgeon'), newest ?? null);
  const parent: Uint8Array | undefined = onward.parent;
  const grant: Uint8Array = rekey.grant;
  const isV3: boolean = rekey.isV3;
  const delegated: Array<[string, number]> = rekey.attributeVersions();
  const target: Array<[string, number]> = rekey.targetVersions();
  const current: void = rekey.checkCurrent([next]);
  void [keyId, parent, grant, isV3, delegated, target, current];
}

try {
  Policy.parse('(');
} catch (e) {
  if (e instanceof PolicySyntaxError) {
    const at: number | undefined = e.position;
    void at;
  }
  if (e instanceof KeyFileError) {
    const kind: string | undefined = e.kind;
    void kind;
  }
}
verify.Policy.parse('a:b').free();

// The deserialize-then-validate split: the identity decodes, validate() gives the strict type.
const infinity: verify.UnvalidatedSignature = verify.UnvalidatedSignature.aggregate([bytes('\xc0' + '\0'.repeat(95))]);
const isIdentity: boolean = infinity.isIdentity;
const strictKey = (k: verify.UnvalidatedPublicKey): verify.BlsPublicKey => k.validate();
void isIdentity;
void strictKey;

// The constants: the core's limits (numbers) and fixed hashes, in both builds.
const hops: number = MAX_HOPS + verify.MAX_RECORD_OPEN_COST;
const root: Uint8Array = EMPTY_ROOT;
const genesis: Uint8Array = verify.GENESIS;
void hops;
void root;
void genesis;

// cipherchart/ledger: calldata for the ledger contracts, typed; objects of either build fit.
declare const checkpoint: verify.Checkpoint;
declare const chain: import('cipherchart').Chain;
declare const tree: verify.MerkleTree;
declare const token: verify.ConsentToken;
declare const receipt: verify.ProofFile;
const pkU: Uint8Array = verify.BlsPublicKey.fromBytes(bytes('')).toEip2537Bytes();
const anchorArgs: [bigint, ledger.Hex, ledger.Hex, ledger.Hex, ledger.Hex[]] = ledger.anchorArgs(checkpoint, chain.proveConsistency(3));
const after: [bigint, ledger.Hex, ledger.Hex, ledger.Hex, ledger.Hex[]] | null = ledger.anchorArgsAfter([3n, '0x00'], checkpoint, chain);
const afterTree = ledger.anchorArgsAfter({ size: 3, root: new Uint8Array(32) }, checkpoint, tree, new Uint8Array(32));
const keyArgs: [ledger.Hex, ledger.Hex, ledger.Hex] = ledger.keyArgs(verify.BlsPublicKey.fromBytes(bytes('')), bytes(''));
const inclusion: [ledger.Hex, bigint, ledger.Hex[]] = ledger.inclusionArgs(receipt);
const at: [bigint, ledger.Hex, bigint, ledger.Hex[]] = ledger.receiptAtArgs(receipt);
declare const registry: ledger.RevocationReader;
declare const signers: verify.BlsPublicKey[];
const gate: Promise<{ revocationId: Uint8Array; publicKey: Uint8Array } | null> = ledger.revokedOnChain(registry, token, signers);
declare const iface: ledger.EventParser;
for (const ev of ledger.decodeEvents({ interface: iface, target: '0x00' }, { logs: [] })) {
  if (ev.event === 'Anchored') verify.Checkpoint.fromNote(ledger.anchoredNote('o', ev)).free();
}
// @ts-expect-error sizes go to the contract as bigint
const badSize: number = ledger.anchorArgs(checkpoint)[0];
// @ts-expect-error an entry alone is not a receipt with its proof
ledger.receiptAtArgs({ hash: new Uint8Array(32) });
// @ts-expect-error a checkpoint needs its origin and named signature lines (review L8)
ledger.checkpointSignature({ size: 1, root: new Uint8Array(32), signatures: [] });
void [pkU, anchorArgs, after, afterTree, keyArgs, inclusion, at, gate, badSize];
