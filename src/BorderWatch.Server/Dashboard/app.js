// The operations dashboard: subscribes to a scenario on /hubs/live, applies the snapshot, then the changes.
"use strict";

(async () => {
  const state = {
    scenario: new URLSearchParams(location.search).get("scenario"),
    sectors: new Map(),      // id -> catalogue properties
    routes: new Map(),       // id -> name
    counts: new Map(),       // "sector:id" / "route:id" -> latest counts update
    clock: null,             // scenario clock (ms) and when it was read (ms)
    selected: null,
    staleAfterMs: 600000,
    impact: {},              // sector id -> impact level where it differs from the catalogue
  };

  const $ = selector => document.querySelector(selector);
  const number = n => n.toLocaleString("en-GB");

  const apiKey = BorderWatchKey.get;
  const api = async (path, options = {}) => {
    const response = await fetch(path, { ...options, headers: { ...options.headers, "X-Api-Key": apiKey() } });
    if (response.status === 401 || response.status === 403)
      signIn(apiKey() ? (await response.json()).detail : "Sign in with your API key to watch the borders.");
    return response;
  };
  function signIn(reason) {
    const dialog = $("#sign-in");
    dialog.querySelector(".reason").textContent = reason;
    dialog.querySelector("form").addEventListener("submit", () => {
      BorderWatchKey.set(dialog.querySelector("input").value);
      location.reload();
    }, { once: true });
    if (!dialog.open) dialog.showModal();
    throw new Error(`BorderWatch: ${reason}`);
  }

  const me = await (await api("api/me")).json();
  if (!me.roles.some(r => r === "viewer" || r === "operator" || r === "admin")) signIn(`The key '${me.name}' is a ${me.roles.join(", ")} key; the dashboard needs a viewer's or an operator's.`);
  const mayAct = me.roles.some(r => r === "operator" || r === "admin"); // a viewer's page offers no action
  $("#who").textContent = `${me.name} (${me.roles.join(", ")})`;

  // Catalogue and settings: geometry does not depend on the scenario. A key scoped to some scenarios opens on its first.
  const settings = await (await api("api/dashboard")).json();
  state.staleAfterMs = settings.staleAfterSeconds * 1000;
  state.scenario ??= settings.defaultScenario;
  if (me.scenarios.length > 0 && !me.scenarios.includes(state.scenario)) state.scenario = me.scenarios[0];
  if (settings.orleansView && me.roles.includes("admin")) {
    // Its page cannot send our key header: the key buys a cookie that only /orleans requests carry.
    const link = $("#orleans");
    link.hidden = false;
    link.addEventListener("click", async e => {
      e.preventDefault();
      const view = window.open("", "_blank");
      if ((await api("api/orleans/session", { method: "POST" })).ok) view.location = link.href;
      else view.close();
    });
  }
  aisSources(api, $("#sources"));
  borderEvents.start({ api, scenario: () => state.scenario, sectorName: id => state.sectors.get(id)?.name || id });
  const refreshGaps = coverageGaps(api, $("#coverage"), () => state.scenario, id => borderMap.zoomTo(id));
  const showCount = () => { $("#asset-filter [data-field=shown]").textContent = `${number(borderMap.assetCount())} shown`; };
  borderMap.filterAssets(assetFilter($("#asset-filter"), test => { borderMap.filterAssets(test); showCount(); })());
  setInterval(() => { showCount(); borderSearch.refresh(); }, 2000);
  borderHistory.start({
    api, scenario: () => state.scenario,
    clock: scenarioNow,
    name: (kind, id) => kind === "route" ? state.routes.get(id) || id : state.sectors.get(id)?.name || id,
  });
  display.onChange(() => { borderMap.restyle(); borderHistory.restyle(); });
  alertActions.start({ api, scenario: () => state.scenario, clock: scenarioNow, name: alertTitle });
  borderSearch.start({
    api, scenario: () => state.scenario, sectors: state.sectors, routes: state.routes,
    openSector: id => { borderMap.zoomTo(id); select(id); },
    openRoute: id => { borderMap.zoomTo(`${id}-area`); borderHistory.open("route", id); },
  });
  display.start({
    p: borderPlayback.toggle, ".": borderPlayback.step, l: borderPlayback.live,
    "/": () => $("#search-input").focus(),
    s: () => $("#scenario").focus(),
    a: () => $("#alerts li")?.click(),
    Escape: borderHistory.close,
    1: () => borderHistory.range("48h"), 2: () => borderHistory.range("30d"), 3: () => borderHistory.range("1y"), 4: () => borderHistory.range("all"),
  });
  const catalogue = await (await api("api/catalogue")).json();
  for (const f of catalogue.features) state.sectors.set(f.properties.id, f.properties);
  for (const r of catalogue.routes) state.routes.set(r.id, r.name);
  buildRouteTable();
  borderMap.drawSectors(catalogue, select);
  const basemapDrawn = borderMap.basemap(settings); // the outlines load beside the live connection

  // The server sends a connection its snapshot and then changes in order: the last message is the current value.
  function applyCounts(kind, update) {
    state.counts.set(`${kind}:${update.id}`, update);
    if (kind === "sector") {
      borderMap.shadeSector(update.id, update.counts);
      if (state.selected === update.id) showSector();
    } else {
      showRoute(update);
    }
  }

  // The scenario clock runs on between messages: at the wall clock's rate live, at the playback's speed (0 paused).
  function setClock(clock, rate = 1) {
    state.clock = { at: Date.parse(clock), readAt: Date.now(), rate };
    tick();
  }
  function scenarioNow() {
    return state.clock && state.clock.at + (Date.now() - state.clock.readAt) * state.clock.rate;
  }

  function buildRouteTable() {
    const body = $("#routes tbody");
    for (const [id, name] of state.routes) {
      const row = document.createElement("tr");
      row.dataset.route = id;
      row.innerHTML = `<th></th><td data-field="lastHour">0</td><td data-field="last24h">0</td>
        <td><svg data-field="spark" role="img" aria-label="persons per hour, last 24 h"></svg></td>`;
      row.querySelector("th").textContent = name;
      row.title = "Show this route on the map, and its chart";
      row.addEventListener("click", () => { borderMap.zoomTo(`${id}-area`); borderHistory.open("route", id); });
      body.appendChild(row);
    }
  }

  function showRoute(update) {
    const row = document.querySelector(`#routes tr[data-route="${update.id}"]`);
    if (!row) return;
    row.querySelector('[data-field="lastHour"]').textContent = number(update.counts.lastHour.persons);
    row.querySelector('[data-field="last24h"]').textContent = number(update.counts.last24h.persons);
    charts.sparkline(row.querySelector("svg"), update.hourly.map(p => p.persons));
  }

  function select(id) {
    state.selected = id;
    showSector();
    borderHistory.open("sector", id);
  }

  function showSector() {
    const panel = $("#sector");
    const info = state.sectors.get(state.selected);
    if (!info) return;
    panel.hidden = false;
    panel.dataset.sector = info.id;
    const field = name => panel.querySelector(`[data-field="${name}"]`);
    field("name").textContent = info.name;
    field("route").textContent = state.routes.get(info.route) || info.route;
    const level = state.impact[info.id] || info.cataloguedImpactLevel || info.impactLevel;
    field("impact").textContent = level;
    field("impact").className = `impact ${level}`;
    field("kind").textContent = `${info.kind}, ${info.domain}`;
    const update = state.counts.get(`sector:${info.id}`);
    if (!update) return;
    for (const window of ["lastHour", "last24h", "last7d", "allTime"]) {
      field(`${window}-detections`).textContent = number(update.counts[window].detections);
      field(`${window}-persons`).textContent = number(update.counts[window].persons);
    }
  }

  // The alert board: active alerts first, then those resolved in the last 24 h; sectors under a firing alert flash.
  function showAlerts(update) {
    state.impact = update.impactLevels;
    const list = $("#alerts ol");
    const order = { firing: 0, acknowledged: 1, resolved: 2 };
    const alerts = [...update.alerts].sort((a, b) => order[a.state] - order[b.state] || b.start.localeCompare(a.start));
    list.replaceChildren(...alerts.map(alertItem));
    $("#alerts .empty").hidden = alerts.length > 0;
    const active = alerts.filter(a => a.state !== "resolved");
    $("#alert-count").textContent = active.length ? `${active.length} active` : "";
    const flashing = new Set(alerts.filter(a => a.state === "firing" && !a.silencedBy)
      .flatMap(a => a.target === "sector" ? [a.targetId] : a.sectors.length ? a.sectors : [`${a.targetId}-area`]));
    borderMap.showAlerts(state.impact, flashing);
    borderEvents.showAlerts(alerts);
    if (state.selected) showSector();
  }

  function alertItem(alert) {
    const item = document.createElement("li");
    item.dataset.alert = alert.id;
    item.className = `alert ${alert.state} ${alert.severity}`;
    const asset = alert.target === "asset" ? alert.assets[0] : null;
    const since = alert.start.slice(0, 16).replace("T", " ");
    item.innerHTML = `<b></b> <span class="state"></span><br><span class="why"></span><br><small></small>`;
    item.querySelector("b").textContent = alertTitle(alert);
    item.querySelector(".state").textContent = alert.silencedBy ? `${alert.state}, silenced` : alert.state;
    item.querySelector(".why").textContent = alert.reason ?? evidence(alert);
    item.querySelector("small").textContent = `since ${since} UTC` + (alert.acknowledgement ? ` · acknowledged by ${alert.acknowledgement.by}` : "")
      + (alert.sectors.length ? ` · ${alert.sectors.join(", ")}` : "");
    const action = (label, run) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.action = label.toLowerCase();
      button.addEventListener("click", () => run(alert));
      item.appendChild(button);
    };
    if (mayAct && alert.state === "firing") action("Acknowledge", alertActions.acknowledge);
    if (mayAct && alert.state !== "resolved" && !alert.silencedBy && alert.target !== "asset") action("Silence", alertActions.silence);
    const zoomTo = asset ? () => borderMap.map.setView([asset.lat, asset.lon], Math.max(9, borderMap.map.getZoom()))
      : () => borderMap.zoomTo(alert.target === "sector" ? alert.targetId : `${alert.targetId}-area`);
    // Counts alerts open their evidence: the target's chart at the alert's window.
    item.addEventListener("click", e => {
      if (e.target.tagName === "BUTTON") return;
      zoomTo();
      if (alert.target !== "asset") borderHistory.openAlert(alert);
    });
    return item;
  }

  /** "Central Mediterranean: spike": where, and what. */
  function alertTitle(alert) {
    const asset = alert.target === "asset" ? alert.assets[0] : null;
    const where = asset ? asset.name || asset.asset : alert.target === "route" ? state.routes.get(alert.targetId) : state.sectors.get(alert.targetId)?.name;
    return `${where || alert.targetId}: ${alert.kind}`;
  }
  /** Why it fired, in the words of the detector that spoke. */
  function evidence(alert) {
    // Small baselines keep a decimal: "0.3 expected" says more than "0 expected".
    const expected = alert.expected < 10 ? alert.expected.toFixed(1) : number(Math.round(alert.expected));
    const seen = `${number(alert.observed)} ${alert.metric} in the peak ${alert.bucket} vs ${expected} expected`;
    const score = `score ${alert.score.toFixed(1)} ≥ ${alert.threshold}`;
    if (alert.detector === "rise" && alert.changePoint) return `${seen}; rising since ${alert.changePoint.slice(0, 10)} (${score})`;
    if (alert.detector === "count" && alert.probability != null) return `${seen}; detections this many: p = ${alert.probability.toExponential(1)} (${score})`;
    return `${seen} (${score})`;
  }


  // The live connection: automatic reconnect; every (re)connection subscribes again and gets a fresh snapshot.
  const connection = new signalR.HubConnectionBuilder()
    .withUrl("hubs/live", { accessTokenFactory: apiKey })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => Math.min(10000, 500 * 2 ** c.previousRetryCount) })
    .build();
  borderPlayback.start({ connection, api, scenario: () => state.scenario, clock: scenarioNow, live: () => subscribe() });

  // A snapshot (live) and a playback picture are the whole picture at their clock.
  function applyPicture(picture, rate) {
    setClock(picture.clock, rate);
    state.counts.clear();
    borderMap.clearAssets();
    picture.sectors.forEach(s => applyCounts("sector", s));
    picture.routes.forEach(r => applyCounts("route", r));
    picture.assets.forEach(borderMap.moveAsset);
    showAlerts(picture.alerts);
    borderEvents.reset(picture.detections);
  }
  connection.on("picture", picture => {
    if (!borderPlayback.playing()) return; // a frame sent before the page went back to live
    applyPicture(picture, borderPlayback.rate());
    borderPlayback.shown(picture.clock);
  });
  connection.on("snapshot", snapshot => {
    applyPicture(snapshot, 1);
    refreshGaps();
    document.body.dataset.scenario = snapshot.scenario;
    basemapDrawn.then(() => {
      document.body.dataset.ready = "true";
      if (!performance.getEntriesByName("first-picture").length) performance.mark("first-picture"); // for timing a cold load
    });
  });
  connection.on("changed", c => {
    setClock(c.clock);
    if (c.alerts) showAlerts(c.alerts);
    c.sectors.forEach(s => applyCounts("sector", s));
    c.routes.forEach(r => applyCounts("route", r));
    c.assets.forEach(borderMap.moveAsset);
    c.detections.forEach(borderEvents.add);
  });

  const showConnection = (text, why = "") => {
    const badge = $("#connection");
    badge.textContent = why || text;
    badge.className = `state-${text}`;
  };
  connection.onreconnecting(() => showConnection("reconnecting"));
  connection.onreconnected(() => { borderPlayback.reset(); subscribe(); }); // a playback does not survive the connection
  connection.onclose(() => { showConnection("disconnected"); setTimeout(start, 5000); });

  async function subscribe() {
    document.body.dataset.ready = "false";
    try {
      await connection.invoke("subscribe", { scenario: state.scenario });
      showConnection("connected");
    } catch (e) {
      if (connection.state !== signalR.HubConnectionState.Connected) throw e; // the connection went: start() tries again
      // Refused (no such scenario, or not this key's): say why and wait for another choice, instead of retrying.
      showConnection("refused", e.message.replace(/^.*HubException: /, ""));
    }
  }

  async function start() {
    try {
      showConnection("connecting");
      await connection.start();
      await subscribe();
    } catch (e) {
      console.warn("BorderWatch: cannot connect, retrying", e);
      showConnection("disconnected");
      setTimeout(start, 5000);
    }
  }

  $("#scenario").value = state.scenario;
  // Offer the scenarios that exist (live, the demo, replays) as suggestions, when the operator goes to choose one:
  // listing them counts every scenario's records, not something to do on every page load.
  $("#scenario").addEventListener("focus", () => {
    api("api/scenarios").then(r => r.json()).then(list => {
      const names = new Set([...(me.scenarios.length > 0 ? [] : ["live"]), ...list.map(s => s.name)]);
      $("#scenarios").replaceChildren(...[...names].map(name => Object.assign(document.createElement("option"), { value: name })));
    }).catch(() => {});
  }, { once: true });
  $("#scenario-form").addEventListener("submit", async event => {
    event.preventDefault();
    state.scenario = $("#scenario").value;
    history.replaceState(null, "", `?scenario=${encodeURIComponent(state.scenario)}`);
    borderSearch.unfollow();
    borderHistory.close();
    borderPlayback.reset();
    if (connection.state === signalR.HubConnectionState.Connected) await subscribe();
  });

  // The clock runs on between messages; silent assets turn grey as it passes them.
  function tick() {
    if (!state.clock) return;
    const now = scenarioNow();
    $("#clock").textContent = new Date(now).toISOString().slice(0, 19).replace("T", " ") + " UTC";
    borderMap.markStale(now, state.staleAfterMs);
    borderEvents.fade(now);
  }
  setInterval(tick, 1000);

  await start();
})();
