/**
 * The dashboard's script (`/emulator/ui/app.js`): plain browser JavaScript, no framework and no
 * build step. It keeps the emulator's token in this tab's sessionStorage (from `#token=…` or the
 * form), reads the `/emulator/ui/events` Server-Sent Events stream with fetch() so the token goes
 * in the Authorization header, and redraws the page from each snapshot (snapshot.ts): the branch
 * trees as SVG, endpoints, operations, credentials, requests. Knobs post to `/emulator/ui/faults`.
 * Text is only ever set as textContent, never parsed as HTML.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var KEY = "lakebase-emulator-token";
  var SVG = "http://www.w3.org/2000/svg";
  var last = null;
  var selected = null;
  var controller = null;
  function $(id) { return document.getElementById(id); }

  // -- DOM helpers: attributes and text only, never markup parsed from strings --
  function make(ns, tag, attrs, children) {
    var node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return node;
  }
  function el(tag, attrs, children) { return make(null, tag, attrs, children); }
  function svg(tag, attrs, children) { return make(SVG, tag, attrs, children); }
  function fill(parent, children) { parent.replaceChildren.apply(parent, children.filter(Boolean)); }
  function table(head, rows) {
    return [el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { text: h }); }))]), el("tbody", {}, rows)];
  }

  // -- formatting --
  function clock(ms) { return ms ? new Date(ms).toLocaleTimeString([], { hour12: false }) : ""; }
  function shortName(name) { return String(name || "").replace(/^projects\//, "").replace(/\/branches\//g, "/").replace(/\/endpoints\//g, "/"); }
  function countdown(deadline) {
    var s = Math.round((deadline - Date.now()) / 1000);
    if (s <= 0) return "now";
    var m = Math.floor(s / 60);
    return m ? m + "m " + (s % 60) + "s" : s + "s";
  }

  // -- the token: from the fragment (then removed from the address bar) or the form --
  function takeFragmentToken() {
    var match = /^#(?:.*&)?token=([^&]*)/.exec(location.hash);
    if (!match) return;
    if (match[1]) sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  function token() { return sessionStorage.getItem(KEY); }
  function showLogin(message) {
    if (controller) controller.abort();
    $("login").hidden = false;
    $("app").hidden = true;
    $("forget").hidden = true;
    $("login-error").textContent = message || "";
    setLive("signed out", false);
  }
  function setLive(text, on) { $("live").textContent = text; $("live").className = on ? "live on" : "live"; }

  // -- the live stream: Server-Sent Events read through fetch() --
  function connect() {
    if (controller) controller.abort();
    if (!token()) return showLogin("");
    var ours = new AbortController();
    controller = ours;
    setLive("connecting…", false);
    fetch("/emulator/ui/events", { headers: { Authorization: "Bearer " + token() }, signal: ours.signal, cache: "no-store" })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) {
          sessionStorage.removeItem(KEY);
          return showLogin("The emulator refused that token.");
        }
        if (!res.ok || !res.body) throw new Error("HTTP " + res.status);
        $("login").hidden = true;
        $("app").hidden = false;
        $("forget").hidden = false;
        setLive("live", true);
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error("the stream ended");
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              onEvent(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (ours.signal.aborted) return;
        setLive("reconnecting…", false);
        setTimeout(function () { if (controller === ours) connect(); }, 1000);
      });
  }
  function onEvent(block) {
    var type = "message";
    var data = [];
    block.split("\n").forEach(function (line) {
      if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      else if (line.indexOf("event:") === 0) type = line.slice(6).trim();
    });
    if (type === "snapshot" && data.length) render(JSON.parse(data.join("\n")));
  }

  // -- rendering --
  function render(snapshot) {
    last = snapshot;
    $("engines").textContent = snapshot.engines.map(function (e) {
      return (e.engine === "pglite" ? "PGlite " : "PostgreSQL ") + (e.version || e.pgMajor) + (e.started ? "" : " (not started)");
    }).join(" · ");
    renderProjects(snapshot);
    renderEndpoints(snapshot);
    renderFaults(snapshot.faults);
    renderOperations(snapshot.operations);
    renderCredentials(snapshot.credentials);
    renderRequests(snapshot.requests);
    tick();
  }

  var NODE_W = 190, NODE_H = 44, COL = 320, ROW = 64, PAD = 14;

  /** Rows in depth-first order; a branch sits one column right of the branch it was forked from. */
  function layout(branches) {
    var byName = {}, children = {}, roots = [], nodes = [], row = 0;
    branches.forEach(function (b) { byName[b.name] = b; });
    branches.forEach(function (b) {
      if (b.source && byName[b.source] && b.source !== b.name) (children[b.source] = children[b.source] || []).push(b);
      else roots.push(b);
    });
    function place(b, depth) {
      nodes.push({ branch: b, col: depth, row: row++ });
      (children[b.name] || []).forEach(function (child) { place(child, depth + 1); });
    }
    roots.forEach(function (root) { place(root, 0); });
    return nodes;
  }

  function tree(project, endpointsByName) {
    var nodes = layout(project.branches);
    var at = {};
    nodes.forEach(function (n) { at[n.branch.name] = n; });
    var cols = Math.max.apply(null, nodes.map(function (n) { return n.col; }).concat([0])) + 1;
    var width = PAD * 2 + (cols - 1) * COL + NODE_W;
    var height = PAD * 2 + Math.max(nodes.length - 1, 0) * ROW + NODE_H;
    var edges = [], boxes = [];
    nodes.forEach(function (n) {
      var b = n.branch;
      var x = PAD + n.col * COL, y = PAD + n.row * ROW;
      var parent = b.source && at[b.source];
      if (parent) {
        var px = PAD + parent.col * COL + NODE_W, py = PAD + parent.row * ROW + NODE_H / 2, cy = y + NODE_H / 2;
        edges.push(svg("path", { class: "edge", d: "M" + px + " " + py + " C" + (px + 60) + " " + py + " " + (x - 70) + " " + cy + " " + x + " " + cy, "data-edge": parent.branch.name + " -> " + b.name }));
        var when = b.forkTime ? clock(Date.parse(b.forkTime)) : "";
        edges.push(svg("text", { class: "fork", x: x - 8, y: cy - 6, "text-anchor": "end", text: b.forkLsn ? "LSN " + b.forkLsn : "" }));
        edges.push(svg("text", { class: "fork", x: x - 8, y: cy + 12, "text-anchor": "end", text: when ? "forked " + when : "" }));
      }
      var marks = [b.state ? b.state.toLowerCase() : ""];
      if (b.isDefault) marks.push("★ default");
      if (b.isProtected) marks.push("protected");
      if (b.expireTime) marks.push("expires " + new Date(b.expireTime).toLocaleString([], { hour12: false, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }));
      var dots = b.endpoints.map(function (name, i) {
        var e = endpointsByName[name];
        return svg("circle", { cx: x + NODE_W - 12 - i * 14, cy: y + 14, r: 5, class: e ? e.state : "" }, [svg("title", { text: shortName(name) + (e ? ": " + e.state : "") })]);
      });
      var classes = ["node", b.isDefault && "default", b.isProtected && "protected", b.expireTime && "expiring", selected === b.name && "selected"].filter(Boolean).join(" ");
      boxes.push(svg("g", { class: classes, "data-branch": b.name, tabindex: 0, role: "button", onclick: function () { selected = selected === b.name ? null : b.name; render(last); } }, [
        svg("title", { text: b.name }),
        svg("rect", { x: x, y: y, width: NODE_W, height: NODE_H, rx: 8 }),
        svg("text", { class: "id", x: x + 10, y: y + 18, text: b.branchId }),
        svg("text", { class: "marks", x: x + 10, y: y + 35, text: marks.filter(Boolean).join(" · ") }),
      ].concat(dots)));
    });
    return svg("svg", { class: "tree", width: width, height: height, viewBox: "0 0 " + width + " " + height, "data-project": project.name, role: "img", "aria-label": "branch tree of " + project.name }, edges.concat(boxes));
  }

  function renderProjects(snapshot) {
    var endpointsByName = {};
    snapshot.endpoints.forEach(function (e) { endpointsByName[e.name] = e; });
    var blocks = [];
    snapshot.projects.forEach(function (p) {
      blocks.push(el("h3", {}, [p.displayName || p.name, " ", el("span", { class: "muted", text: p.name + " · PostgreSQL " + p.pgVersion + " · " + p.branches.length + " branch" + (p.branches.length === 1 ? "" : "es") })]));
      blocks.push(tree(p, endpointsByName));
    });
    if (!blocks.length) blocks.push(el("p", { class: "muted", text: "No project yet: create one with the SDK or the API." }));
    fill($("projects"), blocks);
    var branch = null;
    snapshot.projects.forEach(function (p) { p.branches.forEach(function (b) { if (b.name === selected) branch = b; }); });
    if (!branch) { selected = null; fill($("branch-detail"), []); return; }
    var own = snapshot.endpoints.filter(function (e) { return e.branch === branch.name; });
    fill($("branch-detail"), [
      el("h3", { text: "Branch " + branch.name }),
      el("p", { class: "muted", text: own.length ? "Endpoints: " + own.map(function (e) { return e.endpointId + " (" + e.state + (e.host ? ", " + e.host : "") + ")"; }).join(", ") : "No endpoint." }),
      el("pre", { id: "branch-json", text: JSON.stringify(branch.resource, null, 2) }),
    ]);
  }

  var knobMessageTimer = null;
  function knob(body) {
    clearTimeout(knobMessageTimer);
    knobMessageTimer = setTimeout(function () { $("knob-result").textContent = ""; }, 5000);
    $("knob-result").textContent = "…";
    return fetch("/emulator/ui/faults", { method: "POST", headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store" })
      .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, json: json }; }); })
      .then(function (r) { $("knob-result").textContent = clock(Date.now()) + " · " + (r.ok ? r.json.done : "refused: " + (r.json.message || r.json.error_code)); })
      .catch(function (e) { $("knob-result").textContent = "failed: " + e.message; });
  }

  function renderEndpoints(snapshot) {
    var rows = snapshot.endpoints.map(function (e) {
      return el("tr", { "data-endpoint": e.name }, [
        el("td", { class: "mono", text: shortName(e.name) }),
        el("td", { text: e.type === "ENDPOINT_TYPE_READ_WRITE" ? "read-write" : e.type === "ENDPOINT_TYPE_READ_ONLY" ? "read-only" : e.type || "" }),
        el("td", {}, [el("span", { class: "badge state " + e.state, text: e.state })]),
        el("td", { text: e.pendingState || "" }),
        el("td", { text: e.minCu === e.maxCu ? e.minCu + " CU" : e.minCu + "–" + e.maxCu + " CU" }),
        el("td", { class: "connections", text: e.openConnections === undefined ? "" : String(e.openConnections) }),
        el("td", { "data-deadline": e.suspendsAt || null, text: e.suspendsAt ? "" : e.suspendTimeout ? "—" : "never" }),
        el("td", { class: "mono", text: e.host || "" }),
        el("td", {}, [
          el("button", { type: "button", class: "suspend", text: "Suspend", onclick: function () { knob({ action: "suspend-endpoint", endpoint: e.name }); } }),
          " ",
          el("button", { type: "button", class: "drop", text: "Drop connections", onclick: function () { knob({ action: "drop-connections", endpoint: e.name }); } }),
        ]),
      ]);
    });
    fill($("endpoints"), rows.length ? table(["endpoint", "type", "state", "pending", "compute", "connections", "scale to zero in", "host", ""], rows) : [el("caption", { class: "muted", text: "No endpoint yet." })]);
  }

  function renderFaults(f) {
    var parts = [];
    if (f.latencyMs) parts.push("latency " + f.latencyMs + " ms");
    if (f.next429) parts.push("next " + f.next429 + " calls answer 429");
    if (f.next503) parts.push("next " + f.next503 + " calls answer 503");
    if (f.failNextOperations) parts.push(f.failNextOperations === 1 ? "the next operation fails" : "next " + f.failNextOperations + " operations fail");
    if (f.rate429 || f.rate503) parts.push("rates 429 " + f.rate429 + " / 503 " + f.rate503);
    if (f.operationFailureRate) parts.push("operation failure rate " + f.operationFailureRate);
    if (f.failOperationKinds.length) parts.push("always failing: " + f.failOperationKinds.join(", "));
    $("fault-status").textContent = parts.length ? "Active: " + parts.join("; ") : "No fault active.";
  }

  function renderOperations(ops) {
    var shown = ops.slice(-30);
    if (!shown.length) return fill($("operations"), [el("p", { class: "muted", text: "No operation yet." })]);
    var now = Date.now();
    var start = Math.min.apply(null, shown.map(function (o) { return o.submittedAt; }));
    var span = Math.max(now - start, 1000);
    var rows = shown.slice().reverse().map(function (o) {
      var end = o.finishedAt || now;
      var bar = el("div", { class: "bar " + o.state, title: ((end - o.submittedAt) / 1000).toFixed(2) + " s" });
      bar.style.left = (100 * (o.submittedAt - start) / span).toFixed(2) + "%";
      bar.style.width = (100 * (end - o.submittedAt) / span).toFixed(2) + "%";
      return el("div", { class: "op", "data-operation": o.name, "data-state": o.state }, [
        el("span", {}, [el("span", { class: "badge " + o.state, text: o.state })]),
        el("span", { text: o.method }),
        el("span", { class: "mono", text: shortName(o.target) }),
        el("span", { class: "muted", text: clock(o.submittedAt) + (o.finishedAt ? " → " + clock(o.finishedAt) : " → …") }),
        el("div", { class: "track" }, [bar]),
        o.error ? el("span", { class: "err", text: o.error.code + ": " + o.error.message }) : null,
      ]);
    });
    fill($("operations"), [el("div", { class: "timeline" }, rows)]);
  }

  function renderCredentials(credentials) {
    var rows = credentials.slice().reverse().map(function (c) {
      return el("tr", {}, [
        el("td", { text: c.subject }),
        el("td", { class: "muted", text: c.subjectKind }),
        el("td", { class: "mono", text: shortName(c.endpoint) }),
        el("td", { text: clock(c.expiresAt) }),
        el("td", { "data-deadline": c.expiresAt }),
      ]);
    });
    fill($("credentials"), rows.length ? table(["subject", "kind", "endpoint", "expires", "in"], rows) : [el("caption", { class: "muted", text: "No database credential issued yet." })]);
  }

  function renderRequests(requests) {
    var rows = requests.slice(0, 25).map(function (r) {
      return el("tr", { "data-status": r.status, "data-path": r.path }, [
        el("td", { class: "muted", text: clock(r.at) }),
        el("td", { text: r.method }),
        el("td", { class: "path", text: r.path }),
        el("td", {}, [el("span", { class: "badge s" + String(r.status).charAt(0), text: String(r.status) })]),
        el("td", { text: r.durationMs + " ms" }),
      ]);
    });
    fill($("requests"), rows.length ? table(["at", "method", "path", "status", "time"], rows) : [el("caption", { class: "muted", text: "No API request yet." })]);
  }

  /** Countdowns (scale to zero, credential expiry) move every second without a new snapshot. */
  function tick() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-deadline]"), function (cell) {
      cell.textContent = countdown(Number(cell.getAttribute("data-deadline")));
    });
  }

  // -- wiring --
  $("login").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    $("token").value = "";
    if (value) sessionStorage.setItem(KEY, value);
    connect();
  });
  $("forget").addEventListener("click", function () { sessionStorage.removeItem(KEY); showLogin("Token forgotten."); });
  $("knob-latency").addEventListener("submit", function (event) {
    event.preventDefault();
    knob({ action: "set-latency", ms: Number(event.target.elements.ms.value) });
  });
  $("knob-fail-requests").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target.elements;
    knob({ action: "fail-next-requests", status: Number(form.status.value), count: Number(form.count.value) });
  });
  $("knob-fail-operation").addEventListener("click", function () { knob({ action: "fail-next-operation" }); });
  $("knob-reset").addEventListener("click", function () { knob({ action: "reset-faults" }); });
  setInterval(tick, 1000);
  takeFragmentToken();
  connect();
})();
`;
