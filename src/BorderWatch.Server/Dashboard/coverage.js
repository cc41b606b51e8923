// The coverage panel: sectors no patrol was in or near over the last hour, the busiest first; read every 30 s.
"use strict";

const coverageGaps = (api, section, scenario, zoomTo) => {
  const body = section.querySelector("tbody");
  const summary = section.querySelector("[data-field=summary]");
  const cell = (text, title = "") => Object.assign(document.createElement("td"), { textContent: text, title });

  async function refresh() {
    const response = await api(`api/coverage/gaps?scenario=${encodeURIComponent(scenario())}`);
    if (!response.ok) return;
    const gaps = await response.json();
    summary.textContent = `${gaps.sectors.length} sectors without a patrol within ${gaps.gapRangeKm} km in the last hour`;
    // The busiest few matter on a shift; the rest are counted above.
    body.replaceChildren(...gaps.sectors.slice(0, 10).map(g => {
      const row = document.createElement("tr");
      row.dataset.sector = g.sector;
      row.title = "Show this sector on the map";
      row.append(Object.assign(document.createElement("th"), { textContent: g.name }),
        cell(g.last24h.detections.toLocaleString("en-GB"), `${g.last24h.persons.toLocaleString("en-GB")} persons`),
        cell(g.nearestKm == null ? "none" : `${Math.round(g.nearestKm)} km`));
      row.addEventListener("click", () => zoomTo(g.sector));
      return row;
    }));
  }
  const again = () => refresh().catch(() => {});
  again();
  setInterval(again, 30000);
  return again;
};
