import { z } from "zod";
import { Uscc } from "../dossier/schema";
import { encodeMessage } from "../errors";
import { signedText } from "../text";

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, encodeMessage({ zh: "应为 0x 开头的 32 字节小写十六进制", en: "must be 0x and 64 lowercase hex digits" }));

/** One assessor's signed score sheet (评分表) for one dossier under one rulebook. */
export const PanelSheet = z.strictObject({
  format: z.literal("cqo-panel-sheet/1"),
  /** rulebookHash() of the rulebook the scores follow */
  rulebook: bytes32,
  /** dossierHash() of the exact dossier scored: a sheet cannot be moved to another application */
  dossier: bytes32,
  assessor: z.strictObject({
    id: signedText({ min: 1, max: 64 }),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, encodeMessage({ zh: "评审专家地址应为 20 字节十六进制", en: "assessor address must be 20 bytes of hex" })),
    /** the assessor's own employer, for the conflict-of-interest check */
    employerUscc: Uscc,
  }),
  /** points in tenths per panel-scored indicator id; a map, so key order is irrelevant */
  scores: z.record(z.string(), z.number().int().min(0).max(65_535)),
  comments: signedText({ max: 4000, multiline: true }),
  signedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** EIP-712 signature by assessor.address over panelSheetTypedData(); absent = unsigned, which is refused */
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/).optional(),
});

export type PanelSheet = z.infer<typeof PanelSheet>;
