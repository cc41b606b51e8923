// The timeline under the map: play the scenario's past from any moment at 1x to 3600x, pause, step, and return to
// live. The server plays it to this page alone (hub method "play"), a picture a frame; another page on the same
// scenario stays live, with its own clock.
"use strict";

const borderPlayback = (() => {
  const stepMs = 10 * 60e3;
  let env, panel, playing = null, span = null; // playing: { at, speed } as last asked; span: the scenario's first and last event

  /** options: connection, api(path), scenario(), clock() (ms, or null), live() (subscribes again). */
  function start(options) {
    env = options;
    panel = document.querySelector("#timeline");
    const field = name => panel.querySelector(`[name=${name}]`);
    panel.querySelector("[data-action=play]").addEventListener("click", toggle);
    panel.querySelector("[data-action=step]").addEventListener("click", step);
    panel.querySelector("[data-action=live]").addEventListener("click", live);
    field("at").addEventListener("change", () => field("at").value && play(Date.parse(`${field("at").value}:00Z`), playing?.speed ?? 0));
    field("speed").addEventListener("change", () => playing?.speed && play(moment(), speed()));
    field("scrub").addEventListener("change", () => play(Number(field("scrub").value) * 1e3, playing?.speed ?? 0));
    panel.addEventListener("focusin", loadSpan, { once: true });
  }

  const speed = () => Number(panel.querySelector("[name=speed]").value);
  const moment = () => env.clock() ?? Date.now();

  async function loadSpan() {
    const summary = await (await env.api(`api/scenarios/${encodeURIComponent(env.scenario())}`)).json();
    if (!summary.firstEvent) return;
    span = { first: Date.parse(summary.firstEvent), last: Date.parse(summary.lastEvent) };
    const scrub = panel.querySelector("[name=scrub]");
    Object.assign(scrub, { min: Math.floor(span.first / 1e3), max: Math.ceil(span.last / 1e3), step: 60 });
    show();
  }

  async function play(at, rate) {
    if (!span) await loadSpan();
    if (span) at = Math.min(Math.max(at, span.first), span.last);
    playing = { at, speed: rate };
    show();
    try {
      await env.connection.invoke("play", { scenario: env.scenario(), at: new Date(at).toISOString(), speed: rate });
    } catch (e) {
      playing = null;
      panel.querySelector("[data-field=state]").textContent = e.message.replace(/^.*HubException: /, "");
    }
  }

  const toggle = () => playing?.speed ? play(moment(), 0) : play(playing ? moment() : (span?.first ?? moment()), speed());
  const step = () => play(moment() + stepMs, 0);

  function live() {
    playing = null;
    show();
    env.live();
  }

  /** The picture's moment has come: the timeline follows it. */
  function shown(clock) {
    const at = Date.parse(clock);
    if (playing && playing.speed && span && at >= span.last) playing = { at, speed: 0 }; // the end: paused there
    show(at);
  }

  function show(at = playing?.at) {
    const button = panel.querySelector("[data-action=play]");
    button.textContent = playing?.speed ? "Pause" : "Play";
    button.setAttribute("aria-pressed", String(!!playing?.speed));
    panel.dataset.state = playing ? (playing.speed ? "playing" : "paused") : "live";
    panel.querySelector("[data-field=state]").textContent = playing
      ? `${playing.speed ? `playing at ${playing.speed}x` : "paused"} · ${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`
      : "live";
    if (playing && at) {
      panel.querySelector("[name=scrub]").value = Math.round(at / 1e3);
      if (document.activeElement !== panel.querySelector("[name=at]")) panel.querySelector("[name=at]").value = new Date(at).toISOString().slice(0, 16);
    }
  }

  /** Scenario time per wall time for the page's clock between frames: 1 live, the speed while playing, 0 paused. */
  const rate = () => playing ? playing.speed : 1;

  return { start, toggle, step, live, shown, rate, playing: () => playing !== null, reset: () => { playing = null; span = null; show(); } };
})();
