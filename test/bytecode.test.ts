/**
 * Issue #11, consortium EVMs: FISCO BCOS 3.x and many Besu networks run Paris rules, so no compiled contract may
 * hold an opcode newer than Paris (PUSH0, MCOPY, TLOAD, TSTORE, BLOBHASH, BLOBBASEFEE), and none may exceed EIP-170's
 * 24,576 bytes. Walks every artifact under contracts/ with scripts/lib/evm-opcodes.ts, after proving on hand-made
 * bytecode that the walker finds such an opcode and is not fooled by PUSH data, the metadata or the data solc appends
 * after the code (read from the build info's source maps).
 *
 * v2: CQOCertificate is linked to the external libraries BodyAdministration and CertificateAdministration, so its artifact holds 20-byte link
 * placeholders (`__$…$__`, not hex) where the library's address goes. They are filled here, as a deployment fills
 * them, with an address made of 0x5f bytes: the walk must read them as PUSH20 data, never as PUSH0.
 */
import { expect } from "chai";
import hre from "hardhat";
import {
  assertParisCompatible,
  codeLengthFromSourceMap,
  codeLengthWithoutMetadata,
  describeFindings,
  instructions,
  MAX_RUNTIME_CODE_SIZE,
  POST_PARIS_OPCODES,
  postParisOpcodes,
  toBytes,
} from "../scripts/lib/evm-opcodes";

/** solc's metadata trailer as 0.8.26 writes it ({ipfs: 34 bytes, solc: 0.8.26}, then its length), with 0x5f bytes in the hash. */
const METADATA = `a264697066735822${"5f".repeat(34)}64736f6c634300081a0033`;
/** PUSH1 0x80 PUSH1 0x40 MSTORE: how every solc contract starts. */
const PROLOGUE = "6080604052";

const found = (code: string) => postParisOpcodes(`0x${code}`).map((f) => `${f.name}@${f.pc}`);

/** `linkReferences` / `deployedLinkReferences` of an artifact: byte offsets of each library's placeholders. */
type LinkReferences = Record<string, Record<string, readonly { start: number; length: number }[]>>;

/** An address whose every byte is PUSH0's: linked into the code, it must be read as data. */
const LINKED_ADDRESS = "5f".repeat(20);

/**
 * The bytecode with every library placeholder replaced by `LINKED_ADDRESS` (what a deployment does with the
 * library's real address). Throws if a placeholder is left or a reference does not point at one.
 */
function linked(bytecode: string, references: LinkReferences): string {
  let hex = bytecode.startsWith("0x") ? bytecode.slice(2) : bytecode;
  for (const libraries of Object.values(references)) {
    for (const [library, offsets] of Object.entries(libraries)) {
      for (const { start, length } of offsets) {
        const at = start * 2;
        const placeholder = hex.slice(at, at + length * 2);
        if (length !== 20 || !/^__\$[0-9a-f]{34}\$__$/.test(placeholder)) {
          throw new Error(`${library}: no link placeholder at byte ${start}`);
        }
        hex = hex.slice(0, at) + LINKED_ADDRESS + hex.slice(at + length * 2);
      }
    }
  }
  if (hex.includes("__$")) throw new Error("an unlinked placeholder is left");
  return `0x${hex}`;
}

describe("bytecode: Paris rules for consortium chains (issue #11)", function () {
  describe("the checker (scripts/lib/evm-opcodes.ts)", function () {
    it("reports a PUSH0 outside PUSH data, with its offset", function () {
      expect(found(`${PROLOGUE}5f00`)).to.deep.equal(["PUSH0@5"]);
      expect(found(`${PROLOGUE}5f00${METADATA}`)).to.deep.equal(["PUSH0@5"]);
      expect(() => assertParisCompatible("Hand-made", `0x${PROLOGUE}5f00${METADATA}`)).to.throw(/Hand-made: .*PUSH0 ×1 \(at 0x5\)/);
    });

    it("reports each post-Paris opcode", function () {
      for (const [opcode, name] of POST_PARIS_OPCODES) {
        expect(found(`${PROLOGUE}${opcode.toString(16)}00`), name).to.deep.equal([`${name}@5`]);
      }
      expect([...POST_PARIS_OPCODES.values()].sort()).to.deep.equal(["BLOBBASEFEE", "BLOBHASH", "MCOPY", "PUSH0", "TLOAD", "TSTORE"]);
    });

    it("skips PUSH1..PUSH32 immediate data: a 0x5f there is a constant, not a PUSH0", function () {
      expect(found(`605f00`)).to.deep.equal([]); // PUSH1 0x5f
      expect(found(`7f${"5f".repeat(32)}00`)).to.deep.equal([]); // PUSH32 of 0x5f bytes
      expect(found(`615f5f5f`)).to.deep.equal(["PUSH0@3"]); // PUSH2 0x5f5f, then a real PUSH0
      for (let n = 1; n <= 32; n++) {
        const push = (0x5f + n).toString(16);
        expect(found(`${push}${"5e".repeat(n)}5c`), `PUSH${n}`).to.deep.equal([`TLOAD@${n + 1}`]);
      }
      const pcs = [...instructions("0x6001600201")].map((i) => i.pc);
      expect(pcs).to.deep.equal([0, 2, 4]); // PUSH1 1, PUSH1 2, ADD
    });

    it("stops at the metadata trailer, whose bytes are data", function () {
      const code = toBytes(`0x${PROLOGUE}00${METADATA}`);
      expect(codeLengthWithoutMetadata(code)).to.equal(6);
      expect(found(`${PROLOGUE}00${METADATA}`)).to.deep.equal([]);
      // without a trailer (no CBOR map where the last two bytes point) the code is walked whole
      expect(codeLengthWithoutMetadata(toBytes("0x5f000001"))).to.equal(4);
      expect(found("5f000001")).to.deep.equal(["PUSH0@0"]);
    });

    it("with solc's source map, stops where the instructions end: the data solc appends is not walked", function () {
      // code, INVALID, 32 bytes of data (a constant the optimizer reads with CODECOPY), then the metadata
      const code = `0x${PROLOGUE}00fe${"5f".repeat(32)}${METADATA}`;
      expect(postParisOpcodes(code)).to.have.length(32); // the trailer alone does not tell where the data starts
      const end = codeLengthFromSourceMap(code, "0:0:0:-:0;;;"); // PUSH1, PUSH1, MSTORE, STOP: 4 entries
      expect(end).to.equal(6);
      expect(toBytes(code)[end]).to.equal(0xfe);
      expect(postParisOpcodes(code, end)).to.deep.equal([]);
      expect(postParisOpcodes(`0x${PROLOGUE}5ffe${"5f".repeat(32)}${METADATA}`, end)).to.deep.equal([{ pc: 5, opcode: 0x5f, name: "PUSH0" }]);
      // entries count instructions, not bytes: a PUSH32 is one entry
      expect(codeLengthFromSourceMap(`0x7f${"5f".repeat(32)}5f`, "0:0:0:-:0")).to.equal(33);
    });

    it("finds the PUSH0 in a real contract's code when one is put there", async function () {
      const artifact = await hre.artifacts.readArtifact("CQOCertificate");
      const build = await hre.artifacts.getBuildInfo(`${artifact.sourceName}:${artifact.contractName}`);
      const sourceMap = build?.output.contracts[artifact.sourceName]?.[artifact.contractName]?.evm.deployedBytecode.sourceMap;
      if (sourceMap === undefined) throw new Error("no build info for CQOCertificate");
      const code = toBytes(linked(artifact.deployedBytecode, artifact.deployedLinkReferences));
      const end = codeLengthFromSourceMap(code, sourceMap);
      expect(postParisOpcodes(code, end)).to.deep.equal([]);
      expect(code[0]).to.equal(0x60);
      const tampered = Uint8Array.from(code);
      tampered[0] = 0x5f; // PUSH1 0x80 becomes PUSH0 DUP1, and the walk is in step again at the next PUSH1
      expect(postParisOpcodes(tampered, end)).to.deep.equal([{ pc: 0, opcode: 0x5f, name: "PUSH0" }]);
      expect(() => assertParisCompatible("CQOCertificate", tampered, end)).to.throw(/CQOCertificate: .*PUSH0 ×1 \(at 0x0\)/);
    });
  });

  describe("every contract under contracts/", function () {
    interface Compiled {
      fqn: string;
      name: string;
      bytecode: string;
      deployedBytecode: string;
      /** the libraries the runtime code is linked to */
      libraries: string[];
      /** where the instructions end (solc's source maps), before the data and the metadata */
      initEnd: number;
      runtimeEnd: number;
      solcVersion: string;
      evmVersion: string | undefined;
    }
    const contracts: Compiled[] = [];

    before(async function () {
      for (const fqn of await hre.artifacts.getAllFullyQualifiedNames()) {
        if (!fqn.startsWith("contracts/")) continue;
        const a = await hre.artifacts.readArtifact(fqn);
        if (a.deployedBytecode === "0x") continue; // interfaces and abstract contracts
        const build = await hre.artifacts.getBuildInfo(fqn);
        const evm = build?.output.contracts[a.sourceName]?.[a.contractName]?.evm;
        if (build === undefined || evm === undefined) throw new Error(`${fqn}: no build info`);
        const bytecode = linked(a.bytecode, a.linkReferences);
        const deployedBytecode = linked(a.deployedBytecode, a.deployedLinkReferences);
        contracts.push({
          fqn,
          name: a.contractName,
          bytecode,
          deployedBytecode,
          libraries: Object.values(a.deployedLinkReferences).flatMap((libraries) => Object.keys(libraries)),
          initEnd: codeLengthFromSourceMap(bytecode, evm.bytecode.sourceMap),
          runtimeEnd: codeLengthFromSourceMap(deployedBytecode, evm.deployedBytecode.sourceMap),
          solcVersion: build.solcVersion,
          evmVersion: build.input.settings.evmVersion,
        });
      }
    });

    it("includes the certificate, its library, the renderer, the anchors and the mocks", function () {
      const names = contracts.map((c) => c.name);
      for (const name of ["CQOCertificate", "BodyAdministration", "CertificateAdministration", "CertificateRenderer", "PlainERC721", "ERC1271WalletMock"]) {
        expect(names).to.include(name);
      }
      expect(contracts.some((c) => c.fqn.startsWith("contracts/mocks/"))).to.equal(true);
    });

    it("link the certificate to BodyAdministration and CertificateAdministration (and nothing else to any library)", function () {
      const linkedTo = Object.fromEntries(contracts.filter((c) => c.libraries.length > 0).map((c) => [c.name, c.libraries.sort()]));
      expect(linkedTo).to.deep.equal({ CQOCertificate: ["BodyAdministration", "CertificateAdministration"] });
      const certificate = contracts.find((c) => c.name === "CQOCertificate");
      expect(certificate?.deployedBytecode).to.contain(`73${LINKED_ADDRESS}`); // PUSH20 <library>
    });

    it("refuse a link reference that does not point at a placeholder", function () {
      expect(() => linked("0x73" + "00".repeat(20), { "x.sol": { X: [{ start: 1, length: 20 }] } })).to.throw(/no link placeholder/);
      expect(() => linked("0x73__$" + "ab".repeat(17) + "$__", {})).to.throw(/unlinked placeholder/);
    });

    it("were compiled by solc 0.8.26 for evmVersion paris", function () {
      for (const c of contracts) {
        expect(c.solcVersion, c.fqn).to.equal("0.8.26");
        expect(c.evmVersion, c.fqn).to.equal("paris");
      }
    });

    it("are laid out as the source maps say: instructions, INVALID, then the runtime code (creation) or data", function () {
      for (const c of contracts) {
        const runtime = toBytes(c.deployedBytecode);
        const creation = toBytes(c.bytecode);
        expect(runtime[c.runtimeEnd], `${c.fqn} runtime`).to.equal(0xfe);
        expect(creation[c.initEnd], `${c.fqn} creation`).to.equal(0xfe);
        const embedded = creation.subarray(c.initEnd + 1, c.initEnd + 1 + runtime.length);
        expect(Buffer.from(embedded).equals(Buffer.from(runtime)), `${c.fqn}: runtime code after the constructor`).to.equal(true);
      }
    });

    it("hold no post-Paris opcode, in the runtime code nor in the constructor", function () {
      for (const c of contracts) {
        // compared as text, so that a failure names the opcodes and their offsets
        expect(describeFindings(postParisOpcodes(c.deployedBytecode, c.runtimeEnd)), `${c.fqn} runtime`).to.equal("");
        expect(describeFindings(postParisOpcodes(c.bytecode, c.initEnd)), `${c.fqn} constructor`).to.equal("");
      }
    });

    it("fit EIP-170's 24,576 bytes of runtime code", function () {
      for (const c of contracts) {
        expect(toBytes(c.deployedBytecode).length, c.fqn).to.be.at.most(MAX_RUNTIME_CODE_SIZE);
      }
    });
  });
});
