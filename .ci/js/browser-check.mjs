// Drive examples/web/index.html in headless Debian Chromium (playwright-core, no browser
// download): type a policy and attributes, click Parse, check what the page shows; seal a record
// under a typed policy and open it with keys for typed attributes (success and error codes);
// verify a consent token; share the record through a consent-gated re-encryption (delegation key,
// re-key, consent naming it) and open the shared record; save a screenshot. Exits non-zero on any failed check or any page error.
//
//   node .ci/js/browser-check.mjs http://127.0.0.1:PORT/examples/web/index.html out.png
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) throw new Error('usage: browser-check.mjs URL SCREENSHOT.png');

const problems = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

const profile = mkdtempSync(join(tmpdir(), 'cipherchart-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1000, height: 900 },
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    console.log(`  [console.${m.type()}] ${m.text()}`);
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });

  // Parse a policy and check a satisfying key.
  const policy = '  role:physician   and ((dept:cardiology) or patient:42)';
  const canonical = 'role:physician and (dept:cardiology or patient:42)';
  const parse = async (text, attrs) => {
    await page.evaluate(() => delete document.body.dataset.state);
    await page.fill('#policy', text);
    await page.fill('#attrs', attrs);
    await page.click('#parse');
    await page.waitForSelector('body[data-state="done"]', { timeout: 10_000 });
  };
  await parse(policy, 'role:physician, patient:42');
  check((await page.textContent('#canonical')) === canonical, `canonical form is "${canonical}"`);
  check((await page.textContent('#satisfied')).startsWith('yes'), 'role:physician + patient:42 satisfies it');
  const rows = await page.$$eval('#lsss tr', (trs) => trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
  check(JSON.stringify(rows) === JSON.stringify([
    ['0', 'role:physician', '1', '1'], ['1', 'dept:cardiology', '0', '-1'], ['2', 'patient:42', '0', '-1'],
  ]), `LSSS table is M = [[1,1],[0,-1],[0,-1]] with ρ in leaf order (got ${JSON.stringify(rows)})`);
  check((await page.$$('#lsss tr.used')).length === 2, 'two rows are used to decrypt');

  // The canonical form is a fixed point; an unsatisfying key says no.
  await parse(canonical, 'role:physician');
  check((await page.textContent('#canonical')) === canonical, 'parsing the canonical form gives it back');
  check((await page.textContent('#satisfied')).startsWith('no'), 'role:physician alone does not satisfy it');

  // A syntax error is shown with its class and stable code.
  await parse('role:physician and (', '');
  const error = await page.textContent('#error');
  check(await page.isVisible('#error'), 'a syntax error is shown');
  check(error.startsWith('PolicySyntaxError [policy_syntax]: ') && error.includes('at byte 20'),
    `it names the error class, code and position (got "${error}")`);

  // Seal a record under a typed policy, then open it with keys for typed attributes.
  const act = async (button, fields) => {
    await page.evaluate(() => delete document.body.dataset.state);
    for (const [sel, value] of Object.entries(fields)) await page.fill(sel, value);
    await page.click(button);
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
  };
  const payload = 'BP 120/80, HbA1c 5.4%';
  await act('#open', { '#key-attrs': 'patient:42' });
  check((await page.textContent('#opened')) === 'seal a record first', 'opening before sealing says so');
  await act('#seal', { '#seal-policy': 'patient:42 or (role:physician and dept:cardiology)', '#payload': payload });
  const sealedText = await page.textContent('#sealed');
  check(/^sealed under "patient:42 or role:physician and dept:cardiology": \d+ bytes, header digest [0-9a-f]{16}…$/.test(sealedText),
    `the record is sealed under the canonical policy (got "${sealedText}")`);
  // Its seal is logged; the receipt verifies with the log key, and tampering is caught.
  await act('#verify-receipt', {});
  let r = await page.textContent('#receipt-result');
  check(/^valid receipt: entry #0 \(create of "record-1"\) is in the 1-entry log example.org\/cipherchart-demo$/.test(r),
    `the seal's receipt verifies (got "${r}")`);
  const receipt = await page.inputValue('#receipt');
  const j = receipt.length - 40;
  await act('#verify-receipt', { '#receipt': receipt.slice(0, j) + (receipt[j] === 'A' ? 'B' : 'A') + receipt.slice(j + 1) });
  r = await page.textContent('#receipt-result');
  check(/^(VerificationFailed \[verification_failed\]|InvalidEncoding \[invalid_encoding\]|InvalidArgument \[invalid_argument\]): /.test(r),
    `a tampered receipt is refused with a stable code (got "${r}")`);
  await act('#verify-receipt', { '#receipt': receipt });

  await act('#open', { '#key-attrs': 'role:physician, dept:cardiology' });
  check((await page.textContent('#opened')) === `opened: ${payload}`, 'a physician in cardiology opens it');
  await act('#open', { '#key-attrs': 'patient:42' });
  check((await page.textContent('#opened')) === `opened: ${payload}`, 'the patient opens it');
  await act('#open', { '#key-attrs': 'role:physician, dept:oncology' });
  const denied = await page.textContent('#opened');
  check(denied.startsWith('PolicyNotSatisfied [policy_not_satisfied]: '), `an oncologist is refused with the stable code (got "${denied}")`);
  await act('#open', { '#key-attrs': ' , ' });
  check((await page.textContent('#opened')).startsWith('InvalidArgument [invalid_argument]: '), 'an empty attribute set is InvalidArgument');
  await act('#seal', { '#seal-policy': 'patient:42 or (' });
  check((await page.textContent('#sealed')).startsWith('PolicySyntaxError [policy_syntax]: '), 'a bad record policy is a PolicySyntaxError');
  await act('#open', { '#key-attrs': 'patient:42' });
  check((await page.textContent('#opened')) === `opened: ${payload}`, 'the previous record is still there and opens');

  // Verify the page's consent token: permitted use, other purpose, tampering, revocation.
  const verify = async (fields, revoked = false) => {
    await page.setChecked('#revoked', revoked);
    await act('#verify', fields);
    return page.textContent('#verified');
  };
  const original = await page.inputValue('#token');
  check(original.length > 100, 'the page issued a consent token');
  let v = await verify({ '#consent-use': 'cardiology, treatment' });
  check(v === 'valid consent of patient-42 for "hospital:h2 and dept:cardiology": treatment of cardiology records is permitted',
    `the token verifies and permits treatment (got "${v}")`);
  v = await verify({ '#consent-use': 'cardiology, research' });
  check(v.endsWith('research of cardiology records is not permitted'), `research is not permitted (got "${v}")`);
  v = await verify({ '#consent-use': 'cardiology, treatment' }, true);
  check(v.startsWith('ConsentError [consent_error]: '), `a revoked token is a ConsentError (got "${v}")`);
  const i = Math.floor(original.length / 2);
  const tampered = original.slice(0, i) + (original[i] === 'A' ? 'B' : 'A') + original.slice(i + 1);
  v = await verify({ '#token': tampered });
  check(/^(VerificationFailed \[verification_failed\]|InvalidEncoding \[invalid_encoding\]|ConsentError \[consent_error\]): /.test(v),
    `a tampered token is refused with a stable code (got "${v}")`);
  v = await verify({ '#token': original });
  check(v.endsWith('is permitted'), 'the original token verifies again');

  // Share the sealed record (policy patient:42 or …) through a proxy: delegation key for
  // patient:42 naming the patient's consent key, re-key, consent naming the re-key.
  const share = async (fields, bound = true) => {
    await page.setChecked('#share-bound', bound);
    await act('#share', fields);
    return page.textContent('#shared');
  };
  await act('#open-shared', {});
  check((await page.textContent('#opened-shared')) === 'share the record first', 'opening a share before sharing says so');
  let s = await share({ '#share-policy': 'hospital:h2 and dept:cardiology' });
  check(/^re-encrypted under a consent of patient-42: 1 hop, now for "hospital:h2 and dept:cardiology" \(\d+ bytes\)$/.test(s),
    `the record is re-encrypted within the consent (got "${s}")`);
  await act('#open-shared', { '#share-key-attrs': 'hospital:h2, dept:cardiology' });
  check((await page.textContent('#opened-shared')) === `opened: ${payload}`, 'the delegatee opens the shared record');
  await act('#open-shared', { '#share-key-attrs': 'hospital:h3, dept:cardiology' });
  s = await page.textContent('#opened-shared');
  check(s.startsWith('PolicyNotSatisfied [policy_not_satisfied]: '), `another hospital is refused (got "${s}")`);
  s = await share({ '#share-policy': 'hospital:h2 and dept:cardiology' }, false);
  check(s.startsWith('ConsentError [consent_error]: ') && s.includes('re-encryption key'),
    `a consent that names no re-key is refused (got "${s}")`);
  await act('#open-shared', { '#share-key-attrs': 'hospital:h2, dept:cardiology' });
  check((await page.textContent('#opened-shared')) === `opened: ${payload}`, 'the earlier share is still there and opens');
  s = await share({ '#share-policy': 'hospital:h2 and (' });
  check(s.startsWith('PolicySyntaxError [policy_syntax]: '), `a bad grant policy is a PolicySyntaxError (got "${s}")`);

  // Leave the default examples on screen for the screenshot.
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]');
  await page.click('#parse');
  await page.waitForSelector('body[data-state="done"]');
  await act('#seal', {});
  await act('#verify-receipt', {});
  check((await page.textContent('#receipt-result')).startsWith('valid receipt: entry #0'), 'the default receipt verifies');
  await act('#open', {});
  await act('#verify', {});
  await act('#share', {});
  await act('#open-shared', {});
  check((await page.textContent('#opened-shared')).startsWith('opened: ECG'), 'the default share opens with the default key');
  check((await page.textContent('#verified')).endsWith('is permitted'), 'the default consent verifies');
  check((await page.textContent('#opened')).startsWith('opened: ECG'), 'the default record opens with the default key');
  check(await page.isVisible('#result') && !(await page.isVisible('#error')), 'the default example parses');
  check((await page.textContent('#satisfied')).startsWith('yes'), 'its default key satisfies it (2 of 3)');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const p of problems) console.error(`!! ${p}`);
console.log(problems.length ? `browser: ${problems.length} problem(s)` : 'browser: all checks passed');
process.exit(problems.length ? 1 : 0);
