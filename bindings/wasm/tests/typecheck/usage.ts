// Type-checked by typecheck.test.mjs against the package's .d.ts, with and without TypeScript's
// esnext.disposable lib: the typings must not require it.
import {
  Authority, EMPTY_ROOT, KeyFileError, KeyFileOptions, MAX_HOPS, Policy, PolicySyntaxError, SealedRecord, UserKey, seal,
} from 'cipherchart';
import * as verify from 'cipherchart/verify';

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
