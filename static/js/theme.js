// Follow the system's light or dark preference (Bootstrap 5.3 colour modes), live.
(function () {
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  if (query.addEventListener) query.addEventListener("change", apply);
})();
