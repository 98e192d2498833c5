/**
 * The dashboard's HTML document, served at `/`. It holds no data and no secret: the script it loads
 * reads the token from the URL fragment (`#token=…`, never sent to the server) or a form, keeps it
 * in this tab's sessionStorage, drops the fragment from the address bar, and sends it only as an
 * `Authorization` header. Script and style are separate files so the Content-Security-Policy can
 * forbid inline code (see index.ts).
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Lakebase emulator</title>
<link rel="stylesheet" href="/emulator/ui/app.css">
</head>
<body>
<header>
  <h1>Lakebase emulator</h1>
  <span id="engines"></span>
  <span id="live" class="live">connecting…</span>
  <button id="forget" type="button" hidden>Forget token</button>
</header>
<form id="login" hidden>
  <label>Emulator token <input id="token" type="password" autocomplete="off" spellcheck="false" required></label>
  <button type="submit">Open</button>
  <p class="hint">The token <code>npx lakebase-emulator</code> printed (<code>DATABRICKS_TOKEN</code>), or open the dashboard URL it printed.</p>
  <p id="login-error" class="error"></p>
</form>
<main id="app" hidden>
  <section class="wide">
    <h2>Projects and branches</h2>
    <div id="projects"></div>
    <div id="branch-detail"></div>
  </section>
  <section class="wide">
    <h2>Endpoints</h2>
    <table id="endpoints"></table>
  </section>
  <section>
    <h2>Fault knobs</h2>
    <div id="knobs">
      <form id="knob-latency"><label>API latency <input name="ms" type="number" min="0" max="60000" step="50" value="0"> ms</label> <button type="submit">Set</button></form>
      <form id="knob-fail-requests"><label>Answer <select name="status"><option value="503">503</option><option value="429">429</option></select> for the next <input name="count" type="number" min="0" max="1000" value="1"> API calls</label> <button type="submit">Inject</button></form>
      <p><button id="knob-fail-operation" type="button">Fail the next operation</button> <button id="knob-reset" type="button">Reset faults</button></p>
      <p id="fault-status" class="muted"></p>
      <p id="knob-result" class="muted"></p>
    </div>
  </section>
  <section>
    <h2>Database credentials</h2>
    <table id="credentials"></table>
  </section>
  <section class="wide">
    <h2>Operations</h2>
    <div id="operations"></div>
  </section>
  <section class="wide">
    <h2>Recent API requests</h2>
    <table id="requests"></table>
  </section>
</main>
<script src="/emulator/ui/app.js"></script>
</body>
</html>
`;
