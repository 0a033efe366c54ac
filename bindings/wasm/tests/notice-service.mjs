// The notice service of tests/revocation/common.rs, shared by the catch-up tests: it keeps the
// authority's bumped names, signs a notice per change (serial = issue time, one second apart) and
// verifies each against the one before, as a sealer does. Not a test file (no `.test.` in its
// name): node --test does not run it.
import { BlsSigningKey, VersionNotice } from 'cipherchart';

/** 2027-01-15T08:00:00Z, the first notice's time. */
export const T0 = 1_800_000_000;

export class NoticeService {
  constructor(authority) {
    this.key = BlsSigningKey.generate();
    this.authority = authority.publicKey().id;
    this.now = T0;
    this.bumpCount = 0;
    this.versions = new Map();
    this.last = null;
  }

  current() {
    this.now += 1;
    const head = new Uint8Array(32);
    if (this.bumpCount) {
      head.fill(0xbb, 0, 24);
      new DataView(head.buffer).setBigUint64(24, BigInt(this.bumpCount));
    }
    const notice = VersionNotice.sign(this.key, {
      authority: this.authority, statementSerial: 0, serial: this.now, issuedAt: this.now,
      notAfter: this.now + 3600, bumpCount: this.bumpCount, bumpHead: head,
      versions: [...this.versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    });
    this.last = notice.verify(this.key.publicKey(), this.now, this.last);
    return this.last;
  }

  bump(...names) {
    this.bumpCount += 1;
    for (const n of names) this.versions.set(n, (this.versions.get(n) ?? 0) + 1);
    return this.current();
  }
}
