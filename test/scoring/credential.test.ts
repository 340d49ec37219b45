import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { hashTypedData, keccak256 as viemKeccak, toBytes, toHex, type Hex } from "viem";
import { buildCredential, buildTree, Credential, csprngBytes, disclose, evaluateChecked, panelSheetDigest, panelSheetTypedData, PRINTED_FIELDS, verifyDisclosure, verifySheets, type LeafValue } from "../../scoring";
import credentialV1Json from "./fixtures/credential-v1.json";
import disclosureV1Json from "./fixtures/disclosure-v1.json";
import { keccakBackend, keccakBytes, keccakHex, keccakInto, keccakReady, keccakUtf8, keccakUtf8Into, useKeccakBackend, type KeccakBackend } from "../../scoring/commit/keccak";
import { prng } from "../../scoring/synthetic";
import { idNumberCheckChar } from "../../scoring/dossier/checksums";
import { DEFAULT_RULEBOOK, makeCase, prepared } from "./helpers";

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));

async function issued(seed: number) {
  const c = await makeCase(seed);
  const rb = prepared(DEFAULT_RULEBOOK);
  const panel = await verifySheets({ ...rb, dossier: c.dossier, dossierHash: c.dossierHash }, c.sheets);
  const evaluation = evaluateChecked(rb, c.dossier, c.dossierHash, panel);
  const r = buildCredential({ evaluation, dossier: c.dossier, sheets: panel.accepted });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { ...c, evaluation, panel, ...r.value };
}

describe("scoring: commitments and selective disclosure", () => {
  /** Runs f with each library the engine can hash with (hash-wasm is the one in use in Node), then restores it. */
  async function withEachBackend(f: (backend: KeccakBackend) => void): Promise<void> {
    expect(await keccakReady(), "Node runs WebAssembly, so the engine hashes with hash-wasm").to.equal("hash-wasm");
    try {
      for (const backend of ["hash-wasm", "noble"] as const) {
        useKeccakBackend(backend);
        expect(keccakBackend()).to.equal(backend);
        f(backend);
      }
    } finally {
      useKeccakBackend("hash-wasm");
    }
  }

  it("the engine's keccak (hash-wasm and @noble/hashes) is viem's keccak256 on random inputs of every length 0…300, across the rate boundary", async () => {
    await withEachBackend((backend) => {
      const rand = prng(5);
      const lengths = Array.from({ length: 301 }, (_, i) => i);
      // 135 / 136 / 137 (one byte short of, exactly, one past the 136-byte rate) several times over
      for (let k = 0; k < 20; k++) lengths.push(135, 136, 137, 271, 272, 273);
      for (const len of lengths) {
        const b = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
        const expected = viemKeccak(b);
        expect(keccakHex(b), `${backend}, length ${len}`).to.equal(expected);
        expect(toHex(keccakBytes(b)), `${backend}, length ${len}`).to.equal(expected);
        // a prefix of a longer buffer, written at an offset, as the tree builder calls it
        const buf = new Uint8Array(len + 40);
        buf.set(b);
        const out = new Uint8Array(80);
        keccakInto(buf, len, out, 7);
        expect(toHex(out.subarray(7, 39)), `${backend}, prefix of length ${len}`).to.equal(expected);
        expect(out.subarray(0, 7).every((x) => x === 0) && out.subarray(39).every((x) => x === 0)).to.equal(true);
      }
      fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => { expect(keccakHex(b)).to.equal(viemKeccak(b)); }), { numRuns: 200 });
      // text: ASCII, CJK, astral characters and lone surrogates, short and longer than the scratch buffer
      const text = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).map((s) => s.repeat(200)));
      fc.assert(
        fc.property(text, (t) => {
          const expected = viemKeccak(new TextEncoder().encode(t));
          expect(keccakUtf8(t)).to.equal(expected);
          const out = new Uint8Array(64);
          keccakUtf8Into(t, out, 32);
          expect(toHex(out.subarray(32))).to.equal(expected);
        }),
        { numRuns: 100 },
      );
    });
  });

  it("the engine's keccak is keccak-256, not SHA3-256 (known vectors)", async () => {
    await withEachBackend(() => {
      expect(keccakHex(new Uint8Array(0))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
      expect(keccakUtf8("abc")).to.equal("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    });
  });

  it("the fast EIP-712 sheet digest equals viem's hashTypedData of the shared typed data", () => {
    const sheet = fc.record({
      format: fc.constant("cqo-panel-sheet/1" as const),
      rulebook: hex32,
      dossier: hex32,
      assessor: fc.record({ id: fc.string({ minLength: 1 }), address: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b)), employerUscc: fc.string() }),
      scores: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 65_535 }), { maxKeys: 8 }),
      comments: fc.string({ maxLength: 300 }),
      signedOn: fc.string({ maxLength: 10 }),
    });
    fc.assert(
      fc.property(sheet, (s) => {
        expect(panelSheetDigest(s)).to.equal(hashTypedData(panelSheetTypedData(s)));
      }),
      { numRuns: 150 },
    );
  });

  it("the tree is bit-identical to @openzeppelin/merkle-tree StandardMerkleTree (root, layout, proofs)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 70 }), hex32, hex32), { minLength: 1, maxLength: 20 }), (values) => {
        const leaves = values as LeafValue[];
        const mine = buildTree(leaves);
        const ref = StandardMerkleTree.of(leaves, ["string", "bytes32", "bytes32"]);
        expect(mine.root).to.equal(ref.root);
        expect(mine.dump).to.deep.equal(ref.dump());
        leaves.forEach((leaf, i) => expect(mine.proofs[i]).to.deep.equal(ref.getProof(i)));
      }),
      { numRuns: 60 },
    );
  });

  it("the credential (format cqo-credential/2) has the required salted fields, each item of personal data its own; every proof verifies with the library; the dump loads", async () => {
    const { credential, root, evaluation, dossier } = await issued(21);
    expect(credential.format).to.equal("cqo-credential/2");
    expect(credential.fields.map((f) => f.name)).to.deep.equal([
      "level", "total", "dimension.awareness", "dimension.integrity", "dimension.knowledge", "dimension.ability", "dimension.performance",
      "rulebook", "dossier", "name", "idNumber", "employer.name", "employer.creditCode", "panel",
    ]);
    const value = (name: string) => credential.fields.find((f) => f.name === name)!.value;
    expect(value("rulebook")).to.equal(evaluation.rulebook.hash);
    expect(value("name")).to.equal(dossier.applicant.name);
    expect(value("idNumber")).to.equal(dossier.applicant.idNumber);
    expect(value("employer.name")).to.equal(dossier.employer.name);
    expect(value("employer.creditCode")).to.equal(dossier.employer.uscc);
    expect(Credential.safeParse(JSON.parse(JSON.stringify(credential))).success, "the file the holder saves parses back").to.equal(true);
    expect(new Set(credential.fields.map((f) => f.salt)).size).to.equal(credential.fields.length);
    for (const f of credential.fields) {
      expect(StandardMerkleTree.verify(root, ["string", "bytes32", "bytes32"], [f.name, f.salt, f.valueHash], f.proof)).to.equal(true);
    }
    expect(StandardMerkleTree.load(credential.tree).root).to.equal(root);
  });

  it("csprngBytes hands out every pooled byte once, at any length, and large requests beyond one getRandomValues call", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const b = csprngBytes(32);
      expect(b).to.have.length(32);
      seen.add(toHex(b));
    }
    expect(seen.size, "2000 draws of 32 bytes never repeat").to.equal(2000);
    for (const n of [0, 1, 33, 352, 2048, 2049, 70_000]) expect(csprngBytes(n)).to.have.length(n);
    const big = csprngBytes(70_000);
    expect(big.subarray(65_536).some((x) => x !== 0), "the tail past 65,536 bytes is filled too").to.equal(true);
    // returned buffers are copies: changing one does not change the next draw
    const a = csprngBytes(32);
    a.fill(7);
    expect(Array.from(csprngBytes(32)).every((x) => x === 7)).to.equal(false);
  });

  it("salts are fresh: the same evaluation committed twice gives different roots", async () => {
    const a = await issued(22);
    const again = buildCredential({ evaluation: a.evaluation, dossier: a.dossier, sheets: a.panel.accepted });
    if (!again.ok) throw new Error("unexpected");
    expect(again.value.root).to.not.equal(a.root);
  });

  it("a disclosure reveals only the chosen fields and verifies; tampering or a wrong root fails", async () => {
    const { credential, root, evaluation } = await issued(23);
    const d = disclose(credential, ["level", "total"]);
    if (!d.ok) throw new Error("unexpected");
    const text = JSON.stringify(d.value);
    expect(text).to.not.contain(credential.fields.find((f) => f.name === "idNumber")!.salt);
    expect(text).to.not.contain("idNumber");
    expect(d.value.format).to.equal("cqo-disclosure/2");
    const v = verifyDisclosure(d.value, root);
    expect(v.ok && v.value.fields).to.deep.equal([{ name: "level", value: evaluation.level }, { name: "total", value: evaluation.total }]);
    const tampered = JSON.parse(text) as { fields: { value: unknown }[] };
    tampered.fields[0]!.value = 1;
    if (evaluation.level !== 1) expect(verifyDisclosure(tampered, root).ok).to.equal(false);
    expect(verifyDisclosure(d.value, `0x${"ab".repeat(32)}`).ok).to.equal(false);
    expect(verifyDisclosure({ nonsense: true }, root).ok).to.equal(false);
    expect(disclose(credential, ["no-such-field"]).ok).to.equal(false);
  });

  it("the builder refuses a mismatched dossier or sheets", async () => {
    const a = await issued(24);
    const b = await issued(25);
    expect(buildCredential({ evaluation: a.evaluation, dossier: b.dossier, sheets: a.panel.accepted }).ok).to.equal(false);
    expect(buildCredential({ evaluation: a.evaluation, dossier: a.dossier, sheets: b.panel.accepted }).ok).to.equal(false);
  });

  it("an unsalted hash of an ID number is brute-forced; the salted leaf is not (by construction)", async () => {
    const { credential, dossier } = await issued(26);
    const id = dossier.applicant.idNumber;
    // An attacker who knows region and birth date (often public) has 1000 sequence numbers to try;
    // the check character is determined by the rest.
    const candidates = Array.from({ length: 1000 }, (_, s) => {
      const first17 = id.slice(0, 14) + String(s).padStart(3, "0");
      return first17 + idNumberCheckChar(first17);
    });
    const unsalted = viemKeccak(toHex(id));
    const found = candidates.find((c) => viemKeccak(toHex(c)) === unsalted);
    expect(found).to.equal(id);

    // The idNumber leaf commits to (name, salt, keccak(canonical JSON of the ID number)). Even with the full
    // candidate list, without the 32-byte salt no candidate reproduces the leaf: the search space is 1000 × 2^256.
    const field = credential.fields.find((f) => f.name === "idNumber")!;
    const leafOf = (salt: Hex, idNumber: string) => StandardMerkleTree.of([["idNumber", salt, viemKeccak(toHex(JSON.stringify(idNumber)))]], ["string", "bytes32", "bytes32"]).root;
    const target = StandardMerkleTree.of([["idNumber", field.salt, field.valueHash]], ["string", "bytes32", "bytes32"]).root;
    const guessSalt = `0x${"00".repeat(32)}` as Hex;
    expect(candidates.filter((c) => leafOf(guessSalt, c) === target)).to.have.length(0);
    // and with the salt (the holder's secret) the leaf is reproduced exactly
    expect(leafOf(field.salt as Hex, id)).to.equal(target);
  });

  describe("record format v2: name and employer without the ID number", () => {
    it("proves the printed fields (name, employer, level) and the credit code, revealing neither the ID number nor its salt", async () => {
      const { credential, root, dossier, evaluation } = await issued(27);
      expect([...PRINTED_FIELDS]).to.deep.equal(["name", "employer.name", "level"]);
      const d = disclose(credential, [...PRINTED_FIELDS, "employer.creditCode"]);
      if (!d.ok) throw new Error(JSON.stringify(d.errors));
      const text = JSON.stringify(d.value);
      const id = credential.fields.find((f) => f.name === "idNumber")!;
      expect(text).to.not.contain(dossier.applicant.idNumber);
      expect(text).to.not.contain(id.salt);
      expect(text).to.not.contain(id.valueHash);
      const v = verifyDisclosure(d.value, root);
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      expect(v.value.format).to.equal("cqo-disclosure/2");
      expect(v.value.fields).to.deep.equal([
        { name: "name", value: dossier.applicant.name },
        { name: "employer.name", value: dossier.employer.name },
        { name: "level", value: evaluation.level },
        { name: "employer.creditCode", value: dossier.employer.uscc },
      ]);
    });

    it("a tampered value, salt or proof, a swapped field name or a repeated field is rejected, naming the field", async () => {
      const { credential, root } = await issued(28);
      const d = disclose(credential, ["name", "employer.name", "level"]);
      if (!d.ok) throw new Error("unexpected");
      const copy = () => JSON.parse(JSON.stringify(d.value)) as { fields: { name: string; value: unknown; salt: string; proof: string[] }[] };
      const rejected = (input: unknown, path: (string | number)[]) => {
        const r = verifyDisclosure(input, root);
        expect(r.ok, JSON.stringify(path)).to.equal(false);
        if (!r.ok) expect(r.errors.map((e) => e.path)).to.deep.include(path);
      };
      const value = copy();
      value.fields[0]!.value = "李四";
      rejected(value, ["fields", 0]);
      const employer = copy();
      employer.fields[1]!.value = `${String(employer.fields[1]!.value)}（分公司）`;
      rejected(employer, ["fields", 1]);
      const salt = copy();
      salt.fields[0]!.salt = `0x${(BigInt(salt.fields[0]!.salt) ^ 1n).toString(16).padStart(64, "0")}`;
      rejected(salt, ["fields", 0]);
      const proof = copy();
      proof.fields[2]!.proof[0] = `0x${"11".repeat(32)}`;
      rejected(proof, ["fields", 2]);
      const shortProof = copy();
      shortProof.fields[2]!.proof.pop();
      rejected(shortProof, ["fields", 2]);
      // the employer's name presented as the holder's name: the leaf commits to the field's name too
      const swapped = copy();
      swapped.fields[1]!.name = "name";
      swapped.fields[0]!.name = "employer.name";
      rejected(swapped, ["fields", 0]);
      const twice = copy();
      twice.fields.push(twice.fields[0]!);
      rejected(twice, ["fields", 3, "name"]);
      // disclose() itself never repeats a field
      const again = disclose(credential, ["name", "name"]);
      expect(again.ok && again.value.fields.map((f) => f.name)).to.deep.equal(["name"]);
      // and the untouched disclosure still verifies
      expect(verifyDisclosure(d.value, root).ok).to.equal(true);
    });
  });

  describe("record format v1 (certificates issued before v2) keeps verifying", () => {
    const v1 = Credential.parse(credentialV1Json);

    it("a stored cqo-credential/1 parses, every proof verifies with the library, and its dump loads", () => {
      expect(v1.format).to.equal("cqo-credential/1");
      expect(v1.fields.map((f) => f.name)).to.include("applicant").and.not.include("name");
      for (const f of v1.fields) {
        expect(StandardMerkleTree.verify(v1.root, ["string", "bytes32", "bytes32"], [f.name, f.salt, f.valueHash], f.proof), f.name).to.equal(true);
      }
      expect(StandardMerkleTree.load(v1.tree).root).to.equal(v1.root);
    });

    it("a stored cqo-disclosure/1 verifies against its root; a tampered one does not", () => {
      const v = verifyDisclosure(disclosureV1Json, v1.root);
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      expect(v.value.format).to.equal("cqo-disclosure/1");
      const applicant = v1.fields.find((f) => f.name === "applicant")!.value;
      expect(v.value.fields).to.deep.equal([{ name: "level", value: v1.fields[0]!.value }, { name: "applicant", value: applicant }]);
      const tampered = JSON.parse(JSON.stringify(disclosureV1Json)) as { fields: { value: { name?: string } }[] };
      tampered.fields[1]!.value.name = "李四";
      expect(verifyDisclosure(tampered, v1.root).ok).to.equal(false);
    });

    it("disclose() of a /1 credential makes a cqo-disclosure/1 that verifies; it has no separate name leaf", () => {
      const d = disclose(v1, ["level", "total"]);
      if (!d.ok) throw new Error("unexpected");
      expect(d.value.format).to.equal("cqo-disclosure/1");
      expect(verifyDisclosure(d.value, v1.root).ok).to.equal(true);
      const r = disclose(v1, ["name"]);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors[0]!.path).to.deep.equal(["fields", 0]);
    });

    it("an unknown format is refused with the format's path", () => {
      const r = verifyDisclosure({ ...disclosureV1Json, format: "cqo-disclosure/9" }, v1.root);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.map((e) => e.path[0])).to.include("format");
      expect(Credential.safeParse({ ...credentialV1Json, format: "cqo-credential/3" }).success).to.equal(false);
    });
  });
});
