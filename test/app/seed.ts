/**
 * The dApp tests' own chain fixture, with the sdk: the contracts, a supervisor, the default rulebook, two
 * accredited bodies (A: levels 1-3, B: level 3; 7 days' notice; each key joined with its own consent) and
 * certificates in every status: valid (two), suspended by the body, suspended by the body and the supervisor,
 * revoked for fraud, expired, voided by the supervisor, re-issued to a new wallet (old and new), renewed with the
 * new result in public notice, in public notice, in public notice under objection, and one whose root is a real
 * salted credential. Own fixture, not scripts/lib/seed.ts, so the demo can change its story without breaking
 * these tests.
 */
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CqoClient, deployCqo, levelsToScope, type Deployment } from "../../sdk";
import { chainFor } from "../../server/chain";
import { buildTree, parseRulebook, rulebookHash, valueHash, type Credential } from "../../scoring";
import defaultRulebookJson from "../../rulebooks/hn-cqo-default-2024.1.json";

const DAY = 86_400;
const YEAR = 365 * DAY;

export interface SeededCertificate {
  label: string;
  tokenId: bigint;
  holder: Address;
  expected: "Valid" | "Pending" | "Suspended" | "Revoked" | "Expired" | "Voided" | "ReviewOverdue";
}

export interface Seeded {
  deployment: Deployment;
  certs: SeededCertificate[];
  credential: { tokenId: bigint; credential: Credential; holder: Address };
  bodyA: number;
  bodyB: number;
  rulebookId: number;
  rulebookHash: Hex;
}

const randomRoot = (): Hex => keccak256(toHex(`${Math.random()}-${Date.now()}-${process.hrtime.bigint()}`));

/** A salted credential (cqo-credential/1) with a few fields, built with the scoring engine's tree. */
export function makeCredential(): Credential {
  const fields = [
    { name: "level", value: 1 },
    { name: "total", value: 912 },
    { name: "dimension.ability", value: 271 },
    { name: "applicant", value: { idNumber: "430102198001010011", name: "王伟" } },
  ];
  const withSalt = fields.map((f) => ({ ...f, salt: randomRoot(), valueHash: valueHash(f.value) }));
  const tree = buildTree(withSalt.map((f) => [f.name, f.salt, f.valueHash]));
  return {
    format: "cqo-credential/1",
    root: tree.root,
    leafEncoding: ["string", "bytes32", "bytes32"],
    fields: withSalt.map((f, i) => ({ name: f.name, value: f.value, salt: f.salt, valueHash: f.valueHash, proof: tree.proofs[i]! })),
    tree: tree.dump,
  };
}

export async function seedChain(rpcUrl: string, keyOf: (index: number) => Hex, travel: (seconds: number) => Promise<void>): Promise<Seeded> {
  const transport = http(rpcUrl, { retryCount: 0 });
  const provisional = chainFor({ chainId: 31337, certificate: "0x0000000000000000000000000000000000000001", renderer: "0x0000000000000000000000000000000000000001", deployBlock: 0 }, rpcUrl);
  const pc = createPublicClient({ chain: provisional, transport, pollingInterval: 50 }) as PublicClient;
  const account = (i: number) => privateKeyToAccount(keyOf(i));
  const deployment = await deployCqo(pc, createWalletClient({ account: account(0), chain: provisional, transport }), { association: account(0).address });
  const chain = chainFor(deployment, rpcUrl);
  const as = (i: number) => new CqoClient(pc, deployment, createWalletClient({ account: account(i), chain, transport, pollingInterval: 50 }));
  const [association, supervisor, keyA, keyB] = [as(0), as(1), as(3), as(5)];
  const now = async () => Number((await pc.getBlock({ blockTag: "latest" })).timestamp);

  await association.grantSupervisor(account(1).address);
  const parsed = parseRulebook(defaultRulebookJson);
  if (!parsed.ok) throw new Error("default rulebook invalid");
  const hash = rulebookHash(parsed.value);
  const { rulebookId } = await association.registerRulebook(hash, "rulebooks/hn-cqo-default-2024.1.json");
  const t0 = await now();
  const accredit = async (admin: number, key: number, levels: number[], name: string) => {
    const metadata = JSON.stringify({ name, country: "CN", province: "湖南" });
    // contracts v2: the key consents to serve the body, naming the id the body is about to get
    const consent = await as(key).signSigningKeyConsent({ bodyId: await association.nextBodyId(), deadline: (await now()) + DAY });
    const { bodyId } = await association.accreditBody(
      {
        admin: account(admin).address,
        scope: levelsToScope(levels),
        accreditedUntil: t0 + 5 * YEAR,
        noticePeriod: 7 * DAY,
        metadataURI: `data:application/json,${encodeURIComponent(metadata)}`,
        metadataHash: keccak256(toHex(metadata)),
      },
      [consent],
    );
    return bodyId;
  };
  const bodyA = await accredit(2, 3, [1, 2, 3], "湖南省质量认定中心（演示） Hunan Quality Certification Centre (demo)");
  const bodyB = await accredit(4, 5, [3], "长沙市首席质量官评价所（演示） Changsha CQO Assessment (demo)");

  const certs: SeededCertificate[] = [];
  // a second rulebook with a short annual review schedule (2 days, half a day of grace), so that the 10 days travelled
  // below leave one certificate with a review recorded and one whose review is overdue
  const reviewed = (await association.registerRulebook(keccak256(toHex("app seed rulebook with reviews")), "ipfs://app-seed-reviews", { reviewInterval: 2 * DAY, reviewGrace: DAY / 2 })).rulebookId;
  const issue = async (body: CqoClient, holderIndex: number, level: number, validFor: number, label: string, expected: SeededCertificate["expected"], root = randomRoot(), rulebook = rulebookId) => {
    const holder = account(holderIndex).address;
    const { tokenId } = await body.issueCertificate({ holder, resultRoot: root, level, rulebookId: rulebook, validUntil: (await now()) + validFor });
    const c = { label, tokenId, holder, expected };
    certs.push(c);
    return c;
  };
  // issued "long ago": past their notice after the time travel below
  await issue(keyA, 6, 1, 3 * YEAR, "Level I, valid", "Valid");
  await issue(keyA, 7, 2, 3 * YEAR, "Level II, valid", "Valid");
  const suspended = await issue(keyA, 8, 2, 3 * YEAR, "suspended by the body", "Suspended");
  const revoked = await issue(keyA, 9, 3, 3 * YEAR, "revoked for fraud", "Revoked");
  await issue(keyA, 10, 3, 8 * DAY, "expired", "Expired");
  await issue(keyB, 11, 3, 3 * YEAR, "voided by the supervisor", "Voided");
  const lost = await issue(keyA, 12, 2, 3 * YEAR, "re-issued to a new wallet (old)", "Revoked");
  const twice = await issue(keyA, 21, 2, 3 * YEAR, "suspended by the body and the supervisor", "Suspended");
  const renewed = await issue(keyA, 22, 2, 3 * YEAR, "renewed, new result in public notice", "Valid");
  await issue(keyA, 23, 2, 3 * YEAR, "annual review overdue", "ReviewOverdue", randomRoot(), reviewed);
  const reviewPassed = await issue(keyA, 24, 2, 3 * YEAR, "annual review passed", "Valid", randomRoot(), reviewed);
  await travel(10 * DAY);
  // its first review (open from the end of the notice; the next falls due a day from now): valid
  await keyA.recordReview(reviewPassed.tokenId, "Passed", keccak256(toHex("annual review 1")));
  await keyA.suspendCertificate(suspended.tokenId, keccak256(toHex("annual review missed")));
  // two independent suspensions: each lifts only its own
  await keyA.suspendCertificate(twice.tokenId, keccak256(toHex("complaint received")));
  await supervisor.suspendCertificate(twice.tokenId, keccak256(toHex("supervisor's spot check")));
  // a renewal is a new result with its own notice; the previous result stays in force meanwhile
  await keyA.renewCertificate(renewed.tokenId, { resultRoot: randomRoot(), rulebookId, validUntil: (await now()) + 4 * YEAR });
  await keyA.revokeCertificate(revoked.tokenId, "Fraud", keccak256(toHex("forged training certificate")));
  await supervisor.voidCertificatesIssuedBefore(bodyB, (await now()) - 1, keccak256(toHex("body B audit")));
  const newRoot = randomRoot();
  const { signature } = await as(13).signReissueConsent({ tokenId: lost.tokenId, newHolder: account(13).address, newResultRoot: newRoot, deadline: (await now()) + DAY });
  const { newTokenId } = await keyA.reissueCertificate({ tokenId: lost.tokenId, newHolder: account(13).address, newResultRoot: newRoot, deadline: (await now()) + DAY }, signature);
  // the new wallet goes through a public notice of its own
  certs.push({ label: "re-issued to a new wallet (new)", tokenId: newTokenId, holder: account(13).address, expected: "Pending" });
  // fresh: in public notice (公示); one with an objection
  await issue(keyA, 14, 1, 3 * YEAR, "in public notice", "Pending");
  const objected = await issue(keyA, 6, 2, 3 * YEAR, "objection filed during notice", "Pending");
  await as(7).fileObjection(objected.tokenId, keccak256(toHex("anonymous complaint")));
  // a real credential for holder 6
  const credential = makeCredential();
  const withCredential = await issue(keyA, 6, 1, 3 * YEAR, "credential (in public notice)", "Pending", credential.root as Hex);
  certs.pop();
  return { deployment, certs, credential: { tokenId: withCredential.tokenId, credential, holder: withCredential.holder }, bodyA, bodyB, rulebookId, rulebookHash: hash };
}
