import { disclose, type Credential, type Disclosure } from "../../scoring";

export function discloseFields(credential: Credential, names: string[]): Disclosure {
  const r = disclose(credential, names);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

export function base64UrlEncodeNode(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
