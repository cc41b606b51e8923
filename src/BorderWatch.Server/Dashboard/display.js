// How the page suits the room: light or dark (the system's setting unless the operator picks one), the video-wall
// layout (on by itself on a screen 2560 px wide or more), and keyboard shortcuts for the common actions.
"use strict";

const display = (() => {
  const root = document.documentElement;
  const themes = ["system", "dark", "light"];
  const changed = [];
  const stored = name => localStorage.getItem(`bw-${name}`);

  function apply() {
    const theme = stored("theme") || "system";
    if (theme === "system") delete root.dataset.theme;
    else root.dataset.theme = theme;
    root.dataset.layout = stored("layout") || (Math.max(screen.width, innerWidth) >= 2560 ? "wall" : "desk");
    document.querySelector("#theme").textContent = theme === "system" ? "Theme: auto" : `Theme: ${theme}`;
    document.querySelector("#layout").setAttribute("aria-pressed", String(root.dataset.layout === "wall"));
    changed.forEach(f => f());
  }

  const toggleTheme = () => {
    localStorage.setItem("bw-theme", themes[(themes.indexOf(stored("theme") || "system") + 1) % themes.length]);
    apply();
  };
  const toggleLayout = () => {
    localStorage.setItem("bw-layout", root.dataset.layout === "wall" ? "desk" : "wall");
    apply();
  };

  /** shortcuts: key -> action, added to t (theme) and w (wall); none fires while typing in a field. */
  function start(shortcuts) {
    document.querySelector("#theme").addEventListener("click", toggleTheme);
    document.querySelector("#layout").addEventListener("click", toggleLayout);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", apply);
    const keys = { t: toggleTheme, w: toggleLayout, ...shortcuts };
    document.addEventListener("keydown", e => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, textarea, select, dialog")) return;
      const action = keys[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    });
    apply();
  }

  /**
   * A colour of the palette as a value a canvas takes ("rgb(...)"): the custom property itself holds light-dark(),
   * which only CSS resolves.
   */
  let probe;
  function colour(name) {
    if (!probe) probe = document.body.appendChild(Object.assign(document.createElement("span"), { hidden: true }));
    probe.style.color = `var(--${name})`;
    return getComputedStyle(probe).color;
  }

  /** Called after each change of theme or layout: canvases redraw in the new palette and size. */
  const onChange = f => changed.push(f);

  return { start, onChange, colour };
})();
