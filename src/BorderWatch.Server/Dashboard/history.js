// A route's or sector's history as a chart (uPlot): persons and detections per hour or day, for routes the
// detector's expected value and alerting level for the same bucket, and alert windows as bands. Ranges count back
// from the scenario clock, not the wall clock: a replay of 2023 charts 2023. What is drawn can be downloaded as CSV.
"use strict";

const borderHistory = (() => {
  const hour = 3600e3, day = 24 * hour;
  const ranges = {
    "48h": { bucket: "hour", span: 48 * hour },
    "30d": { bucket: "hour", span: 30 * day },
    "1y": { bucket: "day", span: 365 * day },
    all: { bucket: "day", span: null }, // from the scenario's first event
  };
  // Okabe-Ito: told apart with any of the common colour-vision deficiencies.
  const colours = { persons: "#0072B2", detections: "#E69F00", expected: "#009E73", upper: "#D55E00", window: "rgba(204,121,167,.28)", focus: "rgba(204,121,167,.55)" };
  let env, panel, plot, shown = null, loading = 0;

  /** options: api(path), scenario(), clock() (ms, or null), name(kind, id). */
  function start(options) {
    env = options;
    panel = document.querySelector("#history");
    panel.querySelectorAll("[data-range]").forEach(b => b.addEventListener("click", () => range(b.dataset.range)));
    panel.querySelector("[data-action=csv]").addEventListener("click", download);
    panel.querySelector("[data-action=close]").addEventListener("click", close);
    new ResizeObserver(() => plot && plot.setSize(size())).observe(panel);
  }

  const open = (kind, id, range = "48h") => show({ kind, id, range, focus: null });

  /** An alert's evidence: its target's chart around its window, in the alert's own bucket. */
  function openAlert(alert) {
    const bucket = alert.bucket === "day" ? "day" : "hour";
    const step = bucket === "day" ? day : hour;
    const [start, end] = [Date.parse(alert.start), Date.parse(alert.end ?? alert.start) + step];
    const pad = Math.max(12 * step, end - start);
    const kind = alert.target === "sector" ? "sector" : "route";
    const id = alert.target === "sector" ? alert.targetId : alert.route ?? alert.targetId;
    return show({ kind, id, range: null, focus: { id: alert.id, bucket, from: floor(start - pad, step), to: floor(end + pad, step) + step } });
  }

  function close() {
    panel.hidden = true;
    shown = null;
    plot?.destroy();
    plot = null;
  }

  const floor = (ms, step) => Math.floor(ms / step) * step;
  const iso = ms => new Date(ms).toISOString();

  /** The window to ask for: whole buckets up to the one holding the scenario clock. */
  async function windowOf(view) {
    if (view.focus) return view.focus;
    const { bucket, span } = ranges[view.range];
    const step = bucket === "day" ? day : hour;
    const to = floor(env.clock() ?? Date.now(), step) + step;
    if (span) return { bucket, from: to - span, to };
    const summary = await (await env.api(`api/scenarios/${encodeURIComponent(env.scenario())}`)).json();
    const first = summary.firstEvent ? Date.parse(summary.firstEvent) : to - step;
    return { bucket, from: Math.min(floor(first, step), to - step), to };
  }

  async function show(view) {
    const ticket = ++loading; // a later choice wins over a slower earlier answer
    panel.hidden = false;
    panel.dataset.state = "loading";
    const { bucket, from, to } = await windowOf(view);
    const query = `scenario=${encodeURIComponent(env.scenario())}&bucket=${bucket}&from=${iso(from)}&to=${iso(to)}`;
    const path = view.kind === "route" ? `api/routes/${encodeURIComponent(view.id)}` : `api/sectors/${encodeURIComponent(view.id)}`;
    const [series, baseline, alerts] = await Promise.all([
      env.api(`${path}/series?${query}`).then(r => r.json()),
      view.kind === "route" ? env.api(`${path}/baseline?${query}`).then(r => r.ok ? r.json() : null) : null,
      env.api(`api/alerts?scenario=${encodeURIComponent(env.scenario())}&from=${iso(from)}&to=${iso(to)}` +
        (view.kind === "route" ? `&route=${encodeURIComponent(view.id)}` : "")).then(r => r.ok ? r.json() : { alerts: [] }),
    ]);
    if (ticket !== loading) return;
    const expected = new Map((baseline?.points ?? []).map(p => [Date.parse(p.start), p]));
    const rows = series.points.map(p => {
      const at = Date.parse(p.start), b = expected.get(at);
      return { start: p.start, at, persons: p.persons, detections: p.detections, expected: b?.expected ?? null, upper: b?.upper ?? null };
    });
    const windows = alerts.alerts
      .filter(a => a.target !== "asset" && (view.kind === "route" ? a.target === "route" && a.targetId === view.id : a.targetId === view.id || a.sectors.includes(view.id)))
      .map(a => ({ id: a.id, from: Date.parse(a.start), to: Date.parse(a.end ?? a.start) + (a.bucket === "day" ? day : hour), state: a.state }));
    shown = { ...view, bucket, from, to, rows, windows, metric: baseline?.metric ?? "persons" };
    draw();
    panel.querySelector("[data-field=title]").textContent = env.name(view.kind, view.id);
    panel.querySelector("[data-field=bucket]").textContent = `per ${bucket}, ${iso(from).slice(0, 16).replace("T", " ")} to ${iso(to).slice(0, 16).replace("T", " ")} UTC`;
    panel.querySelectorAll("[data-range]").forEach(b => b.setAttribute("aria-pressed", String(b.dataset.range === view.range)));
    const total = rows.reduce((s, r) => s + r.persons, 0);
    panel.querySelector("[data-field=summary]").textContent = `${total.toLocaleString("en-GB")} persons in ${rows.length} ${bucket}s` +
      (windows.length ? `; ${windows.length} alert window${windows.length > 1 ? "s" : ""}` : "");
    panel.dataset.state = "shown";
  }

  const wall = () => document.documentElement.dataset.layout === "wall";
  const size = () => ({ width: Math.max(200, panel.clientWidth - 30), height: wall() ? 420 : 190 });

  function draw() {
    const { rows, windows, focus } = shown;
    const step = shown.bucket === "day" ? day : hour;
    const data = [rows.map(r => r.at / 1e3), rows.map(r => r.persons), rows.map(r => r.detections), rows.map(r => r.expected), rows.map(r => r.upper)];
    const grid = display.colour("chart-grid");
    // Operations read UTC on a 24-hour clock: "09-11 04:00", or the date alone for days.
    const tick = (u, splits) => splits.map(s => step === day ? iso(s * 1e3).slice(0, 10) : iso(s * 1e3).slice(5, 16).replace("T", " "));
    const font = `${wall() ? 18 : 11}px system-ui, sans-serif`; // a canvas takes no rem
    const axis = { stroke: display.colour("text"), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font, labelFont: `bold ${font}` };
    const bands = u => {
      const { ctx } = u, { top, height } = u.bbox;
      for (const w of windows) {
        const x0 = u.valToPos(w.from / 1e3, "x", true), x1 = u.valToPos(w.to / 1e3, "x", true);
        ctx.fillStyle = focus && w.id === focus.id ? colours.focus : colours.window;
        ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      }
    };
    plot?.destroy();
    plot = new uPlot({
      ...size(),
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true }, persons: { range: (u, min, max) => [0, Math.max(1, max)] }, detections: { range: (u, min, max) => [0, Math.max(1, max)] } },
      series: [
        { value: (u, v) => v == null ? "–" : iso(v * 1e3).slice(0, step === day ? 10 : 16).replace("T", " ") },
        { label: "persons", scale: "persons", stroke: colours.persons, width: 1.5, fill: "rgba(0,114,178,.12)", paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "detections", scale: "detections", stroke: colours.detections, width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) },
        // The detector's lines are in what its rule counts, on that series' axis.
        { label: `expected ${shown.metric}`, scale: shown.metric, stroke: colours.expected, width: 1.5, dash: [6, 4], show: rows.some(r => r.expected != null) },
        { label: `alert level (${shown.metric})`, scale: shown.metric, stroke: colours.upper, width: 1.5, dash: [2, 3], show: rows.some(r => r.upper != null) },
      ],
      axes: [{ ...axis, values: tick, space: wall() ? 160 : 80 }, { ...axis, scale: "persons", label: "persons", size: wall() ? 90 : 50 },
        { ...axis, scale: "detections", side: 1, label: "detections", grid: { show: false }, size: wall() ? 70 : 40 }],
      hooks: { drawClear: [bands] },
    }, data, panel.querySelector("[data-field=chart]"));
  }

  /** The rows drawn, as CSV: what an analyst takes to a spreadsheet. */
  function csv() {
    const header = `start,persons,detections,expected_${shown.metric},alert_level_${shown.metric}`;
    const cell = v => v == null ? "" : String(v);
    return [header, ...shown.rows.map(r => [r.start, r.persons, r.detections, cell(r.expected), cell(r.upper)].join(","))].join("\n") + "\n";
  }

  function download() {
    if (!shown) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv()], { type: "text/csv" }));
    link.download = `borderwatch-${env.scenario()}-${shown.kind}-${shown.id}-${shown.bucket}-${iso(shown.from).slice(0, 13)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  /** What the chart holds, for tests and for anyone checking a figure: the window, and the drawn series. */
  const current = () => shown && plot && {
    kind: shown.kind, id: shown.id, bucket: shown.bucket, metric: shown.metric, from: iso(shown.from), to: iso(shown.to), focus: shown.focus?.id ?? null,
    x: plot.data[0].map(t => iso(t * 1e3)), persons: [...plot.data[1]], detections: [...plot.data[2]],
    expected: [...plot.data[3]], upper: [...plot.data[4]], windows: shown.windows.map(w => ({ id: w.id, from: iso(w.from), to: iso(w.to) })),
  };

  /** Another range of the chart shown: "48h", "30d", "1y" or "all". */
  const range = name => shown && show({ ...shown, range: name, focus: null });

  /** Draws again in the page's current palette and size. */
  const restyle = () => shown && plot && draw();

  return { start, open, openAlert, close, range, restyle, current };
})();
