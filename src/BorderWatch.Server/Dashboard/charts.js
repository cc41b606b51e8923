// A route's sparkline, small SVG: the hourly persons of the last 24 h. Charts over time are history.js's.
"use strict";

const charts = (() => {
  const ns = "http://www.w3.org/2000/svg";

  function clear(svg) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
  }

  function element(name, attributes) {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
    return e;
  }

  function sparkline(svg, values) {
    clear(svg);
    svg.setAttribute("viewBox", "0 0 100 20");
    svg.setAttribute("preserveAspectRatio", "none");
    const max = Math.max(1, ...values);
    const step = 100 / Math.max(1, values.length - 1);
    const points = values.map((v, i) => `${(i * step).toFixed(1)},${(19 - 18 * v / max).toFixed(1)}`).join(" ");
    svg.appendChild(element("polyline", { class: "spark", points }));
  }

  return { sparkline };
})();
