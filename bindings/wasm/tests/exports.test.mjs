// The public surface, pinned: a new export needs a test file and an entry here; a vanished one
// fails. Also checks the typings for the new API (no `any`, precise arrays and optionals).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const CLASSES = ['Authority', 'PublicKey', 'UserKey', 'Policy', 'SealedRecord', 'SessionHeader', 'SessionRecord',
  'SessionSealer', 'SessionOpener', 'StreamInfo', 'ReKey', 'BlsSigningKey', 'BlsPublicKey', 'BlsSignature',
  'ConsentToken', 'VerifiedConsent', 'Grant', 'Narrowing', 'ChainEntry', 'Checkpoint', 'ProofFile', 'MemoryChain',
  'InclusionProof', 'ConsistencyProof'];
const FUNCTIONS = ['seal', 'startSession', 'sealStream', 'fastAggregateVerify', 'aggregateVerify', 'batchVerify',
  'batchFindInvalid',
  'merkleLeafHash', 'verifyInclusion', 'verifyConsistency'];
const ERRORS = ['CipherchartError', 'InvalidEncoding', 'PolicySyntaxError', 'PolicyInvalid', 'LimitExceeded',
  'InvalidAttribute', 'PolicyNotSatisfied', 'DecryptionFailed', 'VerificationFailed', 'NotASubset',
  'InvalidArgument', 'IoError', 'ConsentError', 'ChainError', 'ERROR_CLASSES'];

test('the package exports exactly the documented API', () => {
  assert.deepEqual(Object.keys(cc).sort(), [...CLASSES, ...FUNCTIONS, ...ERRORS].sort());
  for (const name of [...CLASSES, ...FUNCTIONS]) assert.equal(typeof cc[name], 'function', name);
});

test('every class supports free() and Symbol.dispose', () => {
  for (const name of CLASSES) {
    assert.equal(typeof cc[name].prototype.free, 'function', name);
    assert.equal(typeof cc[name].prototype[Symbol.dispose], 'function', name);
  }
});

test('typings: precise signatures for arrays, optionals and objects', () => {
  for (const build of ['node', 'web']) {
    const dts = readFileSync(new URL(`../pkg/${build}/cipherchart.d.ts`, import.meta.url), 'utf8')
      .split('export interface InitOutput')[0]
      .replace(/\/\*[\s\S]*?\*\//g, ''); // doc comments may say "any" in prose
    assert.doesNotMatch(dts, /\bany\b/);
    for (const re of [
      /issueKey\(attributes: string\[\]\): UserKey;/,
      /startSession\(pk: PublicKey, policy: Policy, [^)]*\): \{ header: SessionHeader; sealer: SessionSealer \};/,
      /sealStream\([^)]*chunkSize\?: number \| null\): Uint8Array;/,
      /reencryptBatch\(records: Uint8Array\[\]\): Array<SealedRecord \| Error>;/,
      /batchVerify\(publicKeys: Uint8Array\[\], messages: Uint8Array\[\], signatures: Uint8Array\[\]\): void;/,
      /readonly hopCount: number;/,
      /toBytesDangerous\(\): Uint8Array;/,
      /verify\(issuer: BlsPublicKey, now: number, revoked\?: Uint8Array\[\] \| null\): VerifiedConsent;/,
      /readonly holder: BlsPublicKey \| undefined;/,
      /readonly rekeyDigest: Uint8Array \| undefined;/,
      /proveInclusion\(index: number, size\?: number \| null\): InclusionProof;/,
      /static fromRecords\(records: Uint8Array\[\]\): MemoryChain;/,
      /attenuate\(holder: BlsSigningKey, narrowing: Narrowing\): ConsentToken;/,
    ]) assert.match(dts, re, `${build}: ${re}`);
  }
});
