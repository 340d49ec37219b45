/**
 * Access-control matrix: every privileged function of the registry and the certificate, called by every role.
 * One `it` per cell: either the call succeeds and emits its event, or it reverts with the expected custom error
 * (`AccessControlUnauthorizedAccount` for OpenZeppelin role checks, the contracts' own errors otherwise).
 *
 * Roles: the association (DEFAULT_ADMIN_ROLE), the supervisor (SUPERVISOR_ROLE), body 1's admin, a signing key of
 * body 1 (the body that issued the certificate under test), the signing key of body 2, the certificate's holder,
 * and a stranger.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import {
  BODY_1,
  BODY_2,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployFixture,
  type Fixture,
  type Issuance,
  type IssuanceVoucher,
  NOTICE_PERIOD,
  RevocationReason,
  RULEBOOK_1,
  send,
  signReissueConsent,
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  YEAR,
} from "./fixtures";

const EVIDENCE = ethers.id("matrix evidence");

const ROLES = ["association", "supervisor", "bodyAdmin", "issuingKey", "otherBodyKey", "holder", "stranger"] as const;
type Role = (typeof ROLES)[number];

/** The fixture plus one certificate issued by body 1's key1 to `holder`, still in its notice period. */
interface Ctx extends Fixture {
  tokenId: bigint;
  holder: HardhatEthersSigner;
  /** A signed voucher (body 1, key1) ready to submit. */
  voucher: IssuanceVoucher;
  voucherSignature: string;
  /** A consent of `holders[1]` to receive the certificate re-issued with `reissueRoot`. */
  reissueRoot: string;
  reissueDeadline: number;
  reissueConsent: string;
}

async function matrixFixture(): Promise<Ctx> {
  const f = await deployFixture();
  const holder = f.holders[0];
  const item = f.issuance(holder, { level: 3 });
  await f.certificate.connect(f.key1).issueCertificate(item);
  const tokenId = tokenIdOf(item.resultRoot);
  const voucher: IssuanceVoucher = {
    bodyId: BODY_1,
    issuance: f.issuance(f.holders[2]),
    nonce: 0,
    deadline: f.t0 + 30 * DAY,
  };
  const voucherSignature = await signVoucher(f.key1, f.certificate, voucher);
  const reissueRoot = ethers.id("matrix re-issue root");
  const reissueDeadline = f.t0 + 30 * DAY;
  const reissueConsent = await signReissueConsent(f.holders[1], f.certificate, {
    tokenId,
    newHolder: f.holders[1].address,
    newResultRoot: reissueRoot,
    deadline: reissueDeadline,
  });
  return { ...f, tokenId, holder, voucher, voucherSignature, reissueRoot, reissueDeadline, reissueConsent };
}

function signerOf(ctx: Ctx, role: Role): HardhatEthersSigner {
  switch (role) {
    case "association":
      return ctx.association;
    case "supervisor":
      return ctx.supervisor;
    case "bodyAdmin":
      return ctx.bodyAdmin;
    case "issuingKey":
      return ctx.key1;
    case "otherBodyKey":
      return ctx.body2Key;
    case "holder":
      return ctx.holder;
    case "stranger":
      return ctx.stranger;
  }
}

/** What a refused call reverts with. */
interface Denial {
  error: string;
  args: (ctx: Ctx, who: HardhatEthersSigner) => unknown[];
}

const notAdmin: Denial = { error: "AccessControlUnauthorizedAccount", args: (_, w) => [w.address, DEFAULT_ADMIN_ROLE] };
const notSupervisor: Denial = {
  error: "AccessControlUnauthorizedAccount",
  args: (_, w) => [w.address, SUPERVISOR_ROLE],
};
const notBodyAdmin: Denial = { error: "NotBodyAdmin", args: (_, w) => [BODY_1, w.address] };
const unauthorized: Denial = { error: "UnauthorizedAccount", args: (_, w) => [w.address] };
const notIssuingBody: Denial = { error: "NotIssuingBody", args: (ctx) => [ctx.tokenId, BODY_1] };
const badConfirmation: Denial = { error: "AccessControlBadConfirmation", args: () => [] };

interface Row {
  /** The function, as shown in the test titles. */
  fn: string;
  /** Roles for which the call succeeds. */
  allowed: readonly Role[];
  /** The denial for every other role, unless `deniedBy` names one for that role. */
  denied?: Denial;
  deniedBy?: Partial<Record<Role, Denial>>;
  /** State the call needs, prepared by the association / keys before the caller acts. */
  setup?: (ctx: Ctx) => Promise<unknown>;
  call: (ctx: Ctx, who: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  /** The event an allowed call emits, with its arguments. */
  emits: (ctx: Ctx, who: HardhatEthersSigner) => [string, unknown[]];
}

const ALL: readonly Role[] = ROLES;

/** A level-3 issuance (within both bodies' scope) to a fresh holder. */
function level3(ctx: Ctx): Issuance {
  return ctx.issuance(ctx.holders[3], { level: 3 });
}
const bodyOfKey = (ctx: Ctx, who: HardhatEthersSigner) => (who.address === ctx.body2Key.address ? BODY_2 : BODY_1);

const ROWS: Row[] = [
  // ------------------------------------------------------------ registry
  {
    fn: "accreditBody",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) =>
      ctx.certificate.connect(who).accreditBody(
        {
          admin: ctx.holders[4].address,
          scope: 0b001,
          accreditedUntil: ctx.t0 + YEAR,
          noticePeriod: NOTICE_PERIOD,
          metadataURI: "ipfs://bodies/3.json",
          metadataHash: ethers.id("body-3"),
        },
        [ctx.holders[5].address],
      ),
    emits: (ctx) => [
      "BodyAccredited",
      [3, ctx.holders[4].address, 0b001, ctx.t0 + YEAR, NOTICE_PERIOD, "ipfs://bodies/3.json", ethers.id("body-3")],
    ],
  },
  {
    fn: "updateBodyTerms",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).updateBodyTerms(BODY_1, 0b011, ctx.t0 + 2 * YEAR, DAY),
    emits: (ctx) => ["BodyTermsUpdated", [BODY_1, 0b011, ctx.t0 + 2 * YEAR, DAY]],
  },
  {
    fn: "updateBodyMetadata",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) =>
      ctx.certificate.connect(who).updateBodyMetadata(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2")),
    emits: () => ["BodyMetadataUpdated", [BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2")]],
  },
  {
    fn: "setBodyAdmin",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).setBodyAdmin(BODY_1, ctx.holders[6].address),
    emits: (ctx) => ["BodyAdminChanged", [BODY_1, ctx.bodyAdmin.address, ctx.holders[6].address]],
  },
  {
    fn: "suspendBody",
    allowed: ["association", "supervisor"],
    denied: unauthorized,
    call: (ctx, who) => ctx.certificate.connect(who).suspendBody(BODY_1, EVIDENCE),
    emits: (_, who) => ["BodySuspended", [BODY_1, who.address, EVIDENCE]],
  },
  {
    fn: "reinstateBody",
    allowed: ["association", "supervisor"],
    denied: unauthorized,
    setup: (ctx) => ctx.certificate.suspendBody(BODY_1, EVIDENCE),
    call: (ctx, who) => ctx.certificate.connect(who).reinstateBody(BODY_1),
    emits: (_, who) => ["BodyReinstated", [BODY_1, who.address]],
  },
  {
    fn: "revokeAccreditation",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).revokeAccreditation(BODY_1, EVIDENCE),
    emits: (_, who) => ["BodyAccreditationRevoked", [BODY_1, who.address, EVIDENCE]],
  },
  {
    fn: "addSigningKey",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).addSigningKey(BODY_1, ctx.holders[7].address),
    emits: (ctx) => ["SigningKeyAdded", [BODY_1, ctx.holders[7].address]],
  },
  {
    fn: "removeSigningKey",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).removeSigningKey(BODY_1, ctx.key2.address),
    emits: (ctx) => ["SigningKeyRemoved", [BODY_1, ctx.key2.address]],
  },
  {
    fn: "increaseVoucherNonce",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).increaseVoucherNonce(BODY_1),
    emits: () => ["VoucherNonceIncreased", [BODY_1, 1]],
  },
  {
    fn: "voidCertificatesIssuedBefore",
    allowed: ["supervisor"],
    denied: notSupervisor,
    call: (ctx, who) => ctx.certificate.connect(who).voidCertificatesIssuedBefore(BODY_1, ctx.t0, EVIDENCE),
    emits: (ctx) => ["BodyCertificatesVoided", [BODY_1, ctx.t0, EVIDENCE]],
  },
  {
    fn: "registerRulebook",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).registerRulebook(ethers.id("rulebook-2"), "ipfs://rb2"),
    emits: () => ["RulebookRegistered", [2, ethers.id("rulebook-2"), "ipfs://rb2"]],
  },
  {
    fn: "deprecateRulebook",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).deprecateRulebook(RULEBOOK_1),
    emits: () => ["RulebookDeprecated", [RULEBOOK_1]],
  },
  {
    fn: "grantRole(SUPERVISOR_ROLE)",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).grantRole(SUPERVISOR_ROLE, ctx.holders[8].address),
    emits: (ctx, who) => ["RoleGranted", [SUPERVISOR_ROLE, ctx.holders[8].address, who.address]],
  },
  {
    fn: "revokeRole(SUPERVISOR_ROLE)",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).revokeRole(SUPERVISOR_ROLE, ctx.supervisor.address),
    emits: (ctx, who) => ["RoleRevoked", [SUPERVISOR_ROLE, ctx.supervisor.address, who.address]],
  },
  {
    fn: "renounceRole(SUPERVISOR_ROLE, supervisor)",
    allowed: ["supervisor"],
    denied: badConfirmation,
    call: (ctx, who) => ctx.certificate.connect(who).renounceRole(SUPERVISOR_ROLE, ctx.supervisor.address),
    emits: (ctx) => ["RoleRevoked", [SUPERVISOR_ROLE, ctx.supervisor.address, ctx.supervisor.address]],
  },
  // ------------------------------------------------------------ certificate
  {
    fn: "issueCertificate (level 3)",
    allowed: ["issuingKey", "otherBodyKey"],
    denied: unauthorized,
    call: (ctx, who) => ctx.certificate.connect(who).issueCertificate(level3(ctx)),
    emits: (ctx, who) => [
      "CertificateIssued",
      [() => true, bodyOfKey(ctx, who), () => true, 3, RULEBOOK_1, ctx.validUntil],
    ],
  },
  {
    fn: "issueCertificates (level 3)",
    allowed: ["issuingKey", "otherBodyKey"],
    denied: unauthorized,
    call: (ctx, who) => ctx.certificate.connect(who).issueCertificates([level3(ctx), level3(ctx)]),
    emits: (ctx, who) => [
      "CertificateIssued",
      [() => true, bodyOfKey(ctx, who), () => true, 3, RULEBOOK_1, ctx.validUntil],
    ],
  },
  {
    fn: "issueWithVoucher (submission is open to anyone)",
    allowed: ALL,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "issueWithVoucher", {
        voucher: ctx.voucher,
        signer: ctx.key1.address,
        signature: ctx.voucherSignature,
      }),
    emits: (ctx) => [
      "CertificateIssued",
      [
        tokenIdOf(ctx.voucher.issuance.resultRoot),
        BODY_1,
        ctx.voucher.issuance.resultRoot,
        2,
        RULEBOOK_1,
        ctx.validUntil,
      ],
    ],
  },
  {
    fn: "suspendCertificate",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx) => ["CertificateSuspended", [ctx.tokenId, BODY_1, EVIDENCE]],
  },
  {
    fn: "reinstateCertificate (suspended by the body)",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.key2), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx) => ["CertificateReinstated", [ctx.tokenId, BODY_1]],
  },
  {
    fn: "reinstateCertificate (suspended by the supervisor)",
    allowed: ["supervisor"],
    denied: notIssuingBody,
    deniedBy: { issuingKey: unauthorized },
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.supervisor), "suspendCertificate", {
        tokenId: ctx.tokenId,
        evidenceHash: EVIDENCE,
      }),
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx) => ["CertificateReinstated", [ctx.tokenId, BODY_1]],
  },
  {
    fn: "revokeCertificate",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "revokeCertificate", {
        tokenId: ctx.tokenId,
        reason: RevocationReason.Fraud,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx) => ["CertificateRevoked", [ctx.tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE]],
  },
  {
    fn: "revokeCertificates",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "revokeCertificates", {
        tokenIds: [ctx.tokenId],
        reason: RevocationReason.Violation,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx) => ["CertificateRevoked", [ctx.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE]],
  },
  {
    fn: "fileObjection (open to anyone)",
    allowed: ALL,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx, who) => ["ObjectionFiled", [ctx.tokenId, BODY_1, who.address, EVIDENCE]],
  },
  {
    fn: "resolveObjection",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.stranger), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "resolveObjection", {
        tokenId: ctx.tokenId,
        upheld: false,
        reason: RevocationReason.None,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx) => ["ObjectionResolved", [ctx.tokenId, BODY_1, false, EVIDENCE]],
  },
  {
    fn: "renewCertificate",
    allowed: ["issuingKey"],
    denied: unauthorized,
    deniedBy: { otherBodyKey: notIssuingBody },
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "renewCertificate", {
        tokenId: ctx.tokenId,
        newResultRoot: ethers.id("matrix renewal root"),
        rulebookId: RULEBOOK_1,
        newValidUntil: ctx.validUntil + YEAR,
      }),
    emits: (ctx) => [
      "CertificateRenewed",
      [ctx.tokenId, BODY_1, ethers.id("matrix renewal root"), RULEBOOK_1, ctx.validUntil + YEAR],
    ],
  },
  {
    fn: "reissueCertificate",
    allowed: ["issuingKey"],
    denied: unauthorized,
    deniedBy: { otherBodyKey: notIssuingBody },
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "reissueCertificate", {
        tokenId: ctx.tokenId,
        newHolder: ctx.holders[1].address,
        newResultRoot: ctx.reissueRoot,
        consentDeadline: ctx.reissueDeadline,
        holderConsent: ctx.reissueConsent,
      }),
    emits: (ctx) => [
      "CertificateReissued",
      [ctx.tokenId, tokenIdOf(ctx.reissueRoot), BODY_1, ctx.holders[1].address, ctx.reissueRoot],
    ],
  },
  {
    fn: "setRenderer",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).setRenderer(ctx.holders[9].address),
    emits: (ctx) => ["RendererChanged", [ctx.holders[9].address]],
  },
];

describe("access-control matrix", function () {
  for (const row of ROWS) {
    describe(row.fn, function () {
      for (const role of ROLES) {
        const allowed = row.allowed.includes(role);
        const denial = allowed ? undefined : (row.deniedBy?.[role] ?? row.denied);
        if (!allowed && !denial) throw new Error(`${row.fn}: no denial given for ${role}`);
        const outcome = allowed ? "allowed" : `reverts ${denial!.error}`;
        it(`${row.fn} by ${role} → ${outcome}`, async function () {
          const ctx = await loadFixture(matrixFixture);
          if (row.setup) await row.setup(ctx);
          const who = signerOf(ctx, role);
          if (allowed) {
            const [event, args] = row.emits(ctx, who);
            await expect(row.call(ctx, who))
              .to.emit(ctx.certificate, event)
              .withArgs(...args);
          } else {
            await expect(row.call(ctx, who))
              .to.be.revertedWithCustomError(ctx.certificate, denial!.error)
              .withArgs(...denial!.args(ctx, who));
          }
        });
      }
    });
  }

  it("covers every state-changing external function of the ABI", async function () {
    const ctx = await loadFixture(matrixFixture);
    // (the ERC-721 transfer and approval functions are pure and always revert Soulbound: see certificate.test.ts)
    const covered = new Set(ROWS.map((row) => row.fn.split(/[ (]/)[0]));
    const missing: string[] = [];
    ctx.certificate.interface.forEachFunction((fragment) => {
      if (fragment.stateMutability === "view" || fragment.stateMutability === "pure") return;
      if (!covered.has(fragment.name)) missing.push(fragment.name);
    });
    expect(missing).to.deep.equal([]);
  });
});
