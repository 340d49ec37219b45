/**
 * The demo's cast for the local demo chain (chain id 31337) only: which account of Hardhat's and anvil's public
 * test mnemonic ("test test … junk") plays which part in `npm start` (scripts/lib/world.ts, CAST), with its
 * private key. These keys are printed by every Hardhat and anvil node and known to everyone: they must never hold
 * value. This module is imported only through demoGate.ts, and only when the deployment's chain id is 31337, so
 * the keys never reach a real deployment's browser (nor the verify route's bundle). Plain data, no browser API:
 * scripts/demo.ts prints the same table.
 */
import type { Hex } from "viem";

export type DemoRole = "association" | "supervisor" | "operator" | "assessor1" | "assessor2" | "assessor3" | "applicant" | "holder" | "public";

export interface DemoAccount {
  role: DemoRole;
  /** the mnemonic's address index (scripts/lib/world.ts CAST) */
  index: number;
  privateKey: Hex;
  /** the page this part works on (a hash route of the dApp) */
  page: string;
  /** zh-CN first, then English: for scripts/demo.ts (the dApp takes its words from its locales) */
  label: { zh: string; en: string };
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: "association", index: 0, privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", page: "#/association", label: { zh: "协会", en: "the association" } },
  { role: "supervisor", index: 1, privateKey: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", page: "#/association", label: { zh: "监督方", en: "the supervisor" } },
  { role: "operator", index: 3, privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", page: "#/body", label: { zh: "认定主体操作员（主体 A）", en: "the body's operator (body A)" } },
  { role: "assessor1", index: 6, privateKey: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e", page: "#/body", label: { zh: "评审专家 EXP-0001", en: "assessor EXP-0001" } },
  { role: "assessor2", index: 7, privateKey: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356", page: "#/body", label: { zh: "评审专家 EXP-0002", en: "assessor EXP-0002" } },
  { role: "assessor3", index: 8, privateKey: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97", page: "#/body", label: { zh: "评审专家 EXP-0003", en: "assessor EXP-0003" } },
  // a wallet the demo never used: a newcomer applying for the first time
  { role: "applicant", index: 10, privateKey: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897", page: "#/apply", label: { zh: "新申报人", en: "a new applicant" } },
  // dossier 12 of the demo (mnemonic index 20 + 12): the first plainly issued certificate's holder
  { role: "holder", index: 32, privateKey: "0xf076539fbce50f0513c488f32bf81524d30ca7a29f400d68378cc5b1b17bc8f2", page: "#/mine", label: { zh: "持证人（已发证的申报人）", en: "a holder (an applicant whose certificate was issued)" } },
  { role: "public", index: 9, privateKey: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6", page: "#/notices", label: { zh: "社会公众（提出异议者）", en: "a member of the public (files objections)" } },
];
