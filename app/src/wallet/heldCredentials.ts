/**
 * The holder's credentials (values and salts) kept in this browser, one per result root, so the disclosure and
 * print pages work without choosing the file again. They are the holder's own data on the holder's own device
 * (localStorage of this origin); nothing here is sent anywhere, and "forget" removes it.
 *
 * Whoever receives a credential (a file the holder chose, or the workbench's GET /dossiers/:id/credential after
 * sign-in) keeps it with keepCredential; readers look it up by the certificate's resultRoot.
 */
import { Credential } from "../../../scoring/commit/credential";

const PREFIX = "cqo.credential.";

const keyOf = (root: string) => `${PREFIX}${root.toLowerCase()}`;

export type CredentialRead = { ok: true; credential: Credential } | { ok: false; problem: { zh: string; en: string } };

/** A credential file's text → a credential (either format), or what is wrong with it, naming the fields. */
export function readCredential(text: string): CredentialRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: { zh: "文件不是有效的 JSON。", en: "The file is not valid JSON." } };
  }
  const parsed = Credential.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
      .join("; ");
    return { ok: false, problem: { zh: `不是有效的凭证文件：${where}`, en: `Not a valid credential file: ${where}` } };
  }
  return { ok: true, credential: parsed.data };
}

export function keepCredential(credential: Credential): void {
  try {
    localStorage.setItem(keyOf(credential.root), JSON.stringify(credential));
  } catch {
    // storage full or disabled (private mode): the page still works with the file it was given
  }
}

/** The credential kept for this result root, if any (and still a valid credential). */
export function heldCredential(root: string): Credential | null {
  let text: string | null = null;
  try {
    text = localStorage.getItem(keyOf(root));
  } catch {
    return null;
  }
  if (!text) return null;
  const r = readCredential(text);
  return r.ok && r.credential.root.toLowerCase() === root.toLowerCase() ? r.credential : null;
}

export function forgetCredential(root: string): void {
  try {
    localStorage.removeItem(keyOf(root));
  } catch {
    // nothing kept
  }
}
