// The page's logic: load the web build of the bindings, then parse on click.
// Served from the repository root (scripts/test serves it; or `python3 -m http.server` there
// after `scripts/build-wasm`), so the package is at ../../bindings/wasm/pkg/.
import init, {
  Authority, BlsSigningKey, CipherchartError, ConsentToken, Grant, Chain, Policy, ProofFile, reencryptWithConsent,
  RevocationSet, seal,
} from '../../bindings/wasm/pkg/web/index.js';

const $ = (id) => document.getElementById(id);

function cell(tag, text, cls) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (cls) el.className = cls;
  return el;
}

function render(policy, attrs) {
  $('canonical').textContent = policy.toString();

  const rows = policy.lsssRows();
  const rho = policy.lsssRho();
  const used = new Set((policy.reconstruct(attrs) ?? []).map(([i]) => i));
  const table = $('lsss');
  table.replaceChildren();
  const head = document.createElement('tr');
  head.append(cell('th', 'row'), cell('th', 'ρ(row)'), ...rows[0].map((_, j) => cell('th', `M[·,${j}]`)));
  table.append(head);
  rows.forEach((row, i) => {
    const tr = document.createElement('tr');
    if (used.has(i)) tr.className = 'used';
    tr.append(cell('td', String(i)), cell('td', rho[i], 'attr'), ...row.map((v) => cell('td', String(v))));
    table.append(tr);
  });

  const ok = policy.isSatisfiedBy(attrs);
  $('satisfied').replaceChildren(cell('span', ok ? 'yes' : 'no', ok ? 'yes' : 'no'),
    ` (${attrs.length} attribute${attrs.length === 1 ? '' : 's'}: ${attrs.join(', ') || 'none'})`);
}

const splitAttrs = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
const describe = (e) => (e instanceof CipherchartError ? `${e.name} [${e.code}]: ${e.message}` : String(e));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function show(id, ok, text) {
  $(id).className = ok ? 'ok' : 'err';
  $(id).textContent = text;
  document.body.dataset.state = 'done';
}

function onParse() {
  const attrs = splitAttrs($('attrs').value);
  $('error').hidden = true;
  try {
    const policy = Policy.parse($('policy').value);
    try {
      render(policy, attrs);
    } finally {
      policy.free();
    }
    $('result').hidden = false;
  } catch (e) {
    $('result').hidden = true;
    $('error').hidden = false;
    $('error').textContent = describe(e);
  }
  document.body.dataset.state = 'done';
}

// Seal and open. The authority and its public key live as long as the page; the sealed record
// is replaced on each Seal. Keys are freed right after use (secret-holding objects).
let authority;
let publicKey;
let sealed;
let counter = 0;
// The proof chain: each seal is appended (signed by the clerk's key) and a receipt is made
// against a fresh checkpoint signed by the log key; Verify checks it with the log's public key.
let chain;
let clerkKey;
let logKey;
const ORIGIN = 'example.org/cipherchart-demo';

function onSeal() {
  try {
    const policy = Policy.parse($('seal-policy').value);
    const enc = new TextEncoder();
    counter += 1;
    const next = seal(publicKey, policy, enc.encode(`record-${counter}`), enc.encode('demo'), enc.encode($('payload').value));
    policy.free();
    sealed?.free();
    sealed = next;
    const index = chain.appendSeal(sealed, Math.floor(Date.now() / 1000), clerkKey);
    const checkpoint = chain.checkpoint(logKey, ORIGIN);
    $('receipt').value = chain.proofFile(index, checkpoint).toText();
    $('receipt-result').textContent = '';
    show('sealed', true, `sealed under "${sealed.policy}": ${sealed.toBytes().length} bytes, header digest ${hex(sealed.headerDigest).slice(0, 16)}…`);
  } catch (e) {
    show('sealed', false, describe(e));
  }
}

function onVerifyReceipt() {
  try {
    const receipt = ProofFile.fromText($('receipt').value.trim());
    const entry = receipt.verify(logKey.publicKey());
    const { size, origin } = receipt.checkpoint;
    show('receipt-result', true, `valid receipt: entry #${entry.sequence} (${entry.action} of `
      + `"${new TextDecoder().decode(entry.subject)}") is in the ${size}-entry log ${origin}`);
  } catch (e) {
    show('receipt-result', false, describe(e));
  }
}

function onOpen() {
  if (!sealed) {
    show('opened', false, 'seal a record first');
    return;
  }
  let key;
  try {
    key = authority.issueKey(splitAttrs($('key-attrs').value));
    const payload = new TextDecoder().decode(key.open(publicKey, sealed));
    show('opened', true, `opened: ${payload}`);
  } catch (e) {
    show('opened', false, describe(e));
  } finally {
    key?.free();
  }
}

// Consent: the patient's key signs one token at start-up; Verify checks the (possibly edited)
// text against the patient's public key at the current time.
let patientKey;
let revocationIds;
// The patient's consent key, kept to sign the consent of each share (below).
let patientSigner;

// Share: a delegation key for patient:42 naming the patient's consent key → a re-key to the typed
// policy (the delegation key is consumed) → the patient's consent naming that re-key (or not) →
// the proxy re-encrypts the sealed record within the consent. The result is opened with keys for
// typed attributes.
let shared;

function onShare() {
  if (!sealed) {
    show('shared', false, 'seal a record first');
    return;
  }
  let delegation;
  let rekey;
  try {
    const target = Policy.parse($('share-policy').value);
    delegation = authority.issueDelegationKey(['patient:42'], patientSigner.publicKey());
    rekey = delegation.rekey(publicKey, target);
    const now = Math.floor(Date.now() / 1000);
    let grant = new Grant('patient-42', target, now - 60, now + 86_400).purposes(['treatment']);
    if ($('share-bound').checked) grant = grant.rekey(rekey);
    const consent = ConsentToken.issueGrant(patientSigner, grant).verify(patientSigner.publicKey(), now);
    const next = reencryptWithConsent(consent, rekey, sealed, 'cardiology', 'treatment');
    shared?.free();
    shared = next;
    show('shared', true, `re-encrypted under a consent of ${consent.subject}: ${shared.hopCount} hop, now for `
      + `"${shared.currentPolicy}" (${shared.toBytes().length} bytes)`);
  } catch (e) {
    show('shared', false, describe(e));
  } finally {
    delegation?.free();
    rekey?.free();
  }
}

function onOpenShared() {
  if (!shared) {
    show('opened-shared', false, 'share the record first');
    return;
  }
  let key;
  try {
    key = authority.issueKey(splitAttrs($('share-key-attrs').value));
    show('opened-shared', true, `opened: ${new TextDecoder().decode(key.open(publicKey, shared))}`);
  } catch (e) {
    show('opened-shared', false, describe(e));
  } finally {
    key?.free();
  }
}

function onVerify() {
  try {
    const token = ConsentToken.fromText($('token').value.trim());
    const now = Math.floor(Date.now() / 1000);
    const revoked = new RevocationSet();
    if ($('revoked').checked) for (const id of revocationIds) revoked.insert(id);
    const consent = token.verify(patientKey, now, revoked);
    const [category = '', purpose = ''] = $('consent-use').value.split(',').map((s) => s.trim());
    const ok = consent.permits(new TextEncoder().encode('any-record'), category, purpose);
    show('verified', ok, `valid consent of ${consent.subject} for "${consent.granteePolicy}": `
      + `${purpose} of ${category} records is ${ok ? 'permitted' : 'not permitted'}`);
  } catch (e) {
    show('verified', false, describe(e));
  }
}

await init();
authority = Authority.setup();
publicKey = authority.publicKey();
{
  const patient = BlsSigningKey.generate();
  const now = Math.floor(Date.now() / 1000);
  const grantee = Policy.parse('hospital:h2 and dept:cardiology');
  const token = ConsentToken.issue(patient, 'patient-42', grantee, now - 60, now + 86_400, ['treatment'], ['cardiology']);
  patientKey = patient.publicKey();
  revocationIds = token.revocationIds();
  $('token').value = token.toText();
  patientSigner = patient;
}
$('verify').addEventListener('click', onVerify);
chain = new Chain();
clerkKey = BlsSigningKey.generate();
logKey = BlsSigningKey.generate();
$('verify-receipt').addEventListener('click', onVerifyReceipt);
$('parse').addEventListener('click', onParse);
$('seal').addEventListener('click', onSeal);
$('open').addEventListener('click', onOpen);
$('share').addEventListener('click', onShare);
$('open-shared').addEventListener('click', onOpenShared);
for (const id of ['parse', 'seal', 'open', 'verify', 'verify-receipt', 'share', 'open-shared']) $(id).disabled = false;
document.body.dataset.state = 'ready';
