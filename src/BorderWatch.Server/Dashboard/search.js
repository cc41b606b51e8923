// Finding things: one search over sectors, routes and assets (id, name, MMSI, call sign, IMO); following an asset
// (kept centred, its kept track drawn, its sector entries and exits listed); and the asset list, sorted by last
// report, kind or sector.
"use strict";

const borderSearch = (() => {
  const listed = 50; // rows of the asset list: the first of the order chosen
  let env, input, results, panel, list, followed = null, order = { key: "time", descending: true };

  /** options: api(path), scenario(), sectors (Map id -> properties), routes (Map id -> name), openSector(id), openRoute(id). */
  function start(options) {
    env = options;
    input = document.querySelector("#search-input");
    results = document.querySelector("#search-results");
    panel = document.querySelector("#asset");
    list = document.querySelector("#asset-list");
    input.addEventListener("input", () => offer(find(input.value)));
    input.addEventListener("keydown", e => {
      if (e.key === "Escape") offer([]);
      if (e.key === "ArrowDown") results.querySelector("button")?.focus();
    });
    document.querySelector("#search").addEventListener("submit", e => {
      e.preventDefault();
      const first = find(input.value)[0];
      if (first) pick(first);
    });
    panel.querySelector("[data-action=unfollow]").addEventListener("click", unfollow);
    list.querySelectorAll("[data-sort]").forEach(b => b.addEventListener("click", () => {
      const key = b.dataset.sort;
      order = { key, descending: order.key === key ? !order.descending : key === "time" };
      refresh();
    }));
  }

  const text = v => v == null ? "" : String(v).toLowerCase();
  const assetLabel = a => a.vessel?.name ? `${a.vessel.name} (${a.asset})` : a.asset;

  /** Sectors and routes by id or name, assets by id (an AIS vessel's is its MMSI), name, call sign or IMO. */
  function find(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const found = [];
    for (const [id, s] of env.sectors) if (id.includes(q) || text(s.name).includes(q)) found.push({ kind: "sector", id, label: s.name });
    for (const [id, name] of env.routes) if (id.includes(q) || text(name).includes(q)) found.push({ kind: "route", id, label: name });
    for (const a of borderMap.assets()) {
      const v = a.vessel ?? {};
      if ([a.asset, v.name, v.callSign, v.imo].some(f => text(f).includes(q))) found.push({ kind: a.kind || "asset", id: a.asset, label: assetLabel(a), asset: true });
    }
    // Exact ids first, then names that start with the query.
    const rank = r => (r.id.toLowerCase() === q ? 0 : 2) + (text(r.label).startsWith(q) ? 0 : 1);
    return found.sort((a, b) => rank(a) - rank(b)).slice(0, 12);
  }

  function offer(found) {
    results.replaceChildren(...found.map(r => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${r.label} · ${r.kind}`;
      button.dataset.result = r.id;
      button.addEventListener("click", () => pick(r));
      item.appendChild(button);
      return item;
    }));
    results.hidden = found.length === 0;
    input.setAttribute("aria-expanded", String(found.length > 0));
  }

  function pick(result) {
    offer([]);
    if (result.asset) follow(result.id);
    else if (result.kind === "sector") env.openSector(result.id);
    else env.openRoute(result.id);
  }

  /** Follows an asset: its kept track and transitions from the API, then every report it makes. */
  async function follow(id) {
    const response = await env.api(`api/assets/${encodeURIComponent(id)}/track?scenario=${encodeURIComponent(env.scenario())}`);
    if (!response.ok) return;
    const track = await response.json();
    followed = { id, sector: track.sector, transitions: track.transitions };
    borderMap.follow(id, track.points);
    panel.hidden = false;
    panel.dataset.asset = id;
    showFollowed();
  }

  function unfollow() {
    followed = null;
    borderMap.unfollow();
    panel.hidden = true;
  }

  const sectorName = id => id ? env.sectors.get(id)?.name ?? id : "open sea";
  const when = iso => iso.slice(0, 16).replace("T", " ");

  function showFollowed() {
    const a = borderMap.assets().find(x => x.asset === followed.id);
    const field = name => panel.querySelector(`[data-field="${name}"]`);
    field("name").textContent = a ? assetLabel(a) : followed.id;
    field("facts").textContent = a
      ? `${a.kind || "asset"} · ${sectorName(a.sector)} · last report ${when(a.latest.time)} UTC · ${a.latest.speedKn ?? "?"} kn, ${a.latest.courseDeg ?? "?"}°`
      : "not on the map";
    field("transitions").replaceChildren(...[...followed.transitions].reverse().map(t => {
      const item = document.createElement("li");
      item.textContent = `${when(t.time)} ${t.from ? `left ${sectorName(t.from)}` : ""}${t.from && t.to ? ", " : ""}${t.to ? `entered ${sectorName(t.to)}` : ""}`;
      return item;
    }));
  }

  /** Called every few seconds: the followed asset's panel (its transitions read again once its sector changed) and the list. */
  async function refresh() {
    if (followed) {
      const a = borderMap.assets().find(x => x.asset === followed.id);
      if (a && a.sector !== followed.sector) {
        followed.sector = a.sector;
        const track = await (await env.api(`api/assets/${encodeURIComponent(followed.id)}/track?scenario=${encodeURIComponent(env.scenario())}`)).json();
        if (followed) followed.transitions = track.transitions;
      }
      if (followed) showFollowed();
    }
    const value = { time: a => a.latest.time, kind: a => a.kind || "", sector: a => sectorName(a.sector), asset: a => assetLabel(a).toLowerCase() }[order.key];
    const all = borderMap.assets();
    const sorted = all.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * (order.descending ? -1 : 1)).slice(0, listed);
    list.querySelectorAll("th").forEach(th => th.setAttribute("aria-sort", th.querySelector("button").dataset.sort === order.key ? (order.descending ? "descending" : "ascending") : "none"));
    list.querySelector("[data-field=count]").textContent = all.length > listed ? `first ${listed} of ${all.length.toLocaleString("en-GB")}` : `${all.length}`;
    list.querySelector("tbody").replaceChildren(...sorted.map(a => {
      const row = document.createElement("tr");
      row.dataset.asset = a.asset;
      for (const cell of [assetLabel(a), a.kind || "", sectorName(a.sector), `${when(a.latest.time)}`]) {
        const td = document.createElement("td");
        td.textContent = cell;
        row.appendChild(td);
      }
      row.addEventListener("click", () => follow(a.asset));
      return row;
    }));
  }

  return { start, unfollow, refresh, followed: () => followed?.id ?? null };
})();
