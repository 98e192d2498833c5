// workerd entry: the same scenario as a fetch handler. The host comes from the `HOST` text
// binding of the generated config; the answer is the same JSON line the CLI entry prints.
// (workerd's clock only moves across I/O, so its `ms` is coarse.)
import { runScenario } from "./scenario.mjs";

export default {
  async fetch(_request, env) {
    const result = await runScenario(env.HOST);
    return new Response(JSON.stringify({ runtime: "workerd", ...result }), { headers: { "content-type": "application/json" } });
  },
};
