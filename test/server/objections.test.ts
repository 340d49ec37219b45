/**
 * Objections (异议), issue #10, against anvil: each test is named after an attack on the relay (the body's key pays
 * the gas of every objection filed through the workbench) or on the filer's privacy, and checks the answer (status,
 * error code, fields) and the chain (through the sdk): what was refused never reached the contract.
 */
import { expect } from "chai";
import hre from "hardhat";
import { getAddress, hashTypedData, recoverAddress, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type HDAccount, type PrivateKeyAccount } from "viem/accounts";
import { cqoDomain, objectionStatement, objectionStatementTypes, objectionTypedData, type ObjectionStatement } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import type { ServerConfig } from "../../server/config";
import { insertFilingObjection } from "../../server/store/objections";
import { OBJECTION_LIMITS } from "../../server/routes/objections";
import {
  OPERATOR,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  signInAs,
  signInTeam,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  type Anvil,
  type Http,
  type Reply,
  type Tokens,
  type World,
} from "./helpers";

type Signer = HDAccount | PrivateKeyAccount;
interface ErrorBody {
  error: { code: string; problems?: { field: string }[]; details?: Record<string, unknown> };
}
interface Shown {
  id: number;
  status: string;
  filer?: string;
  statement?: string;
  evidence?: string | null;
  evidenceHash?: Hex;
  signature?: Hex | null;
  signedStatement?: { domain: { name: string; version: string; chainId: number; verifyingContract: Address }; primaryType: string; message: Omit<ObjectionStatement, "tokenId"> & { tokenId: string } } | null;
  filedTx?: Hex | null;
  resolution: Record<string, unknown> | null;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("server: objections — the relay's limits, the filer's signature, and who sees what (anvil)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let base: string;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let config: ServerConfig;
  let seed = 9_100;
  let files = 0;
  const applicant = account(21);
  const chain = () => clientFor(anvil.url, world.deployment);

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("objections");
    config = testConfig(tmp.dir);
    wb = await buildServer({ config, chain: clientFor(anvil.url, world.deployment, account(OPERATOR)) });
    base = await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, applicant);
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state;
  /** a certificate in public notice (公示) */
  const inNotice = async (): Promise<{ id: string; tokenId: string }> => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++));
    const a = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    const deadline = Date.now() + 20_000;
    while ((await stateOf(id)) !== "in-notice") {
      if (Date.now() > deadline) throw new Error(`${id} never reached in-notice`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { id, tokenId: a.tokenId };
  };
  /** a fresh wallet with no ether at all, signed in */
  const unfunded = async (): Promise<{ signer: PrivateKeyAccount; token: string }> => {
    const signer = privateKeyToAccount(generatePrivateKey());
    return { signer, token: await signInAs(http, signer) };
  };
  const upload = async (token: string): Promise<string> => {
    const form = new FormData();
    // a PDF (evidence is accepted by its content), different each time
    form.append("file", new Blob([Buffer.from(`%PDF-1.4\n% evidence ${++files} ${Date.now()} ${Math.random()}\n%%EOF\n`)], { type: "application/pdf" }), `evidence-${files}.pdf`);
    const r = await fetch(`${base}/evidence`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    expect(r.status, "upload").to.equal(201);
    return ((await r.json()) as { sha256: string }).sha256;
  };
  let clockSkew = 0;
  /** a POST /objections body signed by `signer` (EIP-712 ObjectionStatement); `sign` overrides what is signed */
  const signed = async (signer: Signer, tokenId: string, statement: string, o: { evidence?: string; issuedAt?: number; sign?: Partial<ObjectionStatement>; by?: Signer } = {}) => {
    // a distinct second for each statement of a test, so two bodies never sign the same struct by accident
    const issuedAt = o.issuedAt ?? Math.floor(Date.now() / 1000) - clockSkew++ % 60;
    const message = { ...objectionStatement({ tokenId, filer: signer.address, statement, evidence: o.evidence, issuedAt }), ...o.sign };
    const signature = await (o.by ?? signer).signTypedData(objectionTypedData(31337, world.deployment.certificate, message));
    return { tokenId, statement, ...(o.evidence ? { evidence: o.evidence } : {}), signature, issuedAt };
  };
  const file = (body: unknown, token: string) => http("POST", "/objections", body, token);
  const refusal = (r: Reply, status: number, code: string, field?: string) => {
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    const e = r.json<ErrorBody>().error;
    expect(e.code).to.equal(code);
    if (field) expect(e.problems?.map((p) => p.field)).to.include(field);
    return e;
  };
  const dismiss = async (objectionId: number) => expect200(await http("POST", `/objections/${objectionId}/resolve`, { upheld: false }, tokens.operator), "dismiss");
  const filedOnChain = async (tokenId: string) => (await chain().certificateHistory(tokenId)).filter((h) => h.kind === "objection-filed");

  it("an unfunded wallet cannot keep a certificate pending forever by refiling after each dismissal", async () => {
    const { id, tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    expect(await chain().publicClient.getBalance({ address: signer.address })).to.equal(0n);

    // the first objection needs nothing but a signed statement
    const first = expect200(await file(await signed(signer, tokenId, "业绩不实 the results are not real"), token), "first", 201).json<Shown>();
    expect((await chain().verifyCertificate(tokenId)).underObjection).to.equal(true);
    await dismiss(first.id);
    expect((await chain().verifyCertificate(tokenId)).underObjection).to.equal(false);

    // refiling right after the dismissal, with nothing new: refused before the chain
    refusal(await file(await signed(signer, tokenId, "业绩不实，再次提出"), token), 422, "evidence-not-new", "body.evidence");
    expect(await filedOnChain(tokenId)).to.have.length(1);

    // with new evidence each time: heard again, up to the limit per filer and certificate
    for (let n = 2; n <= OBJECTION_LIMITS.perFilerPerCertificate; n++) {
      const evidence = await upload(token);
      const again = expect200(await file(await signed(signer, tokenId, `第 ${n} 次异议 objection ${n}`, { evidence }), token), `objection ${n}`, 201).json<Shown>();
      await dismiss(again.id);
    }
    const beyond = refusal(await file(await signed(signer, tokenId, "再来一次 once more", { evidence: await upload(token) }), token), 409, "objection-limit");
    expect(beyond.details).to.deep.include({ scope: "filer", limit: OBJECTION_LIMITS.perFilerPerCertificate });

    // the chain heard exactly the objections allowed, all resolved; the wallet paid nothing and holds nothing
    const history = await chain().certificateHistory(tokenId);
    expect(history.filter((h) => h.kind === "objection-filed")).to.have.length(OBJECTION_LIMITS.perFilerPerCertificate);
    expect(history.filter((h) => h.kind === "objection-resolved")).to.have.length(OBJECTION_LIMITS.perFilerPerCertificate);
    expect((await chain().verifyCertificate(tokenId)).underObjection).to.equal(false);
    expect(await chain().publicClient.getBalance({ address: signer.address })).to.equal(0n);
    // and the certificate is not pending forever: the notice ends and it becomes valid
    await fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_increaseTime", params: [8 * 86_400] }) });
    await fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }) });
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    expect((await chain().verifyCertificate(tokenId)).status).to.equal("Valid");
  });

  it("two objections at once from one filer → one filed, one 409", async () => {
    const { id, tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const [a, b] = await Promise.all([signed(signer, tokenId, "first of two"), signed(signer, tokenId, "second of two")]);
    const replies = await Promise.all([file(a, token), file(b, token)]);
    expect(replies.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    refusal(replies.find((r) => r.status === 409)!, 409, "objection-open");
    expect(await filedOnChain(tokenId)).to.have.length(1);
    expect((await http("GET", "/objections", undefined, token)).json<{ items: Shown[] }>().items.map((o) => o.status)).to.deep.equal(["filed"]);

    // someone else while it is open: the contract holds one objection at a time, refused before the chain
    const other = await unfunded();
    const busy = refusal(await file(await signed(other.signer, tokenId, "another filer"), other.token), 409, "certificate-under-objection");
    expect(busy.details).to.deep.include({ limit: OBJECTION_LIMITS.openPerCertificate });
    expect(await filedOnChain(tokenId)).to.have.length(1);

    // the same rules in SQL (migration 7): a writer that skipped the route's checks still cannot add an open one
    const row = { dossierId: id, tokenId, statement: "direct", evidence: null, signature: null, signedJson: null, at: Date.now() };
    expect(() => insertFilingObjection(wb.db, { ...row, filer: signer.address, evidenceHash: `0x${"01".repeat(32)}` })).to.throw(/UNIQUE constraint failed: objections\.token_id/);
    expect(() => insertFilingObjection(wb.db, { ...row, filer: other.signer.address, evidenceHash: `0x${"02".repeat(32)}` })).to.throw(/UNIQUE constraint failed: objections\.token_id/);
    const indexes = (wb.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'objections'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).to.include.members(["objections_open_per_filer", "objections_open_per_certificate", "objections_signed_statement"]);
  });

  it("refiling with the same evidence after dismissal → 422", async () => {
    const { tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const evidence = await upload(token);
    const first = expect200(await file(await signed(signer, tokenId, "见附件 see the file", { evidence }), token), "first", 201).json<Shown>();
    await dismiss(first.id);
    const again = refusal(await file(await signed(signer, tokenId, "同一证据，换个说法 same file, new words", { evidence }), token), 422, "evidence-not-new", "body.evidence");
    expect(again.problems).to.have.length(1);
    expect(await filedOnChain(tokenId)).to.have.length(1);
    // another file is new evidence
    expect200(await file(await signed(signer, tokenId, "新证据 new evidence", { evidence: await upload(token) }), token), "with new evidence", 201);
    expect(await filedOnChain(tokenId)).to.have.length(2);
  });

  it("an unsigned or mis-signed objection → 422/400 naming body.signature", async () => {
    const { tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const stranger = privateKeyToAccount(generatePrivateKey());
    const good = await signed(signer, tokenId, "签名测试 signature test");

    const { signature: _dropped, ...unsigned } = good;
    refusal(await file(unsigned, token), 400, "invalid-input", "body.signature");
    // signed by another wallet; over another statement, certificate or evidence; in the certificate's own domain
    refusal(await file(await signed(signer, tokenId, "签名测试 signature test", { by: stranger }), token), 422, "objection-signature", "body.signature");
    refusal(await file({ ...good, statement: "签名测试 signature test, edited" }, token), 422, "objection-signature", "body.signature");
    refusal(await file(await signed(signer, tokenId, "签名测试 signature test", { sign: { tokenId: BigInt(tokenId) + 1n } }), token), 422, "objection-signature", "body.signature");
    refusal(await file(await signed(signer, tokenId, "签名测试 signature test", { sign: { evidence: `0x${"ee".repeat(32)}` } }), token), 422, "objection-signature", "body.signature");
    const otherDomain = await signer.signTypedData({ ...objectionTypedData(31337, world.deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement: good.statement, issuedAt: good.issuedAt })), domain: cqoDomain(31337, world.deployment.certificate) });
    refusal(await file({ ...good, signature: otherDomain }, token), 422, "objection-signature", "body.signature");
    // the filer is the signed-in wallet: someone else cannot hand in the filer's signed statement as theirs
    const relayer = await unfunded();
    refusal(await file(good, relayer.token), 422, "objection-signature", "body.signature");
    // the malleable high-s twin of the good signature (valid for ecrecover, refused here)
    const s = BigInt(`0x${good.signature.slice(66, 130)}`);
    const v = Number.parseInt(good.signature.slice(130), 16);
    const twin = `${good.signature.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    const twinReply = await file({ ...good, signature: twin }, token);
    expect([400, 422]).to.include(twinReply.status);
    expect(twinReply.json<ErrorBody>().error.problems?.map((p) => p.field)).to.include("body.signature");
    // a stale or future issuedAt, however well signed
    const now = Math.floor(Date.now() / 1000);
    refusal(await file(await signed(signer, tokenId, "旧的 stale", { issuedAt: now - OBJECTION_LIMITS.maxAgeSeconds - 60 }), token), 422, "objection-stale", "body.issuedAt");
    refusal(await file(await signed(signer, tokenId, "将来的 future", { issuedAt: now + OBJECTION_LIMITS.maxFutureSeconds + 60 }), token), 422, "objection-stale", "body.issuedAt");
    // none of it reached the chain; the good one still files
    expect(await filedOnChain(tokenId)).to.have.length(0);
    expect(wb.db.prepare("SELECT COUNT(*) AS n FROM objections WHERE token_id = ?").get(tokenId)).to.deep.equal({ n: 0 });
    expect200(await file(good, token), "the good one", 201);
    expect(await filedOnChain(tokenId)).to.have.length(1);
  });

  it("a replayed signed statement → refused", async () => {
    const { tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const body = await signed(signer, tokenId, "只提一次 once only", { evidence: await upload(token) });
    const first = expect200(await file(body, token), "first", 201).json<Shown>();
    refusal(await file(body, token), 409, "objection-replayed", "body.signature");
    await dismiss(first.id);
    // after the dismissal too (its evidence would not be new either: the replay is named first)
    refusal(await file(body, token), 409, "objection-replayed", "body.signature");
    expect(await filedOnChain(tokenId)).to.have.length(1);
    expect((await chain().verifyCertificate(tokenId)).underObjection).to.equal(false);
  });

  it("the holder sees no filer or statement in the dossier or its audit log", async () => {
    const { id, tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const evidence = await upload(token);
    const statement = "举报人：张三，电话 138-0000-0000 / whistle-blower's own words";
    const filed = expect200(await file(await signed(signer, tokenId, statement, { evidence }), token), "file", 201).json<Shown>();
    const secretNote = `核实举报人 ${signer.address} 所述属实`;
    expect200(await http("POST", `/objections/${filed.id}/resolve`, { upheld: true, reason: "Fraud", note: secretNote }, tokens.operator), "uphold");
    const secrets = [signer.address.toLowerCase(), statement, evidence, filed.signature!.toLowerCase(), secretNote];
    const leaks = (json: unknown) => secrets.filter((x) => JSON.stringify(json).toLowerCase().includes(x.toLowerCase()));

    // the holder (applicant): that there was one, its status, dates and transactions, the ruling
    const dossier = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.applicant), "holder: dossier").json<{ objections: Shown[] }>();
    expect(dossier.objections).to.have.length(1);
    const o = dossier.objections[0]!;
    expect(Object.keys(o).sort()).to.deep.equal(["createdAt", "dossierId", "filedTx", "id", "resolution", "resolvedAt", "resolvedTx", "status", "tokenId"]);
    expect(o).to.deep.include({ id: filed.id, status: "upheld", resolution: { upheld: true, reason: "Fraud" } });
    expect(o.filedTx).to.match(/^0x[0-9a-f]{64}$/);
    expect(leaks(dossier), "holder: dossier").to.deep.equal([]);
    const audit = expect200(await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.applicant), "holder: audit").json<{ items: { action: string; actor: string | null; role: string; details: Record<string, unknown> }[] }>().items;
    expect(audit.find((a) => a.action === "file-objection")).to.deep.include({ actor: null, role: "public" });
    expect(audit.find((a) => a.action === "resolve-objection")!.details).to.deep.include({ upheld: true, reason: "Fraud" });
    expect(leaks(audit), "holder: audit").to.deep.equal([]);
    // nor the filer's evidence file
    expect((await http("GET", `/evidence/${evidence}`, undefined, tokens.applicant)).status).to.equal(404);

    // an assessor of its panel: no more than the holder (once the round is over, only their own sheet)
    const asAssessor = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.assessors[0]!), "assessor: dossier").json<{ objections?: Shown[] }>();
    for (const x of asAssessor.objections ?? []) expect(Object.keys(x)).to.not.include.members(["filer", "statement", "evidence", "signature", "signedStatement"]);
    expect(leaks(asAssessor), "assessor: dossier").to.deep.equal([]);
    const assessorAudit = await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.assessors[0]!);
    if (assessorAudit.status === 200) expect(leaks(assessorAudit.json()), "assessor: audit").to.deep.equal([]);
    else expect(assessorAudit.status).to.equal(404);
    expect((await http("GET", "/objections", undefined, tokens.applicant)).json<{ items: Shown[] }>().items.filter((o) => o.id === filed.id)).to.deep.equal([]);

    // operators see everything
    const asOperator = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.operator), "operator: dossier").json<{ objections: Shown[] }>().objections[0]!;
    expect(asOperator).to.deep.include({ filer: signer.address, statement, evidence, signature: filed.signature });
    expect(asOperator.signedStatement!.message).to.deep.include({ filer: signer.address, tokenId });
    const operatorAudit = expect200(await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator), "operator: audit").json<{ items: { action: string; actor: string; details: { note?: string } }[] }>().items;
    expect(operatorAudit.find((a) => a.action === "file-objection")!.actor).to.equal(signer.address);
    expect(operatorAudit.find((a) => a.action === "resolve-objection")!.details.note).to.equal(secretNote);
    // the filer sees their own through GET /objections, and not the dossier
    const own = (await http("GET", "/objections", undefined, token)).json<{ items: Shown[] }>().items;
    expect(own).to.have.length(1);
    expect(own[0]).to.deep.include({ id: filed.id, filer: signer.address, statement, evidence, signature: filed.signature, status: "upheld" });
    expect((await http("GET", `/dossiers/${id}`, undefined, token)).status).to.equal(404);
  });

  it("the on-chain evidence hash equals the EIP-712 hash of the filer's signed statement", async () => {
    const { tokenId } = await inNotice();
    const { signer, token } = await unfunded();
    const evidence = await upload(token);
    const body = await signed(signer, tokenId, "可以证明是我提出的 provably mine", { evidence });
    const filed = expect200(await file(body, token), "file", 201).json<Shown & { txHash: Hex }>();

    const typed = objectionTypedData(31337, world.deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement: body.statement, evidence, issuedAt: body.issuedAt }));
    const digest = hashTypedData(typed);
    const [onChain] = await filedOnChain(tokenId);
    expect(onChain).to.deep.include({ evidenceHash: digest, txHash: filed.txHash });
    expect(filed.evidenceHash).to.equal(digest);
    // the event's filer is the body's relaying key; the signature over the event's hash names the real filer
    expect(onChain!.kind === "objection-filed" && onChain!.filer).to.equal(account(OPERATOR).address);
    expect(await recoverAddress({ hash: onChain!.evidenceHash, signature: filed.signature! })).to.equal(signer.address);
    expect(await recoverTypedDataAddress({ ...typed, signature: filed.signature! })).to.equal(signer.address);
    // the struct the body keeps reproduces the same hash
    const kept = filed.signedStatement!;
    expect(kept.primaryType).to.equal("ObjectionStatement");
    expect(kept.domain).to.deep.equal({ name: "CQO Objection Statement", version: "1", chainId: 31337, verifyingContract: world.deployment.certificate });
    expect(kept.message).to.deep.equal({ tokenId, filer: signer.address, statementHash: typed.message.statementHash, evidence: `0x${evidence}`, issuedAt: body.issuedAt });
    expect(hashTypedData({ domain: kept.domain, types: objectionStatementTypes, primaryType: "ObjectionStatement", message: { ...kept.message, tokenId: BigInt(kept.message.tokenId) } })).to.equal(digest);
  });

  it("a contract wallet (ERC-1271) files with its owner's signature, checked through the chain", async () => {
    const { tokenId } = await inNotice();
    const owner = privateKeyToAccount(generatePrivateKey());
    const artifact = await hre.artifacts.readArtifact("ERC1271WalletMock");
    const deployer = clientFor(anvil.url, world.deployment, account(9)).walletClient!;
    const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode as Hex, args: [owner.address], account: deployer.account!, chain: deployer.chain });
    const wallet = getAddress((await chain().publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
    // the wallet signs in (its owner signs the SIWE message for the wallet's address, checked by ERC-1271)
    const token = await signInAs(http, { ...owner, address: wallet } as PrivateKeyAccount);
    const issuedAt = Math.floor(Date.now() / 1000);
    const statement = "合约钱包的异议 a contract wallet's objection";
    const typed = objectionTypedData(31337, world.deployment.certificate, objectionStatement({ tokenId, filer: wallet, statement, issuedAt }));
    // a signature by someone else than the owner is refused; the owner's is the wallet's
    refusal(await file({ tokenId, statement, issuedAt, signature: await privateKeyToAccount(generatePrivateKey()).signTypedData(typed) }, token), 422, "objection-signature", "body.signature");
    const filed = expect200(await file({ tokenId, statement, issuedAt, signature: await owner.signTypedData(typed) }, token), "file", 201).json<Shown>();
    expect(filed.filer).to.equal(wallet);
    expect((await filedOnChain(tokenId))[0]).to.deep.include({ evidenceHash: hashTypedData(typed) });
  });
});
