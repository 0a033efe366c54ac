// Deploying the ledger contracts and naming their reverts, for the tests and the example
// (examples/ledger/run.mjs imports this file so that `ethers` resolves from ledger/node_modules).
import { ContractFactory, Interface } from 'ethers';
import { compile } from './compile.mjs';

/** Compiles (once per process) and deploys contract `name` from `signer`; resolves when mined. */
export async function deploy(signer, name) {
  const art = compile()[name];
  if (!art) throw new Error(`no contract ${name} in ledger/contracts`);
  const c = await new ContractFactory(art.abi, art.bytecode, signer).deploy();
  await c.waitForDeployment();
  return c;
}

let errorsIface;
/** The custom error of a revert (e.g. 'InconsistentRoot'), decoded with every contract's ABI. */
export function revertName(e) {
  if (e.revert?.name) return e.revert.name;
  errorsIface ??= new Interface(
    Object.entries(compile())
      .filter(([k]) => !k.startsWith('_'))
      .flatMap(([, c]) => c.abi.filter((f) => f.type === 'error')),
  );
  const data = e.data ?? e.info?.error?.data;
  if (typeof data === 'string' && data.length >= 10) {
    const parsed = errorsIface.parseError(data);
    if (parsed) return parsed.name;
  }
  return e.shortMessage ?? e.message;
}
