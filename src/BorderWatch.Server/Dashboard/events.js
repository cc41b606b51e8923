// The events layer: recent detections, sized by persons and fading over 24 h of the scenario clock; a click shows
// the patrols nearest the detection (as the hub sent them) with lines to them. And vessel alerts where they
// happened, with the involved vessels' kept tracks.
"use strict";

const borderEvents = (() => {
  const { map, textLines } = borderMap;
  const dayMs = 24 * 3600 * 1000;
  // Above the sectors, so a detection takes the click; the assets' canvas lies above it and lets clicks through.
  map.createPane("events").style.zIndex = 410;
  const detections = new Map();   // id -> { marker, update }
  const nearestLines = L.layerGroup().addTo(map);
  const alertLayers = new Map();  // alert id@version -> layer group
  let clock = 0, api = null, scenario = () => "", sectorName = id => id;

  const radius = persons => Math.min(16, 3 + 1.4 * Math.sqrt(Math.max(0, persons)));
  const when = time => time.slice(0, 16).replace("T", " ") + " UTC";

  function start(options) {
    ({ api, scenario, sectorName } = options);
  }

  function opacity(time) {
    const age = clock - Date.parse(time);
    return age <= 0 ? 0.9 : Math.max(0, 0.9 * (1 - age / dayMs));
  }

  function add(update) {
    const d = update.detection;
    if (detections.has(d.id)) return;
    const marker = L.circleMarker([d.lat, d.lon], {
      pane: "events", radius: radius(d.persons), color: "#7f1d1d", weight: 1, fillColor: "#e4572e", fillOpacity: opacity(d.time),
      opacity: Math.min(1, opacity(d.time) + 0.1), className: "bw-detection",
    }).addTo(map);
    marker.getElement()?.setAttribute("data-detection", d.id);
    marker.bindTooltip(textLines([`${d.persons} persons${d.kind ? `, ${d.kind}` : ""}`, when(d.time)]));
    marker.on("click", () => showNearest(update));
    detections.set(d.id, { marker, update });
  }

  function reset(updates) {
    for (const { marker } of detections.values()) marker.remove();
    detections.clear();
    nearestLines.clearLayers();
    updates.forEach(add);
  }

  // The scenario clock moved: fade each detection with its age; those older than a day leave the map.
  function fade(now) {
    clock = now;
    for (const [id, { marker, update }] of detections) {
      const o = opacity(update.detection.time);
      if (o === 0) { marker.remove(); detections.delete(id); continue; }
      marker.setStyle({ fillOpacity: o, opacity: Math.min(1, o + 0.1) });
    }
  }

  function showNearest(update) {
    const d = update.detection;
    nearestLines.clearLayers();
    const lines = [`${d.persons} persons${d.kind ? ` (${d.kind})` : ""}, ${when(d.time)}, ${sectorName(d.sector)}`];
    if (update.nearest.length === 0) lines.push("No patrol reporting.");
    for (const p of update.nearest) {
      lines.push(`${p.name || p.asset}: ${p.distanceKm.toFixed(1)} km, bearing ${Math.round(p.bearingDeg)}°, ` +
        `${Math.round(p.etaMinutes)} min at ${p.atKnots} kn`);
      L.polyline([[p.lat, p.lon], [d.lat, d.lon]], { pane: "events", color: "#0d47a1", weight: 2, dashArray: "6 4", className: "bw-nearest" })
        .bindTooltip(`${p.name || p.asset}: ${p.distanceKm.toFixed(1)} km`).addTo(nearestLines);
    }
    L.popup({ className: "bw-nearest-popup" }).setLatLng([d.lat, d.lon]).setContent(textLines(lines)).openOn(map);
  }
  map.on("popupclose", () => nearestLines.clearLayers());

  // Active vessel alerts: a ring where each vessel was, and its kept track since an hour before the alert began.
  async function showAlerts(alerts) {
    const active = alerts.filter(a => a.target === "asset" && a.state !== "resolved");
    const wanted = new Set(active.map(a => `${a.id}@${a.version}`));
    for (const [key, layer] of alertLayers) if (!wanted.has(key)) { layer.remove(); alertLayers.delete(key); }
    for (const alert of active) {
      const key = `${alert.id}@${alert.version}`;
      if (alertLayers.has(key)) continue;
      const layer = L.layerGroup().addTo(map);
      alertLayers.set(key, layer);
      const colour = alert.severity === "major" ? "#b71c1c" : "#e65100";
      for (const a of alert.assets) {
        L.circleMarker([a.lat, a.lon], { pane: "events", radius: 14, color: colour, weight: 3, fill: false, className: "bw-vessel-alert" })
          .bindTooltip(textLines([`${alert.kind}: ${a.name || a.asset}`, alert.reason || "", when(a.time)])).addTo(layer);
      }
      const from = new Date(Date.parse(alert.start) - 3600 * 1000).toISOString();
      for (const a of alert.assets) {
        api(`api/assets/${encodeURIComponent(a.asset)}/track?scenario=${encodeURIComponent(scenario())}&from=${from}`)
          .then(r => r.ok ? r.json() : null)
          .then(track => {
            if (!track || alertLayers.get(key) !== layer) return;
            L.polyline(track.points.map(p => [p.lat, p.lon]), { pane: "events", color: colour, weight: 2, opacity: 0.8, className: "bw-alert-track" })
              .addTo(layer);
          }).catch(() => {});
      }
    }
  }

  const detectionCount = () => detections.size;

  // Where a detection is drawn on the screen, how large and how faded (for tests), or null.
  function detectionShown(id) {
    const entry = detections.get(id);
    if (!entry) return null;
    const at = entry.marker.getLatLng(), p = map.latLngToContainerPoint(at), box = map.getContainer().getBoundingClientRect();
    return { lat: at.lat, lon: at.lng, x: box.left + p.x, y: box.top + p.y, radius: entry.marker.getRadius(), opacity: entry.marker.options.fillOpacity };
  }

  return { start, reset, add, fade, showAlerts, detectionCount, detectionShown };
})();
