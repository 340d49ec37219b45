import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployCqo } from "../scripts/lib/deploy";
import { seedDemo } from "../scripts/lib/seed";
import { STATUS_NAMES } from "../scripts/lib/status";

describe("demo seed (npm start)", () => {
  it("deploys and leaves one certificate in every status it promises", async () => {
    const [association, supervisor, adminA, keyA, adminB, keyB, ...holders] = await ethers.getSigners();
    const { certificate, deployment } = await deployCqo(association, association.address);
    expect(deployment.chainId).to.equal(31337);
    const certs = await seedDemo(
      certificate,
      { association, supervisor, bodyA: { admin: adminA, key: keyA }, bodyB: { admin: adminB, key: keyB }, holders },
      (seconds) => time.increase(seconds).then(() => undefined),
    );
    const seen = new Set<string>();
    for (const c of certs) {
      const status = STATUS_NAMES[Number(await certificate.statusOf(c.tokenId))];
      expect(status, c.label).to.equal(c.expected);
      expect(await certificate.ownerOf(c.tokenId)).to.equal(c.holder);
      seen.add(status);
    }
    expect([...seen].sort()).to.deep.equal(["Expired", "Pending", "Revoked", "Suspended", "Valid", "Voided"]);
  });
});
