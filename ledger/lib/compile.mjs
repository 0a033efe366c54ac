// Compiles ledger/contracts/*.sol with solc-js (the `solc` npm package: the compiler is
// WebAssembly inside the package, nothing is downloaded) for the Prague EVM.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');
const here = dirname(fileURLToPath(import.meta.url));
export const CONTRACTS_DIR = join(here, '..', 'contracts');

let cached;

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
  cached = result;
  return result;
}
