// The asset filter of the legend: own fleet and other traffic, and ship type from what vessels send over AIS.
"use strict";

const assetFilter = (form, onChange) => {
  // Ship type codes (ITU-R M.1371, table 53) in the groups an operator picks from.
  const groupOf = code => {
    if (code == null) return "unknown";
    if (code >= 70 && code <= 79) return "cargo";
    if (code >= 80 && code <= 89) return "tanker";
    if (code >= 60 && code <= 69) return "passenger";
    if (code === 30) return "fishing";
    if (code >= 40 && code <= 49) return "high speed craft";
    if (code === 36 || code === 37) return "leisure";
    if ([31, 32, 50, 51, 52, 53, 55].includes(code)) return "service";
    return "other";
  };
  const test = () => {
    const kinds = { patrol: form.elements.patrol.checked, vessel: form.elements.vessel.checked };
    const group = form.elements.shipType.value;
    return a => (a.kind === "patrol" ? kinds.patrol : kinds.vessel) && (!group || groupOf(a.vessel?.shipType) === group);
  };
  form.addEventListener("change", () => onChange(test()));
  return test;
};
