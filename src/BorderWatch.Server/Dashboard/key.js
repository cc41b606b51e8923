// The API key of this tab, for the dashboard and the API reference: taken from a link's #key= (the fragment never
// reaches a server or a log) and kept for the tab's session.
"use strict";

const BorderWatchKey = (() => {
  const name = "borderwatch.key";
  if (location.hash.startsWith("#key=")) {
    sessionStorage.setItem(name, decodeURIComponent(location.hash.slice(5)));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return { get: () => sessionStorage.getItem(name) || "", set: key => sessionStorage.setItem(name, key.trim()) };
})();
