import { ethers, network } from "hardhat";
async function main() {
  const [assoc, bodyAdmin, key] = await ethers.getSigners();
  const R = await ethers.deployContract("CertificateRenderer");
  const C = await ethers.deployContract("CQOCertificate", [assoc.address, await R.getAddress()]);
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  await (await C.accreditBody({ admin: bodyAdmin.address, scope: 7, accreditedUntil: now + 10*365*86400, noticePeriod: 7*86400, metadataURI: "ipfs://x", metadataHash: ethers.id("m") }, [key.address])).wait();
  await (await C.registerRulebook(ethers.id("rb"), "ipfs://rb")).wait();
  const kc = C.connect(key);
  const root = ethers.hexlify(ethers.randomBytes(32));
  const tx1 = await kc.issueCertificate({ holder: ethers.Wallet.createRandom().address, resultRoot: root, level: 2, rulebookId: 1, validUntil: now + 3*365*86400 });
  const tx2 = await kc.suspendCertificate(await C.certificateNumberOf(root), ethers.id("e"));
  for (const tx of [tx1, tx2]) {
    const rc = await tx.wait();
    const t: any = await network.provider.send("debug_traceTransaction", [tx.hash, { disableStack: true, disableMemory: true, disableStorage: true }]);
    const by: Record<string, number> = {};
    const logs = t.structLogs;
    for (let i = 0; i < logs.length; i++) { const l = logs[i]; by[l.op] = (by[l.op] ?? 0) + l.gasCost; }
    const sorted = Object.entries(by).sort((a, b) => b[1] - a[1]);
    console.log("total", rc!.gasUsed, "exec", t.gas, "steps", logs.length);
    console.log(sorted.slice(0, 25).map(([k, v]) => `${k}:${v}`).join(" "));
  }
}
main();
