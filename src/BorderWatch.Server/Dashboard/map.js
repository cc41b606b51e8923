// The map: offline country outlines (Natural Earth via world-atlas), sector polygons, patrol assets and vessels.
"use strict";

const borderMap = (() => {
  // Colours come from the page's palette (app.css), light or dark: the canvas needs them as values.
  const palette = () => Object.fromEntries(["patrol", "vessel", "stale"].map(n => [n, display.colour(n)]));
  const trailLength = 12;
  const map = L.map("map", { zoomControl: true, preferCanvas: false }).setView([40, 15], 4);
  map.createPane("basemap").style.zIndex = 250; // under the sectors, whenever the outlines arrive
  const sectorLayers = new Map();   // id -> Leaflet layer
  const assetMarkers = new Map();   // id -> { marker, trail, points }

  // Resolves once the outlines are drawn (or the tile layer added).
  async function basemap(settings) {
    if (settings.tileUrl) {
      L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution || "" }).addTo(map);
      return;
    }
    const world = await (await fetch("lib/world-atlas/countries-50m.json")).json();
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      pane: "basemap",
      interactive: false,
      style: { className: "bw-country", color: "#8a959f", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
    }).addTo(map);
    map.attributionControl.addAttribution("Natural Earth");
  }

  // Fill by detections in the last 24 h on a log scale: one detection shows, a surge stands out.
  function fill(last24h) {
    if (!last24h) return { fillColor: "#ffffff", fillOpacity: 0.08 };
    const t = Math.min(1, Math.log10(1 + last24h) / 3);
    return { fillColor: `hsl(${Math.round(50 - 50 * t)}, 90%, ${Math.round(60 - 20 * t)}%)`, fillOpacity: 0.35 + 0.4 * t };
  }

  function drawSectors(collection, onSelect) {
    // Areas first, hotspots above them, so the smaller sector takes the click.
    const features = [...collection.features].sort((a, b) => (a.properties.kind === "area" ? 0 : 1) - (b.properties.kind === "area" ? 0 : 1));
    for (const feature of features) {
      const p = feature.properties;
      const layer = L.geoJSON(feature, {
        style: { weight: p.kind === "area" ? 1.5 : 2.5, ...fill(0) },
      }).addTo(map);
      layer.bindTooltip(textLines([p.name]), { sticky: true });
      layer.on("click", () => onSelect(p.id));
      layer.eachLayer(l => {
        const e = l.getElement();
        e.classList.add("bw-sector", `impact-${p.impactLevel}`);
        e.dataset.sector = p.id;
      });
      layer.catalogued = p.cataloguedImpactLevel || p.impactLevel;
      sectorLayers.set(p.id, layer);
    }
  }

  // Outlines follow the impact level as alerts and operators change it; sectors under a firing alert flash.
  function showAlerts(levels, flashing) {
    for (const [id, layer] of sectorLayers) {
      const level = levels[id] || layer.catalogued;
      layer.eachLayer(l => {
        const e = l.getElement();
        if (!e) return;
        e.classList.remove("impact-low", "impact-medium", "impact-high", "impact-critical");
        e.classList.add(`impact-${level}`);
        e.classList.toggle("bw-alert", flashing.has(id));
      });
    }
  }

  function shadeSector(id, counts) {
    sectorLayers.get(id)?.setStyle(fill(counts.last24h.detections));
  }

  function zoomTo(sectorId) {
    const layer = sectorLayers.get(sectorId);
    if (layer) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  }

  // Leaflet takes a string tooltip as markup; what feeders and the catalogue name goes in as text nodes.
  function textLines(lines) {
    const box = document.createElement("span");
    lines.forEach((line, i) => {
      if (i > 0) box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  // An asset's tooltip: who it is (with what a vessel says of itself over AIS), then where it goes and when it last said so.
  function describe(a) {
    const v = a.vessel || {};
    const speed = a.latest.speedKn == null ? "" : `, ${a.latest.speedKn} kn`;
    const size = v.lengthM ? `${v.lengthM}${v.beamM ? ` × ${v.beamM}` : ""} m${v.draughtM ? `, draught ${v.draughtM} m` : ""}` : "";
    const ids = [v.callSign && `call sign ${v.callSign}`, v.imo && `IMO ${v.imo}`, v.class && `class ${v.class}`].filter(Boolean).join(", ");
    const voyage = v.destination ? `to ${v.destination}${v.eta ? `, ETA ${v.eta.slice(0, 16).replace("T", " ")}` : ""}` : "";
    return [
      `${v.name ? `${v.name} · ` : ""}${a.asset} (${a.kind || "asset"})${speed}`,
      ...[ids, [v.shipTypeText, size].filter(Boolean).join(", "), voyage, v.statusText].filter(Boolean),
      a.latest.time,
      ...(a.stale ? ["silent"] : []),
    ];
  }

  // Assets are drawn on one canvas by Leaflet's own renderer (which redraws once a frame, whatever moved), as arrows
  // by course: thousands of vessels cost no DOM. Own fleet: larger, dark blue, with a trail; other traffic: smaller,
  // teal; silent: grey. The canvas lies over the sectors, so it takes no pointer events (the sectors under it stay
  // clickable); the map finds the asset under the pointer itself.
  map.createPane("assets").classList.add("bw-assets");
  map.getPane("assets").style.zIndex = 420; // over the events layer, which its canvas lets clicks through to
  const assetRenderer = L.canvas({ pane: "assets", padding: 0.2 });
  let colours = palette();
  L.Canvas.include({
    _drawArrow(layer) {
      if (!this._drawing || layer._empty()) return;
      const ctx = this._ctx, p = layer._point, r = layer.options.radius;
      ctx.save();
      ctx.translate(p.x, p.y);
      ctx.rotate(((layer.course || 0) * Math.PI) / 180);
      ctx.beginPath();
      ctx.moveTo(0, -r); ctx.lineTo(0.62 * r, r); ctx.lineTo(0, 0.4 * r); ctx.lineTo(-0.62 * r, r); ctx.closePath();
      ctx.fillStyle = layer.stale ? colours.stale : colours[layer.kind === "patrol" ? "patrol" : "vessel"];
      ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke();
      ctx.restore();
    },
  });
  const AssetArrow = L.CircleMarker.extend({ _updatePath() { this._renderer._drawArrow(this); } });

  // The asset under the pointer (the nearest within its arrow and 3 px more) gets the one hover tooltip.
  const hoverTip = L.tooltip({ direction: "top", offset: [0, -10] });
  let hovered = null;
  function assetAt(layerPoint) {
    let best = null, bestDistance = Infinity;
    for (const entry of assetMarkers.values()) {
      if (!entry.shown || !entry.marker._point) continue;
      const d = layerPoint.distanceTo(entry.marker._point);
      if (d <= entry.marker.options.radius + 3 && d < bestDistance) [best, bestDistance] = [entry, d];
    }
    return best;
  }
  map.on("mousemove", e => {
    const entry = assetAt(e.layerPoint);
    map.getContainer().classList.toggle("bw-on-asset", !!entry);
    if (entry === hovered) return;
    hovered = entry;
    if (!entry) { hoverTip.remove(); return; }
    hoverTip.setLatLng(entry.marker.getLatLng()).setContent(textLines(describe(entry.asset))).addTo(map);
  });
  map.on("mouseout", () => { hovered = null; hoverTip.remove(); });

  let assetFilter = () => true;

  function moveAsset(a) {
    const at = [a.latest.lat, a.latest.lon];
    let entry = assetMarkers.get(a.asset);
    if (!entry) {
      const own = a.kind === "patrol";
      const marker = new AssetArrow(at, { renderer: assetRenderer, radius: own ? 9 : 6, interactive: false });
      const trail = own ? L.polyline([], { renderer: assetRenderer, color: colours.patrol, weight: 1.5, opacity: 0.5, interactive: false }) : null;
      entry = { marker, trail, points: [], time: "", asset: a, shown: false };
      assetMarkers.set(a.asset, entry);
    }
    if (a.latest.time < entry.time) return; // a late report: keep the newest position
    entry.time = a.latest.time;
    entry.asset = a;
    Object.assign(entry.marker, { kind: a.kind, course: a.latest.courseDeg, stale: a.stale });
    if (entry.trail) {
      entry.points.push(at);
      if (entry.points.length > trailLength) entry.points.shift();
      entry.trail.setLatLngs(entry.points);
    }
    entry.marker.setLatLng(at);
    show(entry);
    if (followed?.id === a.asset) {
      // A playback frame sends every asset again: the track takes a point only once it moved on in time.
      if (a.latest.time > followed.time) (followed.time = a.latest.time, followed.track.addLatLng(at));
      map.panTo(at, { animate: false });
    }
  }

  function show(entry) {
    const wanted = assetFilter(entry.asset);
    if (wanted === entry.shown) return;
    entry.shown = wanted;
    for (const layer of [entry.marker, entry.trail]) if (layer) wanted ? layer.addTo(map) : layer.remove();
  }

  // Which assets to draw: a test of an asset update (kind, vessel's ship type...).
  function filterAssets(test) {
    assetFilter = test;
    for (const entry of assetMarkers.values()) show(entry);
  }

  // Silent assets are not sent again: grey them here as the scenario clock passes their last report.
  function markStale(clock, staleAfterMs) {
    for (const entry of assetMarkers.values()) {
      const stale = clock - Date.parse(entry.time) > staleAfterMs;
      if (stale === entry.marker.stale) continue;
      entry.marker.stale = stale;
      entry.marker.redraw();
    }
  }

  // The asset being followed: kept centred, its kept track drawn (and extended as it reports).
  let followed = null;
  function follow(id, points) {
    unfollow();
    const track = L.polyline(points.map(p => [p.lat, p.lon]), { className: "bw-followed-track", interactive: false }).addTo(map);
    followed = { id, track, time: points.at(-1)?.time ?? "" };
    const entry = assetMarkers.get(id);
    const at = entry ? entry.marker.getLatLng() : points.length ? [points.at(-1).lat, points.at(-1).lon] : null;
    if (at) map.setView(at, Math.max(8, map.getZoom()), { animate: false });
  }
  function unfollow() {
    followed?.track.remove();
    followed = null;
  }
  const followedTrack = () => followed && followed.track.getLatLngs().map(p => [p.lat, p.lng]);

  /** The latest update of every asset on the map (shown or filtered out). */
  const assets = () => [...assetMarkers.values()].map(e => e.asset);

  /** After a change of theme: arrows and trails are drawn on a canvas, in the palette's values (SVG follows the CSS). */
  function restyle() {
    colours = palette();
    for (const { marker, trail } of assetMarkers.values()) {
      trail?.setStyle({ color: colours.patrol });
      marker.redraw();
    }
  }

  function clearAssets() {
    for (const { marker, trail } of assetMarkers.values()) { marker.remove(); trail?.remove(); }
    assetMarkers.clear();
  }

  // Where an asset is on the screen (for tests and for following it), or null when it is not drawn.
  function assetPoint(id) {
    const entry = assetMarkers.get(id);
    if (!entry?.shown) return null;
    const p = map.latLngToContainerPoint(entry.marker.getLatLng()), box = map.getContainer().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  const assetCount = () => [...assetMarkers.values()].filter(e => e.shown).length;

  return { map, textLines, basemap, drawSectors, shadeSector, showAlerts, zoomTo, moveAsset, markStale, clearAssets, filterAssets, assetPoint, assetCount, restyle, follow, unfollow, followedTrack, assets };
})();
