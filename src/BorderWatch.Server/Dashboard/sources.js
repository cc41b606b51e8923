// The AIS feeds the server reads (BorderWatch:Ais:Sources): shown only when there are some, read every 5 s.
"use strict";

const aisSources = (api, section) => {
  const body = section.querySelector("tbody");
  const ago = time => {
    if (!time) return "never";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
    return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
  };
  const cell = (text, title) => Object.assign(document.createElement("td"), { textContent: text, title: title || "" });

  async function refresh() {
    const response = await api("api/ais/sources");
    if (!response.ok) return;
    const sources = await response.json();
    section.hidden = sources.length === 0;
    body.replaceChildren(...sources.map(s => {
      const row = document.createElement("tr");
      row.className = s.connected ? "up" : "down";
      const errors = Object.entries(s.errors);
      const name = Object.assign(document.createElement("th"), { textContent: s.name, title: `${s.kind} ${s.endpoint} → ${s.scenario}` });
      row.append(name,
        cell(s.connected ? (s.kind === "udp" ? "listening" : "connected") : "down", s.lastError || ""),
        cell(s.sentencesPerSecond.toLocaleString("en-GB")),
        cell(errors.reduce((n, [, c]) => n + c, 0).toLocaleString("en-GB"), errors.map(([k, c]) => `${k}: ${c}`).join("\n")),
        cell(ago(s.lastMessage)));
      return row;
    }));
  }
  refresh().catch(() => {});
  setInterval(() => refresh().catch(() => {}), 5000);
};
