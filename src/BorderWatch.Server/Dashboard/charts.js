// Small SVG charts: a route's sparkline and a sector's hourly bars. Values are the hourly persons of the last 24 h.
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

  function bars(svg, values, labels) {
    clear(svg);
    const max = Math.max(1, ...values);
    const width = 240 / values.length;
    values.forEach((v, i) => {
      const height = 70 * v / max;
      const bar = element("rect", { class: "bar", x: i * width + 1, y: 75 - height, width: width - 2, height });
      const title = element("title", {});
      title.textContent = `${labels[i]}: ${v} persons`;
      bar.appendChild(title);
      svg.appendChild(bar);
    });
    svg.appendChild(element("line", { class: "axis", x1: 0, y1: 75, x2: 240, y2: 75 }));
  }

  return { sparkline, bars };
})();
