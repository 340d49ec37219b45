/**
 * Access-control matrix: every privileged function of the registry and the certificate, called by every role.
 * One `it` per cell: either the call succeeds and emits its event (whose `by` is the caller, or the key that signed
 * a voucher), or it reverts with the expected custom error (`AccessControlUnauthorizedAccount` for OpenZeppelin role
 * checks, the contracts' own errors otherwise).
 *
 * Roles: the association (DEFAULT_ADMIN_ROLE, handed over in two steps), the supervisor (SUPERVISOR_ROLE), body 1's
 * admin, a signing key of body 1 (the body that issued the certificate under test), the signing key of body 2, the
 * certificate's holder, and a stranger.
 *
 * A second matrix crosses the issuing body's standing (suspended, past its term, revoked) with what may be done to
 * what it issued: a suspended or expired body's keys may still suspend, revoke and uphold an objection, but not
 * restore (reinstate, dismiss); a revoked body's keys may do nothing; the supervisor may do everything.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import {
  BODY_1,
  BODY_2,
  BodyStatus,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployFixture,
  eventBlockOf,
  type Fixture,
  HOUR,
  type Issuance,
  type IssuanceVoucher,
  keyGrant,
  NOTICE_PERIOD,
  RevocationReason,
  RULEBOOK_1,
  SCOPE_ALL_THREE,
  send,
  setNextTimestamp,
  type SigningKeyGrant,
  signReissueConsent,
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  travelTo,
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
  /** `holders[5]`'s consent to serve the body accredited next (id 3). */
  newBodyKeyGrant: SigningKeyGrant;
  /** `holders[7]`'s consent to serve body 1. */
  newKeyGrant: SigningKeyGrant;
}

async function matrixFixture(): Promise<Ctx> {
  const f = await deployFixture();
  const holder = f.holders[0];
  const item = f.issuance(holder, { level: 3 });
  await f.certificate.connect(f.key1).issueCertificate(item);
  const tokenId = tokenIdOf(item.resultRoot, BODY_1);
  const voucher: IssuanceVoucher = {
    bodyId: BODY_1,
    issuance: f.issuance(f.holders[2]),
    nonce: 0n,
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
  const newBodyKeyGrant = await keyGrant(f.certificate, f.holders[5], 3, f.t0 + 30 * DAY);
  const newKeyGrant = await keyGrant(f.certificate, f.holders[7], BODY_1, f.t0 + 30 * DAY);
  return {
    ...f,
    tokenId,
    holder,
    voucher,
    voucherSignature,
    reissueRoot,
    reissueDeadline,
    reissueConsent,
    newBodyKeyGrant,
    newKeyGrant,
  };
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
/** The association's role never moves by grantRole/revokeRole, whoever asks. */
const enforcedAdminRules: Denial = { error: "AccessControlEnforcedDefaultAdminRules", args: () => [] };
const notPendingAdmin: Denial = { error: "AccessControlInvalidDefaultAdmin", args: (_, w) => [w.address] };

/** Whether `who` acts as the supervisor (the events' `bySupervisor`). */
const bySupervisor = (ctx: Ctx, who: HardhatEthersSigner): boolean => who.address === ctx.supervisor.address;

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
  /**
   * The event an allowed call emits, with its arguments. `previous` is the certificate's latest event block
   * before the call: what its next event carries as `previousEventBlock`.
   */
  emits: (ctx: Ctx, who: HardhatEthersSigner, previous: bigint) => [string, unknown[]];
}

const ALL: readonly Role[] = ROLES;

/** A level-3 issuance (within both bodies' scope) to a fresh holder. */
function level3(ctx: Ctx): Issuance {
  return ctx.issuance(ctx.holders[3], { level: 3 });
}
const bodyOfKey = (ctx: Ctx, who: HardhatEthersSigner) => (who.address === ctx.body2Key.address ? BODY_2 : BODY_1);
/** When renewals and re-issues are sent: the matrix certificate's notice is over by then. */
const afterNotice = (ctx: Ctx): number => ctx.t0 + NOTICE_PERIOD + DAY;

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
        [ctx.newBodyKeyGrant],
      ),
    emits: (ctx, who) => [
      "BodyAccredited",
      [
        3,
        ctx.holders[4].address,
        0b001,
        ctx.t0 + YEAR,
        NOTICE_PERIOD,
        "ipfs://bodies/3.json",
        ethers.id("body-3"),
        who.address,
      ],
    ],
  },
  {
    fn: "updateBodyTerms",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).updateBodyTerms(BODY_1, 0b011, ctx.t0 + 2 * YEAR, DAY),
    emits: (ctx, who) => ["BodyTermsUpdated", [BODY_1, 0b011, ctx.t0 + 2 * YEAR, DAY, who.address]],
  },
  {
    fn: "updateBodyMetadata",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) =>
      ctx.certificate.connect(who).updateBodyMetadata(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2")),
    emits: (_, who) => ["BodyMetadataUpdated", [BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2"), who.address]],
  },
  {
    fn: "setBodyAdmin",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).setBodyAdmin(BODY_1, ctx.holders[6].address),
    emits: (ctx, who) => ["BodyAdminChanged", [BODY_1, ctx.bodyAdmin.address, ctx.holders[6].address, who.address]],
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
    fn: "addSigningKey (with the key's consent)",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).addSigningKey(BODY_1, ctx.newKeyGrant),
    emits: (ctx, who) => ["SigningKeyAdded", [BODY_1, ctx.holders[7].address, who.address]],
  },
  {
    fn: "removeSigningKey",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).removeSigningKey(BODY_1, ctx.key2.address),
    emits: (ctx, who) => ["SigningKeyRemoved", [BODY_1, ctx.key2.address, who.address]],
  },
  {
    fn: "cancelVouchers",
    allowed: ["association", "bodyAdmin"],
    denied: notBodyAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).cancelVouchers(BODY_1),
    // the drawn nonce is checked against its formula in registry.test.ts; here: it is not a counter's next value
    emits: (_, who) => ["VouchersCancelled", [BODY_1, (nonce: bigint) => nonce > 1n, who.address]],
  },
  {
    fn: "voidCertificatesIssuedBefore",
    allowed: ["supervisor"],
    denied: notSupervisor,
    call: (ctx, who) => ctx.certificate.connect(who).voidCertificatesIssuedBefore(BODY_1, ctx.t0, EVIDENCE),
    emits: (ctx, who) => ["BodyCertificatesVoided", [BODY_1, ctx.t0, EVIDENCE, who.address, 0]],
  },
  {
    fn: "registerRulebook",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).registerRulebook(ethers.id("rulebook-2"), "ipfs://rb2", 0, 0),
    emits: (_, who) => ["RulebookRegistered", [2, ethers.id("rulebook-2"), "ipfs://rb2", 0, 0, who.address]],
  },
  {
    fn: "deprecateRulebook",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).deprecateRulebook(RULEBOOK_1),
    emits: (_, who) => ["RulebookDeprecated", [RULEBOOK_1, who.address]],
  },
  {
    fn: "grantRole(SUPERVISOR_ROLE)",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).grantRole(SUPERVISOR_ROLE, ctx.holders[8].address),
    emits: (ctx, who) => ["RoleGranted", [SUPERVISOR_ROLE, ctx.holders[8].address, who.address]],
  },
  {
    fn: "grantRole(DEFAULT_ADMIN_ROLE) (never: the association's role moves in two steps)",
    allowed: [],
    denied: enforcedAdminRules,
    call: (ctx, who) => ctx.certificate.connect(who).grantRole(DEFAULT_ADMIN_ROLE, ctx.holders[8].address),
    emits: () => ["RoleGranted", []],
  },
  {
    fn: "revokeRole(SUPERVISOR_ROLE)",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).revokeRole(SUPERVISOR_ROLE, ctx.supervisor.address),
    emits: (ctx, who) => ["RoleRevoked", [SUPERVISOR_ROLE, ctx.supervisor.address, who.address]],
  },
  {
    fn: "revokeRole(DEFAULT_ADMIN_ROLE, association) (never)",
    allowed: [],
    denied: enforcedAdminRules,
    call: (ctx, who) => ctx.certificate.connect(who).revokeRole(DEFAULT_ADMIN_ROLE, ctx.association.address),
    emits: () => ["RoleRevoked", []],
  },
  {
    fn: "renounceRole(SUPERVISOR_ROLE, supervisor)",
    allowed: ["supervisor"],
    denied: badConfirmation,
    call: (ctx, who) => ctx.certificate.connect(who).renounceRole(SUPERVISOR_ROLE, ctx.supervisor.address),
    emits: (ctx) => ["RoleRevoked", [SUPERVISOR_ROLE, ctx.supervisor.address, ctx.supervisor.address]],
  },
  {
    fn: "beginDefaultAdminTransfer",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).beginDefaultAdminTransfer(ctx.holders[8].address),
    emits: (ctx) => [
      "DefaultAdminTransferScheduled",
      [ctx.holders[8].address, (schedule: bigint) => schedule > BigInt(ctx.t0)],
    ],
  },
  {
    fn: "cancelDefaultAdminTransfer",
    allowed: ["association"],
    denied: notAdmin,
    setup: (ctx) => ctx.certificate.beginDefaultAdminTransfer(ctx.holders[8].address),
    call: (ctx, who) => ctx.certificate.connect(who).cancelDefaultAdminTransfer(),
    emits: () => ["DefaultAdminTransferCanceled", []],
  },
  {
    fn: "acceptDefaultAdminTransfer (the stranger is the pending admin)",
    allowed: ["stranger"],
    denied: notPendingAdmin,
    setup: (ctx) => ctx.certificate.beginDefaultAdminTransfer(ctx.stranger.address),
    call: (ctx, who) => ctx.certificate.connect(who).acceptDefaultAdminTransfer(),
    emits: (ctx) => ["RoleGranted", [DEFAULT_ADMIN_ROLE, ctx.stranger.address, ctx.stranger.address]],
  },
  {
    fn: "changeDefaultAdminDelay",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).changeDefaultAdminDelay(DAY),
    emits: (ctx) => ["DefaultAdminDelayChangeScheduled", [DAY, (schedule: bigint) => schedule > BigInt(ctx.t0)]],
  },
  {
    fn: "rollbackDefaultAdminDelay",
    allowed: ["association"],
    denied: notAdmin,
    setup: (ctx) => ctx.certificate.changeDefaultAdminDelay(DAY),
    call: (ctx, who) => ctx.certificate.connect(who).rollbackDefaultAdminDelay(),
    emits: () => ["DefaultAdminDelayChangeCanceled", []],
  },
  // ------------------------------------------------------------ certificate
  {
    fn: "issueCertificate (level 3)",
    allowed: ["issuingKey", "otherBodyKey"],
    denied: unauthorized,
    call: (ctx, who) => ctx.certificate.connect(who).issueCertificate(level3(ctx)),
    emits: (ctx, who) => [
      "CertificateIssued",
      [() => true, bodyOfKey(ctx, who), () => true, 3, RULEBOOK_1, ctx.validUntil, who.address],
    ],
  },
  {
    fn: "issueCertificates (level 3)",
    allowed: ["issuingKey", "otherBodyKey"],
    denied: unauthorized,
    call: (ctx, who) => ctx.certificate.connect(who).issueCertificates([level3(ctx), level3(ctx)]),
    emits: (ctx, who) => [
      "CertificateIssued",
      [() => true, bodyOfKey(ctx, who), () => true, 3, RULEBOOK_1, ctx.validUntil, who.address],
    ],
  },
  {
    fn: "issueWithVoucher (submission is open to anyone; the event names the signer)",
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
        tokenIdOf(ctx.voucher.issuance.resultRoot, BODY_1),
        BODY_1,
        ctx.voucher.issuance.resultRoot,
        2,
        RULEBOOK_1,
        ctx.validUntil,
        ctx.key1.address,
      ],
    ],
  },
  {
    fn: "suspendCertificate",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx, who, previous) => [
      "CertificateSuspended",
      [ctx.tokenId, BODY_1, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "reinstateCertificate (suspended by the body: only the body lifts it)",
    allowed: ["issuingKey"],
    denied: notIssuingBody,
    deniedBy: { supervisor: { error: "CertificateNotSuspended", args: (ctx) => [ctx.tokenId, true] } },
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.key2), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx, who, previous) => ["CertificateReinstated", [ctx.tokenId, BODY_1, who.address, false, previous]],
  },
  {
    fn: "reinstateCertificate (suspended by the supervisor: only the supervisor lifts it)",
    allowed: ["supervisor"],
    denied: notIssuingBody,
    deniedBy: { issuingKey: { error: "SuspendedBySupervisor", args: (ctx) => [ctx.tokenId] } },
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.supervisor), "suspendCertificate", {
        tokenId: ctx.tokenId,
        evidenceHash: EVIDENCE,
      }),
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx, who, previous) => ["CertificateReinstated", [ctx.tokenId, BODY_1, who.address, true, previous]],
  },
  {
    fn: "reinstateCertificate (suspended by both: each lifts its own)",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    setup: async (ctx) => {
      await send(ctx.certificate.connect(ctx.key2), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE });
      await send(ctx.certificate.connect(ctx.supervisor), "suspendCertificate", {
        tokenId: ctx.tokenId,
        evidenceHash: EVIDENCE,
      });
    },
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx, who, previous) => [
      "CertificateReinstated",
      [ctx.tokenId, BODY_1, who.address, bySupervisor(ctx, who), previous],
    ],
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
    emits: (ctx, who, previous) => [
      "CertificateRevoked",
      [ctx.tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
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
    emits: (ctx, who, previous) => [
      "CertificateRevoked",
      [ctx.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "fileObjection (open to anyone)",
    allowed: ALL,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx, who, previous) => ["ObjectionFiled", [ctx.tokenId, BODY_1, who.address, EVIDENCE, previous]],
  },
  {
    fn: "resolveObjection (dismissed)",
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
    emits: (ctx, who, previous) => [
      "ObjectionResolved",
      [ctx.tokenId, BODY_1, false, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "resolveObjection (upheld)",
    allowed: ["supervisor", "issuingKey"],
    denied: notIssuingBody,
    setup: (ctx) =>
      send(ctx.certificate.connect(ctx.stranger), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "resolveObjection", {
        tokenId: ctx.tokenId,
        upheld: true,
        reason: RevocationReason.Violation,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx, who, previous) => [
      "ObjectionResolved",
      [ctx.tokenId, BODY_1, true, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "renewCertificate (after the notice)",
    allowed: ["issuingKey"],
    denied: unauthorized,
    deniedBy: { otherBodyKey: notIssuingBody },
    call: async (ctx, who) => {
      await setNextTimestamp(afterNotice(ctx));
      return send(ctx.certificate.connect(who), "renewCertificate", {
        tokenId: ctx.tokenId,
        newResultRoot: ethers.id("matrix renewal root"),
        rulebookId: RULEBOOK_1,
        newValidUntil: ctx.validUntil + YEAR,
      });
    },
    emits: (ctx, who, previous) => [
      "CertificateRenewed",
      [
        ctx.tokenId,
        BODY_1,
        ethers.id("matrix renewal root"),
        RULEBOOK_1,
        afterNotice(ctx) + NOTICE_PERIOD,
        ctx.validUntil + YEAR,
        who.address,
        previous,
      ],
    ],
  },
  {
    fn: "reissueCertificate (after the notice)",
    allowed: ["issuingKey"],
    denied: unauthorized,
    deniedBy: { otherBodyKey: notIssuingBody },
    call: async (ctx, who) => {
      await setNextTimestamp(afterNotice(ctx));
      return send(ctx.certificate.connect(who), "reissueCertificate", {
        tokenId: ctx.tokenId,
        newHolder: ctx.holders[1].address,
        newResultRoot: ctx.reissueRoot,
        consentDeadline: ctx.reissueDeadline,
        holderConsent: ctx.reissueConsent,
      });
    },
    emits: (ctx, who, previous) => [
      "CertificateReissued",
      [ctx.tokenId, tokenIdOf(ctx.reissueRoot, BODY_1), BODY_1, ctx.holders[1].address, ctx.reissueRoot, who.address, previous],
    ],
  },
  {
    fn: "recordReview (passed, once the first review is open, a quarter year before it falls due: the issuing body's keys only)",
    allowed: ["issuingKey"],
    denied: { error: "NotIssuingBody", args: () => [reviewTokenId, BODY_1] },
    setup: (ctx) => withReviewedCertificate(ctx),
    call: async (ctx, who) => {
      await setNextTimestamp(reviewOpens(ctx));
      return send(ctx.certificate.connect(who), "recordReview", { tokenId: reviewTokenId, result: 0, evidenceHash: EVIDENCE });
    },
    emits: (ctx, who) => [
      "AnnualReviewRecorded",
      [reviewTokenId, BODY_1, 0, EVIDENCE, (due: bigint) => due > BigInt(reviewOpens(ctx) + YEAR), who.address, () => true],
    ],
  },
  {
    fn: "choosePrimaryCertificate (whoever holds a certificate at that index)",
    allowed: ["holder"],
    denied: { error: "NoSuchHolding", args: (_, w) => [w.address, 0] },
    call: (ctx, who) => ctx.certificate.connect(who).choosePrimaryCertificate(0),
    emits: (ctx, who) => ["PrimaryCertificateChosen", [who.address, ctx.tokenId]],
  },
  {
    fn: "setRenderer",
    allowed: ["association"],
    denied: notAdmin,
    call: (ctx, who) => ctx.certificate.connect(who).setRenderer(ctx.holders[9].address),
    emits: (ctx, who) => ["RendererChanged", [ctx.holders[9].address, who.address]],
  },
];

/** A level-3 certificate of body 1 for `holders[3]` under rulebook 2, which has annual reviews. */
const REVIEW_ROOT = ethers.id("matrix review root");
const reviewTokenId = tokenIdOf(REVIEW_ROOT, BODY_1);
/** When the review certificate's first review opens: a quarter interval before it falls due (a year after the notice). */
const reviewOpens = (ctx: Ctx): number => ctx.t0 + NOTICE_PERIOD + YEAR - YEAR / 4 + DAY;
async function withReviewedCertificate(ctx: Ctx): Promise<void> {
  await ctx.certificate.registerRulebook(ethers.id("matrix rulebook with reviews"), "ipfs://rb-reviews", YEAR, 30 * DAY);
  await ctx.certificate
    .connect(ctx.key1)
    .issueCertificate({ ...ctx.issuance(ctx.holders[3], { level: 3 }), resultRoot: REVIEW_ROOT, rulebookId: 2 });
}

// ------------------------------------------------------------------ the issuing body's standing

/** A standing of body 1 other than good, and what its keys are refused with once in it. */
interface Standing {
  name: string;
  /** Puts body 1 in this standing (after the actions' preparations). */
  apply: (ctx: Ctx) => Promise<unknown>;
  /** The refusal of a key of body 1: for a restorative action, and for any action. */
  restorativeRefusal: Denial;
  anyRefusal?: Denial;
}

/** The end of body 1's term in the "past its term" standing: within the certificate's notice. */
const shortTerm = (ctx: Ctx): number => ctx.t0 + HOUR;

const STANDINGS: Standing[] = [
  {
    name: "suspended body",
    apply: (ctx) => ctx.certificate.connect(ctx.supervisor).suspendBody(BODY_1, EVIDENCE),
    restorativeRefusal: { error: "BodyNotActive", args: () => [BODY_1, BodyStatus.Suspended] },
  },
  {
    name: "body past its term",
    apply: async (ctx) => {
      await ctx.certificate.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, shortTerm(ctx), NOTICE_PERIOD);
      await travelTo(shortTerm(ctx));
    },
    restorativeRefusal: { error: "BodyAccreditationExpired", args: (ctx) => [BODY_1, shortTerm(ctx)] },
  },
  {
    name: "revoked body",
    apply: (ctx) => ctx.certificate.revokeAccreditation(BODY_1, EVIDENCE),
    restorativeRefusal: { error: "BodyAccreditationIsRevoked", args: () => [BODY_1] },
    anyRefusal: { error: "BodyAccreditationIsRevoked", args: () => [BODY_1] },
  },
];

interface StandingAction {
  fn: string;
  /** Restores the certificate (lifts a suspension, dismisses an objection): needs a body in good standing. */
  restorative: boolean;
  /** Who tries it; a key of body 1 is refused by the standing, the others are never. */
  actors: readonly Role[];
  /** State the action needs, made while the body was still in good standing. */
  prepare?: (ctx: Ctx, who: HardhatEthersSigner) => Promise<unknown>;
  call: (ctx: Ctx, who: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  emits: (ctx: Ctx, who: HardhatEthersSigner, previous: bigint) => [string, unknown[]];
}

const fileObjection = (ctx: Ctx) =>
  send(ctx.certificate.connect(ctx.stranger), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE });

const STANDING_ACTIONS: StandingAction[] = [
  {
    fn: "suspendCertificate",
    restorative: false,
    actors: ["issuingKey", "supervisor"],
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx, who, previous) => [
      "CertificateSuspended",
      [ctx.tokenId, BODY_1, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "revokeCertificate",
    restorative: false,
    actors: ["issuingKey", "supervisor"],
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "revokeCertificate", {
        tokenId: ctx.tokenId,
        reason: RevocationReason.BodyError,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx, who, previous) => [
      "CertificateRevoked",
      [ctx.tokenId, BODY_1, RevocationReason.BodyError, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "resolveObjection (upheld)",
    restorative: false,
    actors: ["issuingKey", "supervisor"],
    prepare: fileObjection,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "resolveObjection", {
        tokenId: ctx.tokenId,
        upheld: true,
        reason: RevocationReason.Violation,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx, who, previous) => [
      "ObjectionResolved",
      [ctx.tokenId, BODY_1, true, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "reinstateCertificate (its own suspension)",
    restorative: true,
    actors: ["issuingKey", "supervisor"],
    prepare: (ctx, who) =>
      send(ctx.certificate.connect(bySupervisor(ctx, who) ? ctx.supervisor : ctx.key2), "suspendCertificate", {
        tokenId: ctx.tokenId,
        evidenceHash: EVIDENCE,
      }),
    call: (ctx, who) => send(ctx.certificate.connect(who), "reinstateCertificate", { tokenId: ctx.tokenId }),
    emits: (ctx, who, previous) => [
      "CertificateReinstated",
      [ctx.tokenId, BODY_1, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    fn: "resolveObjection (dismissed)",
    restorative: true,
    actors: ["issuingKey", "supervisor"],
    prepare: fileObjection,
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "resolveObjection", {
        tokenId: ctx.tokenId,
        upheld: false,
        reason: RevocationReason.None,
        evidenceHash: EVIDENCE,
      }),
    emits: (ctx, who, previous) => [
      "ObjectionResolved",
      [ctx.tokenId, BODY_1, false, EVIDENCE, who.address, bySupervisor(ctx, who), previous],
    ],
  },
  {
    // the notice stays open to objections whatever the body's standing, and while the certificate is suspended
    fn: "fileObjection (the certificate suspended by its body)",
    restorative: false,
    actors: ["stranger", "holder", "supervisor"],
    prepare: (ctx) =>
      send(ctx.certificate.connect(ctx.key2), "suspendCertificate", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    call: (ctx, who) =>
      send(ctx.certificate.connect(who), "fileObjection", { tokenId: ctx.tokenId, evidenceHash: EVIDENCE }),
    emits: (ctx, who, previous) => ["ObjectionFiled", [ctx.tokenId, BODY_1, who.address, EVIDENCE, previous]],
  },
];

/** Sends the call and checks its event (with `previousEventBlock` read just before) or its refusal. */
async function expectOutcome(
  ctx: Ctx,
  who: HardhatEthersSigner,
  call: (ctx: Ctx, who: HardhatEthersSigner) => Promise<ContractTransactionResponse>,
  emits: (ctx: Ctx, who: HardhatEthersSigner, previous: bigint) => [string, unknown[]],
  denial: Denial | undefined,
): Promise<void> {
  if (denial) {
    await expect(call(ctx, who))
      .to.be.revertedWithCustomError(ctx.certificate, denial.error)
      .withArgs(...denial.args(ctx, who));
    return;
  }
  const previous = await eventBlockOf(ctx.certificate, ctx.tokenId);
  const [event, args] = emits(ctx, who, previous);
  await expect(call(ctx, who))
    .to.emit(ctx.certificate, event)
    .withArgs(...args);
}

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
          await expectOutcome(ctx, signerOf(ctx, role), row.call, row.emits, denial);
        });
      }
    });
  }

  describe("the issuing body's standing: answerable for what it issued, restoring only in good standing", function () {
    for (const standing of STANDINGS) {
      for (const action of STANDING_ACTIONS) {
        for (const role of action.actors) {
          const refusal =
            role === "issuingKey" ? (action.restorative ? standing.restorativeRefusal : standing.anyRefusal) : undefined;
          const outcome = refusal ? `reverts ${refusal.error}` : "allowed";
          it(`${standing.name}: ${action.fn} by ${role} → ${outcome}`, async function () {
            const ctx = await loadFixture(matrixFixture);
            const who = signerOf(ctx, role);
            if (action.prepare) await action.prepare(ctx, who);
            await standing.apply(ctx);
            await expectOutcome(ctx, who, action.call, action.emits, refusal);
          });
        }
      }
    }
  });

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
