// What an operator does to an alert from the page: acknowledge it with a comment, or silence its route or sector
// (a reason and an end). One dialog for both; the server says who did it (the key's name) and the hub shows it.
"use strict";

const alertActions = (() => {
  let env, dialog;

  /** options: api(path, init), scenario(), clock() (ms, or null), name(alert). */
  function start(options) {
    env = options;
    dialog = document.querySelector("#act");
  }

  const utcInput = ms => new Date(ms).toISOString().slice(0, 16); // datetime-local, read as UTC

  /** Opens the dialog; resolves with its fields, or null when cancelled. */
  function ask(title, what, silencing, until) {
    const form = dialog.querySelector("form");
    form.reset();
    dialog.querySelector("[data-field=title]").textContent = title;
    dialog.querySelector("[data-field=what]").textContent = what;
    dialog.querySelector("[data-field=error]").textContent = "";
    const silence = dialog.querySelector("fieldset[name=silence]");
    silence.hidden = silence.disabled = !silencing;
    dialog.querySelector("label[data-field=comment]").hidden = silencing;
    if (until) form.elements.until.value = utcInput(until);
    dialog.showModal();
    return new Promise(resolve => dialog.addEventListener("close", () =>
      resolve(dialog.returnValue === "ok" ? Object.fromEntries(new FormData(form)) : null), { once: true }));
  }

  async function send(path, body) {
    const response = await env.api(`${path}${path.includes("?") ? "&" : "?"}scenario=${encodeURIComponent(env.scenario())}`,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) window.alert(`Not done: ${(await response.json()).detail}`);
    return response.ok;
  }

  async function acknowledge(alert) {
    const answer = await ask("Acknowledge", env.name(alert), false);
    if (answer) await send(`api/alerts/${encodeURIComponent(alert.id)}/ack`, { comment: answer.comment || null });
  }

  /** Silences the alert's route or sector from its start to the end chosen (a day past the scenario clock at first). */
  async function silence(alert) {
    const now = env.clock() ?? Date.now();
    const answer = await ask("Silence", `${env.name(alert)}: alerts on this ${alert.target} are held back until the end chosen`, true, now + 24 * 3600e3);
    if (!answer) return;
    const target = alert.target === "sector" ? { sector: alert.targetId } : { route: alert.targetId };
    await send("api/silences", { ...target, from: alert.start, to: `${answer.until}:00Z`, reason: answer.reason });
  }

  return { start, acknowledge, silence };
})();
