/**
 * `npm run verify -- <certificate number | wallet address>`: what a verifier sees, straight from the contract.
 * Reads the deployment from .demo/deployment.json (written by `npm start`), or CQO_CERTIFICATE and CQO_RPC_URL.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "ethers";
import { CQOCertificate__factory } from "../typechain-types";
import { REASON_NAMES, statusLabel } from "./lib/status";

function deployment(): { certificate: string; rpcUrl: string } {
  if (process.env.CQO_CERTIFICATE) {
    return { certificate: process.env.CQO_CERTIFICATE, rpcUrl: process.env.CQO_RPC_URL ?? "http://127.0.0.1:8545" };
  }
  const file = join(__dirname, "..", ".demo", "deployment.json");
  if (!existsSync(file)) throw new Error("no deployment: run `npm start` first, or set CQO_CERTIFICATE and CQO_RPC_URL");
  return JSON.parse(readFileSync(file, "utf8")) as { certificate: string; rpcUrl: string };
}

const date = (t: bigint) => (t === 0n ? "-" : new Date(Number(t) * 1000).toISOString().slice(0, 10));

async function main(): Promise<void> {
  const query = process.argv[2];
  if (!query) throw new Error("usage: npm run verify -- <certificate number | wallet address>");
  const { certificate: address, rpcUrl } = deployment();
  const certificate = CQOCertificate__factory.connect(address, new ethers.JsonRpcProvider(rpcUrl));
  let ids: bigint[];
  if (ethers.isAddress(query)) {
    ids = await certificate.certificatesOf(query);
    console.log(`wallet ${query}: ${ids.length} certificate(s)`);
  } else if (/^\d+$/.test(query) || /^0x[0-9a-fA-F]{1,16}$/.test(query)) {
    ids = [BigInt(query)];
  } else {
    throw new Error(`"${query}" is neither a certificate number nor a wallet address`);
  }
  for (const id of ids) {
    const v = await certificate.verifyCertificate(id);
    console.log(`\n证书 Certificate #${id}: ${statusLabel(v.status)}`);
    if (Number(v.status) === 0) continue;
    if (Number(v.revocationReason) !== 0) console.log(`  reason:     ${REASON_NAMES[Number(v.revocationReason)]}`);
    const suspendedBy = [v.suspendedByBody ? "the body 认定主体" : null, v.suspendedBySupervisor ? "the supervisor 监督管理" : null].filter(Boolean);
    if (suspendedBy.length) console.log(`  suspended:  by ${suspendedBy.join(" and ")}`);
    if (v.underObjection) console.log("  objection:  filed, not yet resolved (异议处理中)");
    console.log(`  holder:     ${v.holder}`);
    console.log(`  level:      ${v.level} (1 = 一级, highest)`);
    console.log(`  body:       ${v.bodyId} (${v.bodyAccredited ? "accredited today" : "NOT accredited today"})`);
    console.log(`  issued:     ${date(v.issuedAt)}  valid ${date(v.validFrom)} → ${date(v.validUntil)}`);
    console.log(`  rulebook:   #${v.rulebookId} ${v.rulebookHash}`);
    console.log(`  resultRoot: ${v.resultRoot}`);
    if (v.predecessor !== 0n) console.log(`  re-issued from #${v.predecessor}`);
    if (v.successor !== 0n) console.log(`  re-issued as #${v.successor}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
