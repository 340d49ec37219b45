/**
 * A lifecycle transaction sent but not mined yet (the RPC stopped answering while the call waited for its receipt,
 * so its intent stayed pending) is not settled as "not applied" while the body's key has transactions the chain
 * has not mined: the re-sync leaves it pending, a second call on the dossier is refused (409 chain-pending) instead
 * of sending a second transaction, and once the transaction is mined the re-sync records it from the intent.
 * (Attack review 2, F4.) Against anvil with automine off, the transaction held in its mempool.
 */
import { expect } from "chai";
import type { Hex } from "viem";
import { openIntent, pendingIntents } from "../../server/lifecycle";
import { OPERATOR, account, clientFor, dossierFor, expect200, startWorkbench, toEvaluated, travel, type WorkbenchFixture } from "./helpers";

const rpc = (url: string, method: string, params: unknown[] = []) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });

describe("server: a lifecycle transaction not mined yet stays pending (anvil, automine off)", function () {
  this.timeout(120_000);
  let fixture: WorkbenchFixture;

  before(async () => {
    fixture = await startWorkbench({ applicant: account(81), prefix: "unmined" });
  });
  after(async () => {
    await rpc(fixture.anvil.url, "evm_setAutomine", [true]).catch(() => undefined);
    await fixture?.stop();
  });

  it("the re-sync leaves its intent pending, a second call is 409 chain-pending, and once mined it is recorded from the intent", async () => {
    const { http, tokens } = fixture;
    const { id } = await toEvaluated(http, tokens, dossierFor(8100));
    const tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await fixture.waitForState(id, "in-notice");
    await travel(fixture.anvil.url, 8 * 86_400);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");

    // the workbench's suspension as a crash or a stalled RPC leaves it: the intent on disk, its transaction in the mempool
    const evidence = `0x${"ab".repeat(32)}` as Hex;
    const intent = openIntent(fixture.wb.db, id, tokenId, { address: account(OPERATOR).address, role: "operator" }, { command: "suspend", evidence, note: "held in the mempool" });
    await rpc(fixture.anvil.url, "evm_setAutomine", [false]);
    const sent = clientFor(fixture.anvil.url, fixture.world.deployment, account(OPERATOR)).suspendCertificate(tokenId, evidence);
    await new Promise((r) => setTimeout(r, 500));

    const first = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ notApplied: number; recorded: number }>();
    expect(first).to.include({ notApplied: 0, recorded: 0 });
    expect(pendingIntents(fixture.wb.db).map((i) => i.id)).to.include(intent.id);
    const again = await http("POST", `/dossiers/${id}/suspend`, {}, tokens.operator);
    expect([again.status, again.json<{ error: { code: string } }>().error.code]).to.deep.equal([409, "chain-pending"]);

    await rpc(fixture.anvil.url, "evm_mine");
    const mined = await sent;
    await rpc(fixture.anvil.url, "evm_setAutomine", [true]);
    const second = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ recorded: number }>();
    expect(second.recorded).to.equal(1);
    expect(pendingIntents(fixture.wb.db).map((i) => i.id)).to.not.include(intent.id);
    const d = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.operator), "dossier").json<{ state: string }>();
    expect(d.state).to.equal("suspended");
    const audit = expect200(await http("GET", `/dossiers/${id}/audit?limit=100`, undefined, tokens.operator), "audit").json<{ items: { action: string; details: { txHash?: string } | null }[] }>().items;
    expect(audit.filter((e) => e.action === "suspend").map((e) => e.details?.txHash)).to.deep.equal([mined.hash]);
    expect(audit.map((e) => e.action)).to.not.include("lifecycle-not-applied");
  });
});
