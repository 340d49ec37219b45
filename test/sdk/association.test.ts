/**
 * The association's role under OpenZeppelin's AccessControlDefaultAdminRules, through the sdk: deployed with a
 * handover delay (seconds), granted only in two steps (begin, then accept after the delay), never by grantRole.
 */
import { expect } from "chai";
import { cqoCertificateAbi, DEFAULT_ADMIN_ROLE, explainError } from "../../sdk";
import { deployFixture, ROLE, type Fixture } from "./fixture";

const DELAY = 3_600;
// (anvil funds accounts 0..9 only: the incoming association must pay for its acceptance)

describe("sdk association handover (two steps, with the deployment's delay)", function () {
  this.timeout(60_000);
  let f: Fixture;

  before(async () => {
    f = await deployFixture({ adminTransferDelay: DELAY });
  });
  after(async () => {
    await f?.anvil.stop();
  });

  it("deploys with the delay, refuses a direct grant, and hands over only after the delay", async () => {
    const delay = await f.anvil.publicClient.readContract({ address: f.deployment.certificate, abi: cqoCertificateAbi, functionName: "defaultAdminDelay" });
    expect(delay).to.equal(DELAY);
    const association = f.as(ROLE.association);
    const successor = f.anvil.account(ROLE.relayer).address;
    const direct = await association.grantRole(DEFAULT_ADMIN_ROLE, successor).catch((e: unknown) => explainError(e));
    expect(direct).to.include({ code: "AccessControlEnforcedDefaultAdminRules" });

    await association.beginAssociationTransfer(successor);
    const { admin, pending } = await association.associationAdmin();
    expect(admin).to.equal(f.anvil.account(ROLE.association).address);
    expect(pending?.newAdmin).to.equal(successor);
    expect(pending!.acceptableAfter - (await f.now())).to.be.within(DELAY - 5, DELAY);

    const incoming = f.as(ROLE.relayer);
    const early = await incoming.acceptAssociationTransfer().catch((e: unknown) => explainError(e));
    expect(early).to.include({ code: "AccessControlEnforcedDefaultAdminDelay" });
    const stranger = await f.as(ROLE.stranger).acceptAssociationTransfer().catch((e: unknown) => explainError(e));
    expect(stranger).to.include({ code: "AccessControlInvalidDefaultAdmin" });

    await f.advance(DELAY + 1);
    await incoming.acceptAssociationTransfer();
    expect(await f.reader.isAssociation(successor)).to.equal(true);
    expect(await f.reader.isAssociation(f.anvil.account(ROLE.association).address)).to.equal(false);
    expect((await f.reader.associationAdmin()).pending).to.equal(null);
  });

  it("the association can withdraw a handover it started", async () => {
    const current = f.as(ROLE.relayer);
    await current.beginAssociationTransfer(f.anvil.account(ROLE.holders + 2).address);
    expect((await current.associationAdmin()).pending).to.not.equal(null);
    await current.cancelAssociationTransfer();
    expect((await current.associationAdmin()).pending).to.equal(null);
  });
});
