/**
 * The server's fast signature recovery (server/signatures.ts, libsecp256k1 in WebAssembly) against viem's
 * recoverAddress: the same signer for every signature viem accepts, except the malleable high-s twins, which
 * it refuses; refused wherever viem throws.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { bytesToHex, hashMessage, keccak256, recoverAddress, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { isSignedBy, isSignedByOffThread, recoverSigner, recoverSignerOffThread, recoveryWorkers } from "../../server/signatures";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex32 = (n: bigint) => n.toString(16).padStart(64, "0");
const randomHash = (): Hex => bytesToHex(randomBytes(32));

/** viem's answer: the address, or null where it throws */
async function viemSigner(hash: Hex, signature: Hex): Promise<Address | null> {
  try {
    return await recoverAddress({ hash, signature });
  } catch {
    return null;
  }
}

/** (r, n - s, v flipped): the other valid signature of the same message by the same key */
function highSTwin(signature: Hex): Hex {
  const r = signature.slice(2, 66);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `0x${r}${hex32(N - s)}${(v === 27 ? 28 : 27).toString(16)}`;
}

describe("server: signature recovery (libsecp256k1 WASM) agrees with viem", () => {
  it("recovers the same checksummed signer as viem for random keys and digests, with v as 27/28 or 0/1", async () => {
    for (let i = 0; i < 64; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const hash = randomHash();
      const signature = await account.sign({ hash });
      const v = Number.parseInt(signature.slice(130), 16);
      const yParity: Hex = `${signature.slice(0, 130)}0${v - 27}` as Hex;
      for (const sig of [signature, yParity]) {
        const expected = await viemSigner(hash, sig);
        expect(expected).to.equal(account.address);
        expect(recoverSigner(hash, sig)).to.equal(expected);
      }
      expect(isSignedBy(hash, signature, account.address.toLowerCase())).to.equal(true);
      // another digest recovers someone else, as with viem
      const other = randomHash();
      expect(recoverSigner(other, signature)).to.equal(await viemSigner(other, signature));
      expect(isSignedBy(other, signature, account.address)).to.equal(false);
    }
  });

  it("the worker-thread version gives the same answers, many at once", async () => {
    const cases: { hash: Hex; sig: Hex; expected: Address | null }[] = [];
    for (let i = 0; i < 48; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const hash = randomHash();
      const sig = await account.sign({ hash });
      cases.push({ hash, sig, expected: account.address });
      cases.push({ hash, sig: highSTwin(sig), expected: null });
      const other = randomHash();
      cases.push({ hash: other, sig, expected: await viemSigner(other, sig) });
      cases.push({ hash, sig: `0x${sig.slice(2, 130)}1d`, expected: null });
    }
    const answers = await Promise.all(cases.map((c) => recoverSignerOffThread(c.hash, c.sig)));
    answers.forEach((a, i) => {
      expect(a, `case ${i}`).to.equal(cases[i]!.expected);
      expect(a, `case ${i}`).to.equal(recoverSigner(cases[i]!.hash, cases[i]!.sig));
    });
    expect(recoveryWorkers()).to.be.at.least(1); // really on a worker, not the inline fallback
    expect(await isSignedByOffThread(cases[0]!.hash, cases[0]!.sig, cases[0]!.expected!)).to.equal(true);
    expect(await isSignedByOffThread(cases[1]!.hash, cases[1]!.sig, cases[0]!.expected!)).to.equal(false);
  });

  it("checks EIP-191 (SIWE) messages like viem's verifyMessage", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const message = "workbench.test wants you to sign in with your Ethereum account:\n" + account.address;
    const signature = await account.signMessage({ message });
    expect(isSignedBy(hashMessage(message), signature, account.address)).to.equal(true);
    expect(isSignedBy(hashMessage(`${message}!`), signature, account.address)).to.equal(false);
  });

  it("refuses the malleable high-s twin that viem would accept", async () => {
    for (let i = 0; i < 16; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const hash = randomHash();
      const twin = highSTwin(await account.sign({ hash }));
      expect(await viemSigner(hash, twin)).to.equal(account.address);
      expect(recoverSigner(hash, twin)).to.equal(null);
      expect(isSignedBy(hash, twin, account.address)).to.equal(false);
    }
  });

  it("refuses what viem refuses: bad length, bad v, r or s zero or out of range, not hex", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const hash = randomHash();
    const good = await account.sign({ hash });
    const r = good.slice(2, 66);
    const s = good.slice(66, 130);
    const bad: Hex[] = [
      good.slice(0, 130) as Hex, // 64 bytes
      `${good}00`, // 66 bytes
      `0x${r}${s}02`,
      `0x${r}${s}1d`,
      `0x${r}${s}ff`,
      `0x${hex32(0n)}${s}1b`,
      `0x${r}${hex32(0n)}1b`,
      `0x${hex32(N)}${s}1b`,
      `0x${r}${hex32(N)}1c`,
      `0x${hex32((1n << 256n) - 1n)}${s}1b`,
      "0x",
    ];
    for (const sig of bad) {
      expect(await viemSigner(hash, sig), sig).to.equal(null);
      expect(recoverSigner(hash, sig), sig).to.equal(null);
    }
    expect(recoverSigner(hash, `0x${"zz".repeat(65)}`)).to.equal(null);
    expect(recoverSigner("0x1234", good)).to.equal(null);
  });

  it("random 65-byte strings: the same verdict as viem (low-s), refused when high-s", async () => {
    for (let i = 0; i < 200; i++) {
      const hash = randomHash();
      const body = randomBytes(64);
      const v = i % 2 === 0 ? "1b" : "1c";
      const sig: Hex = `${bytesToHex(body)}${v}`;
      const s = BigInt(`0x${sig.slice(66, 130)}`);
      const mine = recoverSigner(hash, sig);
      if (s > N / 2n) expect(mine).to.equal(null);
      else expect(mine).to.equal(await viemSigner(hash, sig));
    }
    // an r that is not the x of any curve point does not recover
    const hash = keccak256(toHex("no point"));
    for (let x = 5n; x < 40n; x++) {
      const sig: Hex = `0x${hex32(x)}${hex32(1n)}1b`;
      expect(recoverSigner(hash, sig)).to.equal(await viemSigner(hash, sig));
    }
  });
});
