// A real EVM in process: @ethereumjs/vm at the Prague hardfork (EIP-2537 BLS12-381
// precompiles at 0x0b-0x11, computed with @noble/curves), exposed to ethers v6 through a
// JSON-RPC provider that answers the methods ethers uses from the VM itself. Every
// transaction is mined at once in its own block. Nothing is downloaded or spawned.
import { createVM, runTx } from '@ethereumjs/vm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createBlock } from '@ethereumjs/block';
import { createTxFromRLP } from '@ethereumjs/tx';
import { createAddressFromString, createAccount, bytesToHex, hexToBytes } from '@ethereumjs/util';
import { JsonRpcApiProvider, Network, Wallet, getBytes, keccak256, toQuantity } from 'ethers';

const BASE_FEE = 1_000_000_000n; // 1 gwei
const BLOCK_GAS_LIMIT = 60_000_000n;
const CALL_GAS = 50_000_000n;

const q = (v) => toQuantity(v);

export class InProcessChain {
  /** A fresh chain whose `accounts` (ethers Wallets) hold 1000 ether each. */
  static async create(accountCount = 3) {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const vm = await createVM({ common });
    const chain = new InProcessChain(common, vm);
    for (let i = 0; i < accountCount; i++) {
      const key = keccak256(new TextEncoder().encode(`cipherchart-ledger-test-account-${i}`));
      const wallet = new Wallet(key);
      await vm.stateManager.putAccount(
        createAddressFromString(wallet.address),
        createAccount({ nonce: 0n, balance: 1000n * 10n ** 18n }),
      );
      chain.keys.push(key);
    }
    chain.provider = new VmProvider(chain);
    chain.accounts = chain.keys.map((k) => new Wallet(k, chain.provider));
    return chain;
  }

  constructor(common, vm) {
    this.common = common;
    this.vm = vm;
    this.keys = [];
    this.blocks = [this.#header(0n, [])];
    this.txs = new Map();
    this.receipts = new Map();
  }

  get number() {
    return BigInt(this.blocks.length - 1);
  }

  #header(number, txHashes, gasUsed = 0n) {
    const hash = keccak256(new TextEncoder().encode(`block-${number}`));
    return {
      number: q(number),
      hash,
      parentHash: number === 0n ? '0x' + '00'.repeat(32) : this.blocks[Number(number) - 1].hash,
      timestamp: q(1_700_000_000n + number * 12n),
      nonce: '0x0000000000000000',
      difficulty: '0x0',
      gasLimit: q(BLOCK_GAS_LIMIT),
      gasUsed: q(gasUsed),
      baseFeePerGas: q(BASE_FEE),
      miner: '0x' + '00'.repeat(20),
      extraData: '0x',
      transactions: txHashes,
      blobGasUsed: '0x0',
      excessBlobGas: '0x0',
    };
  }

  #vmBlock(number) {
    return createBlock(
      {
        header: {
          number,
          timestamp: 1_700_000_000n + number * 12n,
          gasLimit: BLOCK_GAS_LIMIT,
          baseFeePerGas: BASE_FEE,
        },
      },
      { common: this.common },
    );
  }

  /** Runs a call without keeping its effects: { ok, returnData (hex), gasUsed }. */
  async call(tx) {
    const sm = this.vm.stateManager;
    await sm.checkpoint();
    try {
      const res = await this.vm.evm.runCall({
        caller: createAddressFromString(tx.from ?? '0x' + '00'.repeat(20)),
        to: tx.to ? createAddressFromString(tx.to) : undefined,
        data: tx.data ? hexToBytes(tx.data) : new Uint8Array(),
        value: tx.value ? BigInt(tx.value) : 0n,
        gasLimit: tx.gas ? BigInt(tx.gas) : CALL_GAS,
        block: this.#vmBlock(this.number + 1n),
      });
      const e = res.execResult;
      return { ok: e.exceptionError === undefined, returnData: bytesToHex(e.returnValue), gasUsed: e.executionGasUsed, error: e.exceptionError?.error };
    } finally {
      await sm.revert();
      await this.vm.evm.journal.cleanup();
    }
  }

  /** Mines one raw signed transaction in a new block; returns its hash. */
  async sendRaw(raw) {
    const tx = createTxFromRLP(hexToBytes(raw), { common: this.common });
    const number = this.number + 1n;
    const block = this.#vmBlock(number);
    const res = await runTx(this.vm, { tx, block });
    const hash = bytesToHex(tx.hash());
    const header = this.#header(number, [hash], res.totalGasSpent);
    this.blocks.push(header);
    const from = tx.getSenderAddress().toString();
    const to = tx.to ? tx.to.toString() : null;
    const status = res.execResult.exceptionError === undefined ? 1 : 0;
    this.txs.set(hash, {
      hash,
      type: q(tx.type),
      from,
      to,
      nonce: q(tx.nonce),
      gas: q(tx.gasLimit),
      gasPrice: q(BASE_FEE + (tx.maxPriorityFeePerGas ?? 0n)),
      maxFeePerGas: tx.maxFeePerGas !== undefined ? q(tx.maxFeePerGas) : undefined,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas !== undefined ? q(tx.maxPriorityFeePerGas) : undefined,
      value: q(tx.value),
      input: bytesToHex(tx.data),
      chainId: q(tx.common.chainId()),
      blockHash: header.hash,
      blockNumber: header.number,
      transactionIndex: '0x0',
      v: q(tx.v ?? 0n),
      r: q(tx.r ?? 0n),
      s: q(tx.s ?? 0n),
      accessList: [],
    });
    this.receipts.set(hash, {
      transactionHash: hash,
      transactionIndex: '0x0',
      blockHash: header.hash,
      blockNumber: header.number,
      from,
      to,
      contractAddress: res.createdAddress ? res.createdAddress.toString() : null,
      cumulativeGasUsed: q(res.totalGasSpent),
      gasUsed: q(res.totalGasSpent),
      effectiveGasPrice: q(BASE_FEE + (tx.maxPriorityFeePerGas ?? 0n)),
      logsBloom: bytesToHex(res.bloom.bitvector),
      type: q(tx.type),
      status: q(status),
      revertData: bytesToHex(res.execResult.returnValue),
      logs: res.receipt.logs.map(([address, topics, data], i) => ({
        address: bytesToHex(address),
        topics: topics.map((t) => bytesToHex(t)),
        data: bytesToHex(data),
        blockNumber: header.number,
        blockHash: header.hash,
        transactionHash: hash,
        transactionIndex: '0x0',
        logIndex: q(i),
        removed: false,
      })),
    });
    return hash;
  }
}

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** ethers v6 provider answering from an InProcessChain. */
export class VmProvider extends JsonRpcApiProvider {
  constructor(chain) {
    const network = Network.from(Number(chain.common.chainId()));
    super(network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    this.chain = chain;
  }

  async _send(payload) {
    const out = [];
    for (const req of Array.isArray(payload) ? payload : [payload]) {
      try {
        out.push({ id: req.id, result: await this.#handle(req.method, req.params ?? []) });
      } catch (e) {
        if (!(e instanceof RpcError)) throw e;
        out.push({ id: req.id, error: { code: e.code, message: e.message, data: e.data } });
      }
    }
    return out;
  }

  async #handle(method, params) {
    const c = this.chain;
    const sm = c.vm.stateManager;
    switch (method) {
      case 'eth_chainId':
        return q(c.common.chainId());
      case 'net_version':
        return c.common.chainId().toString();
      case 'eth_blockNumber':
        return q(c.number);
      case 'eth_gasPrice':
        return q(BASE_FEE + 1n);
      case 'eth_maxPriorityFeePerGas':
        return q(1n);
      case 'eth_getBalance': {
        const acc = await sm.getAccount(createAddressFromString(params[0]));
        return q(acc?.balance ?? 0n);
      }
      case 'eth_getTransactionCount': {
        const acc = await sm.getAccount(createAddressFromString(params[0]));
        return q(acc?.nonce ?? 0n);
      }
      case 'eth_getCode':
        return bytesToHex(await sm.getCode(createAddressFromString(params[0])));
      case 'eth_getBlockByNumber': {
        const tag = params[0];
        const n = tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized' ? c.number : tag === 'earliest' ? 0n : BigInt(tag);
        return c.blocks[Number(n)] ?? null;
      }
      case 'eth_getBlockByHash':
        return c.blocks.find((b) => b.hash === params[0]) ?? null;
      case 'eth_call': {
        const r = await c.call(params[0]);
        if (!r.ok) throw new RpcError(3, `execution reverted${r.error ? ` (${r.error})` : ''}`, r.returnData);
        return r.returnData;
      }
      case 'eth_estimateGas': {
        const r = await c.call(params[0]);
        if (!r.ok) throw new RpcError(3, `execution reverted${r.error ? ` (${r.error})` : ''}`, r.returnData);
        // execution gas plus the intrinsic cost (21000, calldata, creation), with room to spare
        const data = params[0].data ? getBytes(params[0].data) : new Uint8Array();
        const calldata = BigInt(data.reduce((s, b) => s + (b === 0 ? 10 : 40), 0));
        const create = params[0].to ? 0n : 32000n + 2n * BigInt(Math.ceil(data.length / 32));
        const est = ((r.gasUsed + 21000n + calldata + create) * 13n) / 10n + 10000n;
        return q(est > CALL_GAS ? CALL_GAS : est);
      }
      case 'eth_sendRawTransaction':
        try {
          return await c.sendRaw(params[0]);
        } catch (e) {
          throw new RpcError(-32000, String(e.message ?? e));
        }
      case 'eth_getTransactionByHash':
        return c.txs.get(params[0]) ?? null;
      case 'eth_getTransactionReceipt': {
        const r = c.receipts.get(params[0]);
        if (!r) return null;
        const { revertData, ...rest } = r;
        return rest;
      }
      case 'eth_getLogs': {
        const f = params[0] ?? {};
        const logs = [...c.receipts.values()].flatMap((r) => r.logs);
        const addr = f.address ? [].concat(f.address).map((a) => a.toLowerCase()) : null;
        return logs.filter((l) => (!addr || addr.includes(l.address.toLowerCase())) &&
          (f.topics ?? []).every((t, i) => t === null || [].concat(t).includes(l.topics[i])));
      }
      default:
        throw new RpcError(-32601, `method not supported by the in-process chain: ${method}`);
    }
  }
}
