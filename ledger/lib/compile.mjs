// Compiles ledger/contracts/*.sol with solc-js (the `solc` npm package: the compiler is
// WebAssembly inside the package, nothing is downloaded) for the Prague EVM.
//
// solc-js takes seconds per compile and every test file is its own node process, so the
// output is kept on disk, keyed by SHA-256 of the compiler's package version and the whole
// compiler input (every source and setting): a changed contract, setting or compiler is a
// new key. The cache lives outside the clone (`$XDG_CACHE_HOME` or `~/.cache`,
// `cipherchart/solc/`), is written atomically (temp file, rename), and a cache file that
// does not parse is ignored and rewritten. `CIPHERCHART_SOLC_CACHE=0` turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const CONTRACTS_DIR = join(here, '..', 'contracts');

let cached;

function cacheFile(input) {
  if (process.env.CIPHERCHART_SOLC_CACHE === '0') return undefined;
  const solcVersion = JSON.parse(readFileSync(require.resolve('solc/package.json'), 'utf8')).version;
  const key = createHash('sha256')
    .update(JSON.stringify({ solcVersion, input }))
    .digest('hex');
  const root = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(root, 'cipherchart', 'solc', `${key}.json`);
}

function readCache(file) {
  try {
    const result = JSON.parse(readFileSync(file, 'utf8'));
    return result && typeof result._version === 'string' ? result : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file, result) {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(result));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next run a compile.
  }
}

/** { ContractName: { abi, bytecode } } for every contract in ledger/contracts. */
export function compile() {
  if (cached) return cached;
  const sources = {};
  for (const f of readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith('.sol')).sort()) {
    sources[f] = { content: readFileSync(join(CONTRACTS_DIR, f), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: 'prague',
      optimizer: { enabled: true, runs: 200 },
      viaIR: false,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const file = cacheFile(input);
  const hit = file && readCache(file);
  if (hit) {
    cached = hit;
    return hit;
  }
  const solc = require('solc');
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const warnings = (out.errors ?? []).filter((e) => e.severity !== 'error');
  const result = { _warnings: warnings.map((w) => w.formattedMessage), _version: solc.version() };
  for (const file of Object.keys(out.contracts)) {
    for (const [name, c] of Object.entries(out.contracts[file])) {
      result[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
    }
  }
  if (file) writeCache(file, result);
  cached = result;
  return result;
}
