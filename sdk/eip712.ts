/**
 * EIP-712 definitions of CQOCertificate's signed messages, defined once for the sdk, the cli, the server, the dApp
 * and the contracts' tests (test/helpers/eip712.ts re-exports this module).
 *
 * Field order is the contract's, not alphabetical: EIP-712 hashes fields in declaration order, so these lists must
 * match `ISSUANCE_TYPEHASH`, `VOUCHER_TYPEHASH`, `REISSUE_CONSENT_TYPEHASH` and `SIGNING_KEY_CONSENT_TYPEHASH` exactly
 * (test/vouchers.test.ts and test/sdk check each against `typeHash` below).
 */
import { keccak256, toHex, type Address, type Chain, type Client, type Hex, type Transport, type TypedDataDomain } from "viem";
import { verifyTypedData } from "viem/actions";
import type { Deployment } from "./deployments";

/** The name and version CQOCertificate passes to OpenZeppelin's EIP712 constructor. */
export const CQO_EIP712_NAME = "CQO Certificate";
/** "2" since contracts v2 (issue #11): signatures made for v1 deployments never verify against v2 ones. */
export const CQO_EIP712_VERSION = "2";

/** The domain of one deployment: a signature for another chain or another contract is worthless here. */
export function cqoDomain(chainId: number | bigint, verifyingContract: Address) {
  return {
    name: CQO_EIP712_NAME,
    version: CQO_EIP712_VERSION,
    chainId: Number(chainId),
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

/** What a body's key signs off-line so that anyone may submit the issuance before `deadline`. */
export const issuanceVoucherTypes = {
  IssuanceVoucher: [
    { name: "issuance", type: "Issuance" },
    { name: "deadline", type: "uint40" },
    { name: "bodyId", type: "uint16" },
    { name: "nonce", type: "uint64" },
  ],
  Issuance: [
    { name: "level", type: "uint8" },
    { name: "validUntil", type: "uint40" },
    { name: "resultRoot", type: "bytes32" },
    { name: "holder", type: "address" },
    { name: "rulebookId", type: "uint16" },
  ],
} as const;

/** What the new wallet signs to accept a re-issued certificate (lost keys). */
export const reissueConsentTypes = {
  ReissueConsent: [
    { name: "tokenId", type: "uint256" },
    { name: "newHolder", type: "address" },
    { name: "newResultRoot", type: "bytes32" },
    { name: "deadline", type: "uint40" },
  ],
} as const;

/** What a key signs to consent to serve as a body's signing key (the contract refuses a key without it). */
export const signingKeyConsentTypes = {
  SigningKeyConsent: [
    { name: "bodyId", type: "uint16" },
    { name: "key", type: "address" },
    { name: "deadline", type: "uint40" },
  ],
} as const;

/** `CQOCertificate.Issuance`, as viem encodes it. Type aliases, not interfaces: viem wants messages assignable to Record<string, unknown>. (uint8..uint48 are numbers, larger integers bigints). */
export type Issuance = {
  /** 1 = 一级 (highest) … 8 */
  level: number;
  /** unix seconds */
  validUntil: number;
  resultRoot: Hex;
  holder: Address;
  rulebookId: number;
};

/** `CQOCertificate.IssuanceVoucher`. */
export type IssuanceVoucher = {
  issuance: Issuance;
  /** unix seconds; the voucher cannot be submitted after it */
  deadline: number;
  bodyId: number;
  /** the body's current voucher nonce (uint64): `cancelVouchers` draws a new one, voiding every outstanding voucher */
  nonce: bigint;
};

export type ReissueConsent = {
  tokenId: bigint;
  newHolder: Address;
  newResultRoot: Hex;
  deadline: number;
};

/** `IBodyRegistry.SigningKeyConsent`: `key` agrees to sign for `bodyId` if registered before `deadline`. */
export type SigningKeyConsent = {
  bodyId: number;
  key: Address;
  /** unix seconds; the consent cannot be used after it (and is used once) */
  deadline: number;
};

/** `IBodyRegistry.SigningKeyGrant`: a consent and its signature, as `accreditBody` and `addSigningKey` take it. */
export type SigningKeyGrant = {
  key: Address;
  /** unix seconds */
  deadline: number;
  /** the key's EIP-712 signature of its SigningKeyConsent (an ERC-1271 signature for a contract wallet) */
  signature: Hex;
};

/**
 * Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a signing-key consent, for a wallet
 * (the dApp) that signs itself; the contract's `signingKeyConsentDigest(bodyId, key, deadline)` is its hash.
 */
export function signingKeyConsentTypedData(deployment: Pick<Deployment, "chainId" | "certificate">, message: SigningKeyConsent) {
  return {
    domain: cqoDomain(deployment.chainId, deployment.certificate),
    types: signingKeyConsentTypes,
    primaryType: "SigningKeyConsent",
    message,
  } as const;
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a voucher. */
export function voucherTypedData(chainId: number | bigint, verifyingContract: Address, message: IssuanceVoucher) {
  return {
    domain: cqoDomain(chainId, verifyingContract),
    types: issuanceVoucherTypes,
    primaryType: "IssuanceVoucher",
    message,
  } as const;
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a reissue consent. */
export function reissueConsentTypedData(chainId: number | bigint, verifyingContract: Address, message: ReissueConsent) {
  return {
    domain: cqoDomain(chainId, verifyingContract),
    types: reissueConsentTypes,
    primaryType: "ReissueConsent",
    message,
  } as const;
}

/**
 * Proof of possession (持证人当面证明), off-chain only: a verifier shows a fresh random challenge and the
 * certificate's holder signs it in their wallet. Its own domain name (no contract checks it, so a possession
 * signature can never be mistaken for a voucher or a consent), bound to the chain and the certificate contract.
 */
export const POSSESSION_EIP712_NAME = "CQO Proof of Possession";
export const POSSESSION_EIP712_VERSION = "1";

export function possessionDomain(chainId: number | bigint, verifyingContract: Address) {
  return {
    name: POSSESSION_EIP712_NAME,
    version: POSSESSION_EIP712_VERSION,
    chainId: Number(chainId),
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

export const possessionProofTypes = {
  PossessionProof: [
    { name: "tokenId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "challenge", type: "bytes32" },
    { name: "verifier", type: "string" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** What the holder signs: this certificate, this wallet, the verifier's random challenge, who asks, and when. */
export type PossessionProof = {
  tokenId: bigint;
  holder: Address;
  /** 32 random bytes chosen by the verifier */
  challenge: Hex;
  /** who asks, as the verifier's page names itself (shown to the holder before signing) */
  verifier: string;
  /** unix seconds, when the challenge was made */
  issuedAt: bigint;
};

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a proof of possession. */
export function possessionTypedData(chainId: number | bigint, verifyingContract: Address, message: PossessionProof) {
  return {
    domain: possessionDomain(chainId, verifyingContract),
    types: possessionProofTypes,
    primaryType: "PossessionProof",
    message,
  } as const;
}

/**
 * Whether `signature` is `signer`'s proof of possession. Through the chain (viem's verifyTypedData action): an
 * EOA by ecrecover, a contract wallet by ERC-1271 `isValidSignature`, a not-yet-deployed one by ERC-6492. The
 * caller still checks that `signer` is the certificate's holder now and that the challenge is the one it showed.
 */
export async function verifyPossessionProof(
  client: Client<Transport, Chain | undefined>,
  args: { chainId: number | bigint; verifyingContract: Address; proof: PossessionProof; signer: Address; signature: Hex },
): Promise<boolean> {
  return verifyTypedData(client, {
    address: args.signer,
    signature: args.signature,
    ...possessionTypedData(args.chainId, args.verifyingContract, args.proof),
  });
}

type TypeFields = readonly { readonly name: string; readonly type: string }[];

/** EIP-712 `encodeType`: the primary type, then the types it references, sorted by name. */
export function encodeType(types: Record<string, TypeFields>, primaryType: string): string {
  const referenced = new Set<string>();
  const fieldsOf = (name: string): TypeFields => {
    const fields = types[name];
    if (!fields) throw new Error(`unknown EIP-712 type ${name}`);
    return fields;
  };
  const visit = (name: string): void => {
    for (const field of fieldsOf(name)) {
      const base = field.type.replace(/\[\d*\]$/, "");
      if (base in types && base !== primaryType && !referenced.has(base)) {
        referenced.add(base);
        visit(base);
      }
    }
  };
  visit(primaryType);
  const one = (name: string): string => `${name}(${fieldsOf(name).map((f) => `${f.type} ${f.name}`).join(",")})`;
  return [primaryType, ...[...referenced].sort()].map(one).join("");
}

/** EIP-712 `typeHash`: what the contract's `*_TYPEHASH` constants hold. */
export function typeHash(types: Record<string, TypeFields>, primaryType: string): Hex {
  return keccak256(toHex(encodeType(types, primaryType)));
}

/**
 * An objection's statement (异议书), signed by its filer so that an objection the body relays on-chain (the
 * body's key sends `fileObjection`, so the event's `filer` is the body) is still attributable to the person who
 * filed it. No contract checks this signature: like the proof of possession it has its own domain name, so it can
 * never be taken for a voucher or a consent, bound to the chain and the certificate contract whose `tokenId` it
 * names (a statement about certificate 7 of one deployment says nothing about another deployment's 7).
 *
 * The on-chain evidence hash of a relayed objection is `hashTypedData(objectionTypedData(...))`, the very digest
 * the filer signed: whoever holds the statement and its signature can show that the on-chain objection is the
 * filer's (recover the signer from the event's evidence hash and the signature). The digest alone discloses
 * neither the filer nor the statement; the signature does disclose the filer: it is the body's to keep.
 */
export const OBJECTION_EIP712_NAME = "CQO Objection Statement";
export const OBJECTION_EIP712_VERSION = "1";

export function objectionDomain(chainId: number | bigint, verifyingContract: Address) {
  return {
    name: OBJECTION_EIP712_NAME,
    version: OBJECTION_EIP712_VERSION,
    chainId: Number(chainId),
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

export const objectionStatementTypes = {
  ObjectionStatement: [
    { name: "tokenId", type: "uint256" },
    { name: "filer", type: "address" },
    { name: "statementHash", type: "bytes32" },
    { name: "evidence", type: "bytes32" },
    { name: "issuedAt", type: "uint40" },
  ],
} as const;

/** What the filer signs: this certificate, this wallet, the statement (by its hash), the evidence file, when. */
export type ObjectionStatement = {
  tokenId: bigint;
  filer: Address;
  /** keccak256 of the statement's UTF-8 bytes (`objectionStatementHash`) */
  statementHash: Hex;
  /** the SHA-256 of the uploaded evidence file as bytes32, or 32 zero bytes when none is cited */
  evidence: Hex;
  /** unix seconds, when it was signed (the workbench refuses a stale or future one) */
  issuedAt: number;
};

export const NO_OBJECTION_EVIDENCE: Hex = `0x${"0".repeat(64)}`;

/** keccak256 of the statement's UTF-8 bytes, exactly as typed: no normalisation (the workbench wants NFC already). */
export const objectionStatementHash = (statement: string): Hex => keccak256(toHex(statement));

/** The struct for a statement as the filer typed it; `evidence` is a SHA-256 in hex (with or without 0x) or absent. */
export function objectionStatement(args: { tokenId: bigint | number | string; filer: Address; statement: string; evidence?: string | null; issuedAt: number }): ObjectionStatement {
  const sha = args.evidence ? args.evidence.replace(/^0x/, "").toLowerCase() : null;
  if (sha !== null && !/^[0-9a-f]{64}$/.test(sha)) throw new Error("evidence must be a SHA-256 of 64 hex digits");
  return {
    tokenId: BigInt(args.tokenId),
    filer: args.filer,
    statementHash: objectionStatementHash(args.statement),
    evidence: sha === null ? NO_OBJECTION_EVIDENCE : `0x${sha}`,
    issuedAt: args.issuedAt,
  };
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for an objection's statement. */
export function objectionTypedData(chainId: number | bigint, verifyingContract: Address, message: ObjectionStatement) {
  return {
    domain: objectionDomain(chainId, verifyingContract),
    types: objectionStatementTypes,
    primaryType: "ObjectionStatement",
    message,
  } as const;
}

/**
 * Whether `signature` is `statement.filer`'s signature of the statement, through the chain (viem's verifyTypedData
 * action: an EOA by ecrecover, a contract wallet by ERC-1271). The workbench checks EOAs with its own libsecp256k1
 * path first (which refuses malleable high-s signatures) and asks the chain only for a contract wallet.
 */
export async function verifyObjectionStatement(
  client: Client<Transport, Chain | undefined>,
  args: { chainId: number | bigint; verifyingContract: Address; statement: ObjectionStatement; signature: Hex },
): Promise<boolean> {
  return verifyTypedData(client, {
    address: args.statement.filer,
    signature: args.signature,
    ...objectionTypedData(args.chainId, args.verifyingContract, args.statement),
  });
}
