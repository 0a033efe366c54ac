// The page's logic: load the web build of the bindings, then parse on click.
// Served from the repository root (scripts/test serves it; or `python3 -m http.server` there
// after `scripts/build-wasm`), so the package is at ../../bindings/wasm/pkg/.
import init, { CipherchartError, Policy } from '../../bindings/wasm/pkg/web/index.js';

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

function onParse() {
  const attrs = $('attrs').value.split(',').map((s) => s.trim()).filter(Boolean);
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
    $('error').textContent = e instanceof CipherchartError ? `${e.name} [${e.code}]: ${e.message}` : String(e);
  }
  document.body.dataset.state = 'done';
}

await init();
$('parse').addEventListener('click', onParse);
$('parse').disabled = false;
document.body.dataset.state = 'ready';
