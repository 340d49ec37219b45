/**
 * The lists at scale (issue #10), in-process without a chain: keyset pages of the inbox that never repeat or skip a
 * dossier while others arrive between pages; filters (one or several states, "needs action"); search by number
 * prefix and by wallet, scoped to what the caller may see; limit and cursor refused with `querystring.x`; 304 for an
 * unchanged list (inbox, objections, outbox, assessors, audit log); the page is a SEARCH of an index, never a SCAN.
 *
 * The operator's session is seeded in the sessions table (the operator role comes from the chain at sign-in, and
 * there is no chain here); everyone else signs in with SIWE.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { privateKeyToAccount } from "viem/accounts";
import { hashToken } from "../../server/auth";
import { buildServer, type Workbench } from "../../server/app";
import type { Db } from "../../server/db";
import { inboxQuery, type InboxFilter, type InboxViewer } from "../../server/store/dossiers";
import { ASSESSORS, RULEBOOK_KEY, account, dossierFor, expect200, registerAssessors, signInAs, tempDir, testConfig, type Http, type Reply } from "./helpers";

interface Item {
  id: string;
  state: string;
  applicant: string;
  holder: string;
  createdAt: number;
  [k: string]: unknown;
}
interface Page<T = Item> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

const OPERATOR_ADDRESS = account(2).address;

/** an operator's session, as sign-in would write it with the chain saying yes */
function seedOperator(db: Db, now: number): string {
  const token = randomBytes(32).toString("base64url");
  db.prepare("INSERT INTO sessions (token_hash, address, operator, issued_at, expires_at) VALUES (?, ?, 1, ?, ?)").run(hashToken(token), OPERATOR_ADDRESS, now, now + 3600_000);
  return token;
}

/** helpers' HTTP port over inject, with the response headers (ETag) */
type HttpH = (...a: Parameters<Http>) => Promise<Reply & { headers: Record<string, string | string[] | number | undefined> }>;
function injectHttp(app: Workbench["app"]): HttpH {
  return async (method, path, body, token, headers = {}) => {
    const r = await app.inject({
      method: method as "GET",
      url: path,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const parsed: unknown = r.body ? JSON.parse(r.body) : null;
    return { status: r.statusCode, body: parsed, json: <T>() => parsed as T, headers: r.headers };
  };
}

const problemsOf = (r: Reply) => (r.json<{ error: { code: string; problems?: { field: string; zh: string; en: string }[] } }>().error.problems ?? []);

describe("server: paginated lists (inbox at scale)", function () {
  this.timeout(120_000);
  const tmp = tempDir("inbox");
  let wb: Workbench;
  let http: HttpH;
  let clock = Date.now();
  let operator: string;
  const applicantA = account(30);
  const applicantB = account(31);
  let tokenA: string;
  let tokenB: string;
  let stranger: string;
  let assessorToken: string;
  /** what we submitted: id → applicant, state */
  const truth = new Map<string, { applicant: string; state: string }>();
  let seed = 5000;

  const submit = async (token: string, applicant: string): Promise<string> => {
    const r = expect200(await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: dossierFor(seed++) }, token), "submit", 201);
    const id = r.json<{ id: string }>().id;
    truth.set(id, { applicant, state: "submitted" });
    return id;
  };
  const list = async (query: string, token = operator, headers: Record<string, string> = {}) => http("GET", `/dossiers${query}`, undefined, token, headers);
  const page = async (query: string, token = operator): Promise<Page> => expect200(await list(query, token), `GET /dossiers${query}`).json<Page>();
  /** every page of a listing, following nextCursor (bounded) */
  const walk = async (query: string, token = operator, between?: () => Promise<void>): Promise<Item[]> => {
    const out: Item[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const sep = query.includes("?") ? "&" : "?";
      const p: Page = await page(cursor ? `${query}${sep}cursor=${cursor}` : query, token);
      out.push(...p.items);
      if (!p.nextCursor) return out;
      cursor = p.nextCursor;
      if (between) await between();
    }
    throw new Error("more than 1000 pages");
  };
  const newestFirst = (a: Item, b: Item) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

  before(async () => {
    wb = await buildServer({ config: testConfig(tmp.dir), chain: null, now: () => clock });
    http = injectHttp(wb.app);
    operator = seedOperator(wb.db, clock);
    await registerAssessors(http, operator);
    tokenA = await signInAs(http, applicantA);
    tokenB = await signInAs(http, applicantB);
    stranger = await signInAs(http, account(32));
    assessorToken = await signInAs(http, privateKeyToAccount(ASSESSORS[0]!.key));
    // 24 dossiers, in groups of three submitted at the same millisecond: ties broken by the number
    for (let i = 0; i < 24; i++) {
      if (i % 3 === 0) clock += 1000;
      await submit(i % 4 === 3 ? tokenB : tokenA, i % 4 === 3 ? applicantB.address : applicantA.address);
    }
    const ids = [...truth.keys()];
    // a few further along: accepted, rejected, one assigned to a panel (the assessor's)
    for (const id of ids.slice(0, 6)) {
      expect200(await http("POST", `/dossiers/${id}/accept`, {}, operator), "accept");
      truth.get(id)!.state = "accepted";
    }
    for (const id of ids.slice(6, 8)) {
      expect200(await http("POST", `/dossiers/${id}/reject`, { reasons: ["材料不全"] }, operator), "reject");
      truth.get(id)!.state = "rejected";
    }
    expect200(await http("POST", `/dossiers/${ids[0]}/assign`, { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }, operator), "assign");
    truth.get(ids[0]!)!.state = "assigned";
  });
  after(async () => {
    await wb?.close();
    tmp.cleanup();
  });

  it("a walk with small pages returns every dossier exactly once, newest first, while new ones arrive and others change between pages", async () => {
    const before = new Set(truth.keys());
    const arrived: string[] = [];
    let k = 0;
    const seen = await walk("?limit=4", operator, async () => {
      // a newer dossier, one at the very millisecond of the page boundary's group, and a state change
      clock += 7;
      arrived.push(await submit(tokenA, applicantA.address));
      if (k++ === 2) {
        const id = [...truth.entries()].find(([, t]) => t.state === "submitted")![0];
        expect200(await http("POST", `/dossiers/${id}/accept`, {}, operator), "accept");
        truth.get(id)!.state = "accepted";
      }
    });
    const ids = seen.map((d) => d.id);
    expect(new Set(ids).size, "no dossier twice").to.equal(ids.length);
    for (const id of before) expect(ids, `${id} listed`).to.include(id);
    // newer ones arrive above the cursor: the walk goes on below it, untouched by them
    for (const id of arrived) expect(ids).to.not.include(id);
    expect(ids.length).to.equal(before.size);
    expect([...seen].sort(newestFirst).map((d) => d.id)).to.deep.equal(ids);
    // the first page now starts with the newest arrival
    expect((await page("?limit=1")).items[0]!.id).to.equal(arrived[arrived.length - 1]);
  });

  it("an item is small: the summary without the dossier, with a total on the first page only", async () => {
    const first = await page("?limit=3");
    expect(first.items).to.have.length(3);
    expect(first.total).to.equal(truth.size);
    expect(first.totalCapped).to.equal(false);
    for (const d of first.items) {
      expect(Object.keys(d).sort()).to.deep.equal(["applicant", "applicantName", "createdAt", "holder", "id", "outcome", "personalData", "round", "rulebook", "state", "tokenId", "updatedAt"]);
      // the name the list leads with, opened from its sealed column, for the operator
      expect(d.personalData).to.equal("shown");
      expect(d.applicantName).to.be.a("string").and.not.equal("");
      expect(JSON.stringify(d).length).to.be.below(400);
    }
    const second = await page(`?limit=3&cursor=${first.nextCursor}`);
    expect(second.total).to.equal(undefined);
    expect(second.items[0]!.id).to.not.equal(first.items[2]!.id);
  });

  it("filters by one or several states (comma-separated or repeated) and by what needs the operator", async () => {
    const want = (states: string[]) => [...truth.entries()].filter(([, t]) => states.includes(t.state)).map(([id]) => id).sort();
    const got = async (q: string) => (await walk(q)).map((d) => d.id).sort();
    expect(await got("?state=submitted&limit=5")).to.deep.equal(want(["submitted"]));
    expect(want(["accepted", "rejected"]).length).to.be.above(4);
    const several = await walk("?state=accepted,rejected&limit=2");
    expect(several.map((d) => d.id).sort()).to.deep.equal(want(["accepted", "rejected"]));
    expect([...several].sort(newestFirst)).to.deep.equal(several);
    expect(await got("?state=accepted&state=rejected&limit=3")).to.deep.equal(want(["accepted", "rejected"]));
    expect(await got("?needsAction=true&limit=7")).to.deep.equal(want(["submitted", "accepted", "scored", "flagged", "evaluated"]));
    expect(await got("?needsAction=true&state=rejected,accepted")).to.deep.equal(want(["accepted"]));
    const p = await page("?state=rejected");
    expect(p.total).to.equal(want(["rejected"]).length);
    expect(p.items.every((d) => d.state === "rejected")).to.equal(true);
    // the assessor's "needs action": their open panels; an applicant acts on none
    expect((await page("?needsAction=true", assessorToken)).items.map((d) => d.state)).to.deep.equal(["assigned"]);
    expect(await page("?needsAction=true", tokenA)).to.deep.include({ items: [], nextCursor: null, total: 0 });
  });

  it("searches a number prefix (by number, highest first) and a wallet in any case", async () => {
    const ids = [...truth.keys()].sort();
    const prefix = ids[0]!.slice(0, -1);
    const matching = ids.filter((id) => id.startsWith(prefix)).reverse();
    expect(matching.length).to.be.above(2);
    const byNumber = await walk(`?q=${encodeURIComponent(prefix)}&limit=2`);
    expect(byNumber.map((d) => d.id)).to.deep.equal(matching);
    expect((await page(`?q=${encodeURIComponent(ids[3]!)}`)).items.map((d) => d.id)).to.deep.equal([ids[3]]);
    expect((await page("?q=NO-SUCH-NUMBER")).items).to.deep.equal([]);

    const ofB = [...truth.entries()].filter(([, t]) => t.applicant === applicantB.address).map(([id]) => id).sort();
    for (const form of [applicantB.address, applicantB.address.toLowerCase(), `0x${applicantB.address.slice(2).toUpperCase()}`]) {
      const found = await walk(`?q=${form}&limit=2`);
      expect(found.map((d) => d.id).sort(), form).to.deep.equal(ofB);
      expect([...found].sort(newestFirst)).to.deep.equal(found);
    }
    // with a state filter too
    const bSubmitted = ofB.filter((id) => truth.get(id)!.state === "submitted").sort();
    expect((await walk(`?q=${applicantB.address}&state=submitted`)).map((d) => d.id).sort()).to.deep.equal(bSubmitted);
  });

  it("never shows a caller more than they may see: a stranger's or another applicant's search finds nothing of others", async () => {
    const ofA = [...truth.entries()].filter(([, t]) => t.applicant === applicantA.address).map(([id]) => id).sort();
    const ids = [...truth.keys()].sort();
    const prefix = ids[0]!.slice(0, 3);
    for (const q of ["", `?q=${applicantA.address}`, `?q=${encodeURIComponent(prefix)}`, "?state=submitted,accepted,rejected,assigned", `?q=${ofA[0]}`]) {
      expect((await walk(q, stranger)).map((d) => d.id), `stranger ${q}`).to.deep.equal([]);
      expect((await page(q, stranger)).total, `stranger ${q}`).to.equal(q.includes("cursor") ? undefined : 0);
      const asB = await walk(q, tokenB);
      expect(asB.every((d) => d.applicant === applicantB.address), `B ${q}`).to.equal(true);
      const asA = await walk(q, tokenA);
      expect(asA.every((d) => d.applicant === applicantA.address), `A ${q}`).to.equal(true);
    }
    expect((await walk("?limit=5", tokenA)).map((d) => d.id).sort()).to.deep.equal(ofA);
    // the assessor: only the dossier of their panel, whatever they search
    const assigned = [...truth.entries()].filter(([, t]) => t.state === "assigned").map(([id]) => id);
    expect(assigned).to.have.length(1);
    for (const q of ["", `?q=${applicantA.address}`, `?q=${encodeURIComponent(prefix)}`, "?state=assigned,submitted"]) {
      expect((await walk(q, assessorToken)).map((d) => d.id), `assessor ${q}`).to.deep.equal(assigned);
    }
    // a number of someone else's dossier, exactly: nothing, not even its existence
    expect(await page(`?q=${ofA[0]}`, tokenB)).to.deep.include({ items: [], total: 0 });
  });

  it("refuses bad query parameters with 400 naming querystring.x, in Chinese and English", async () => {
    const refused = async (q: string, field: string) => {
      const r = await list(q);
      expect(r.status, q).to.equal(400);
      const p = problemsOf(r);
      expect(p.map((x) => x.field), q).to.include(field);
      const one = p.find((x) => x.field === field)!;
      expect(one.zh, q).to.match(/[\u4e00-\u9fff]/);
      expect(one.en, q).to.match(/[a-z]/);
    };
    for (const l of ["0", "201", "abc", "1.5", "-3", "", "1e9"]) await refused(`?limit=${l}`, "querystring.limit");
    await refused("?limit=1&limit=2", "querystring.limit");
    await refused("?cursor=not-a-cursor", "querystring.cursor");
    await refused(`?cursor=${Buffer.from(JSON.stringify(["t", -1, "x"])).toString("base64url")}`, "querystring.cursor");
    await refused("?state=nonsense", "querystring.state[0]");
    await refused("?state=submitted,nonsense", "querystring.state[1]");
    await refused("?states=submitted", "querystring.states");
    await refused("?needsAction=maybe", "querystring.needsAction");
    await refused("?q=%27%20OR%201%3D1", "querystring.q");
    // a number search's cursor is not a cursor of the newest-first listing
    const byNumber = await page(`?q=${encodeURIComponent([...truth.keys()][0]!.slice(0, 3))}&limit=1`);
    await refused(`?cursor=${byNumber.nextCursor}`, "querystring.cursor");
    // the bounds themselves are fine
    expect((await page("?limit=200")).items.length).to.equal(Math.min(200, truth.size));
    expect((await page("?limit=1")).items.length).to.equal(1);
    // the other lists check theirs the same way
    for (const path of ["/objections?limit=0", "/outbox?limit=201", "/assessors?limit=x", `/dossiers/${[...truth.keys()][0]}/audit?limit=0`]) {
      const r = await http("GET", path, undefined, operator);
      expect(r.status, path).to.equal(400);
      expect(problemsOf(r).map((x) => x.field), path).to.include("querystring.limit");
    }
  });

  it("answers 304 to If-None-Match while the list is unchanged, and 200 with a new ETag once it changed", async () => {
    const first = await list("?limit=5");
    const etag = first.headers.etag as string;
    expect(etag).to.be.a("string").and.match(/^W\/"/);
    const again = await list("?limit=5", operator, { "if-none-match": etag });
    expect(again.status).to.equal(304);
    expect(again.body).to.equal(null);
    // another page, another filter, another caller: another token
    expect((await list("?limit=6", operator, { "if-none-match": etag })).status).to.equal(200);
    expect((await list("?limit=5&state=submitted", operator, { "if-none-match": etag })).status).to.equal(200);
    expect((await list("?limit=5", tokenA, { "if-none-match": etag })).status).to.equal(200);
    // a change anywhere in the table
    clock += 1;
    await submit(tokenB, applicantB.address);
    const changed = await list("?limit=5", operator, { "if-none-match": etag });
    expect(changed.status).to.equal(200);
    expect(changed.headers.etag).to.not.equal(etag);
    expect((await list("?limit=5", operator, { "if-none-match": changed.headers.etag as string })).status).to.equal(304);

    const id = [...truth.entries()].find(([, t]) => t.state === "submitted")![0];
    const lists = ["/assessors?active=true", "/outbox", "/objections", `/dossiers/${id}/audit`];
    const tags = new Map<string, string>();
    for (const path of lists) {
      const r = await http("GET", path, undefined, operator);
      expect(r.status, path).to.equal(200);
      tags.set(path, r.headers.etag as string);
      expect((await http("GET", path, undefined, operator, { "if-none-match": tags.get(path)! })).status, path).to.equal(304);
    }
    // the audit log grows with the dossier's next step; the register with a new assessor
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, operator), "accept");
    truth.get(id)!.state = "accepted";
    expect((await http("GET", `/dossiers/${id}/audit`, undefined, operator, { "if-none-match": tags.get(`/dossiers/${id}/audit`)! })).status).to.equal(200);
    const extra = privateKeyToAccount(`0x${"ab".repeat(32)}`);
    expect200(await http("POST", "/assessors", { address: extra.address, assessorId: "ZZ-NEW", name: "新专家", employerUscc: ASSESSORS[0]!.employerUscc }, operator), "register", 201);
    expect((await http("GET", "/assessors?active=true", undefined, operator, { "if-none-match": tags.get("/assessors?active=true")! })).status).to.equal(200);
  });

  it("pages the other lists with the same shape: audit log oldest first, assessors by number, outbox and objections", async () => {
    const id = [...truth.entries()].find(([, t]) => t.state === "assigned")![0];
    const audit = expect200(await http("GET", `/dossiers/${id}/audit?limit=1`, undefined, operator), "audit").json<Page<{ action: string }>>();
    expect(audit.items.map((a) => a.action)).to.deep.equal(["submit"]);
    expect(audit.total).to.equal(3);
    const rest = expect200(await http("GET", `/dossiers/${id}/audit?limit=5&cursor=${audit.nextCursor}`, undefined, operator), "audit").json<Page<{ action: string }>>();
    expect(rest.items.map((a) => a.action)).to.deep.equal(["accept", "assign"]);
    expect(rest.nextCursor).to.equal(null);
    // an applicant's audit log of someone else's dossier: not found, as the dossier
    expect((await http("GET", `/dossiers/${id}/audit`, undefined, tokenB)).status).to.equal(404);

    const assessors: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const p: Page<{ assessorId: string; active: boolean }> = expect200(await http("GET", `/assessors?limit=2${cursor ? `&cursor=${cursor}` : ""}`, undefined, operator), "assessors").json();
      assessors.push(...p.items.map((a) => a.assessorId));
      if (!(cursor = p.nextCursor)) break;
    }
    expect(assessors).to.deep.equal([...ASSESSORS.map((a) => a.id), "ZZ-NEW"].sort());
    const outbox = expect200(await http("GET", "/outbox", undefined, operator), "outbox").json<Page & { counts: Record<string, number> }>();
    expect(outbox).to.deep.include({ items: [], nextCursor: null, total: 0 });
    expect(outbox.counts).to.deep.equal({ queued: 0, sending: 0, issued: 0, failed: 0 });
    expect(expect200(await http("GET", "/objections?status=filing,filed", undefined, tokenA), "objections").json<Page>()).to.deep.include({ items: [], nextCursor: null, total: 0 });
  });

  describe("at a larger scale (rows written straight into the database)", () => {
    const tmp2 = tempDir("inbox-scale");
    let big: Workbench;
    let bigHttp: HttpH;
    let op: string;
    const N = 10_300;

    before(async () => {
      big = await buildServer({ config: testConfig(tmp2.dir), chain: null });
      bigHttp = injectHttp(big.app);
      op = seedOperator(big.db, Date.now());
      const states = ["submitted", "accepted", "assigned", "evaluated", "in-notice", "issued", "rejected"];
      const insert = big.db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, round, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)");
      const json = JSON.stringify(dossierFor(1));
      const wallets = Array.from({ length: 7 }, (_, k) => account(40 + k).address);
      big.db.transaction(() => {
        for (let i = 0; i < N; i++) {
          const at = 1_700_000_000_000 + Math.floor(i / 4) * 1000;
          insert.run(`BULK-${String(i).padStart(6, "0")}`, wallets[i % 7]!, RULEBOOK_KEY, states[i % states.length], json, "0x00", at, at);
        }
      })();
    });
    after(async () => {
      await big?.close();
      tmp2.cleanup();
    });

    it("defaults to 50 items, allows 200, and caps the total at 10,000 (an index-bounded count)", async () => {
      const p = expect200(await bigHttp("GET", "/dossiers", undefined, op), "inbox").json<Page>();
      expect(p.items).to.have.length(50);
      expect(p.items[0]!.id).to.equal(`BULK-${String(N - 1).padStart(6, "0")}`);
      expect(p).to.include({ total: 10_000, totalCapped: true });
      expect(expect200(await bigHttp("GET", "/dossiers?limit=200", undefined, op), "inbox").json<Page>().items).to.have.length(200);
      const one = expect200(await bigHttp("GET", "/dossiers?state=issued", undefined, op), "inbox").json<Page>();
      expect(one).to.include({ total: Math.ceil((N - 5) / 7), totalCapped: false });
    });

    it("every page is a SEARCH of an index, never a SCAN of dossiers (with and without a state filter), before and after ANALYZE", async () => {
      const operatorView: InboxViewer = { address: OPERATOR_ADDRESS, operator: true, assessor: false };
      const applicantView: InboxViewer = { address: account(40).address, operator: false, assessor: true };
      const cases: { name: string; viewer: InboxViewer; filter: InboxFilter; index: RegExp; sorts?: boolean }[] = [
        { name: "all, newest first", viewer: operatorView, filter: {}, index: /SEARCH dossiers USING INDEX dossiers_inbox \(\(created_at,id\)<\(\?,\?\)\)/ },
        { name: "one state", viewer: operatorView, filter: { states: ["submitted"] }, index: /SEARCH dossiers USING INDEX dossiers_inbox_state \(state=\? AND \(created_at,id\)<\(\?,\?\)\)/ },
        { name: "several states", viewer: operatorView, filter: { states: ["submitted", "accepted", "evaluated"] }, index: /SEARCH dossiers USING INDEX dossiers_inbox_state \(state=\? AND \(created_at,id\)<\(\?,\?\)\)/, sorts: true },
        { name: "a number prefix", viewer: operatorView, filter: { numberPrefix: "BULK-0001" }, index: /SEARCH dossiers USING INDEX sqlite_autoindex_dossiers_1 \(id>\? AND id<\?\)/ },
        { name: "a wallet", viewer: operatorView, filter: { wallet: account(41).address }, index: /dossiers_inbox_applicant \(applicant=\?/, sorts: true },
        { name: "a non-operator's own and their panels'", viewer: applicantView, filter: {}, index: /SEARCH dossiers USING (COVERING )?INDEX dossiers_visible \(id=\? AND created_at<\?\)/, sorts: true },
      ];
      const plan = (sql: string, params: unknown[]) => (big.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
      for (const round of ["without statistics", "after ANALYZE"]) {
        for (const c of cases) {
          for (const after of [null, { by: c.filter.numberPrefix ? ("number" as const) : ("time" as const), createdAt: 1_700_000_500_000, id: "BULK-000500" }]) {
            const q = inboxQuery(c.viewer, c.filter, after, 51);
            expect(q.sql, c.name).to.not.match(/dossier_json/);
            const details = plan(q.sql, q.params);
            const label = `${round}, ${c.name}, ${after ? "a later page" : "the first page"}: ${details.join(" | ")}`;
            expect(details.some((d) => /^SCAN dossiers\b/.test(d)), label).to.equal(false);
            expect(details.some((d) => c.index.test(d)), label).to.equal(true);
            if (!c.sorts) expect(details.some((d) => /TEMP B-TREE/.test(d)), label).to.equal(false);
          }
        }
        big.db.exec("ANALYZE");
      }
      // the outbox's page too
      const outbox = plan("SELECT * FROM outbox WHERE (enqueued_at, root) < (?, ?) ORDER BY enqueued_at DESC, root DESC LIMIT ?", [Number.MAX_SAFE_INTEGER, "", 51]);
      expect(outbox.join(" | ")).to.match(/SEARCH outbox USING INDEX outbox_list/);
    });

    it("a deep walk by cursor reads on from where it stopped: 2,000 rows in pages of 200, in order, none twice", async () => {
      let cursor: string | null = null;
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const r: Page = expect200(await bigHttp("GET", `/dossiers?limit=200${cursor ? `&cursor=${cursor}` : ""}`, undefined, op), "page").json();
        ids.push(...r.items.map((d) => d.id));
        cursor = r.nextCursor;
      }
      expect(ids).to.deep.equal(Array.from({ length: 2000 }, (_, i) => `BULK-${String(N - 1 - i).padStart(6, "0")}`));
    });
  });
});
